// The usual body of POST /v1/check, read in one pass: a single flat object whose keys are among the
// five and whose values are strings without escapes, or null. The general way (parseStrictJson, then
// parseRequest) makes an object of slices, interns its keys and walks them; this compares the keys
// in place and slices only the values, ~0.3 µs less a request. Anything else — another key, a key
// twice, an escape, a number, nesting, text after the object — returns undefined and the caller
// takes the general way, so every refusal and its message come from there alone. The values then go
// through the same checks (checkedRequest). test/serve/flat-request.test.ts holds the two ways to the
// same outcome over generated bodies.
import { checkedRequest, type ParsedRequest } from "./request.js";

const KEYS = ["credential", "action", "ip", "secret", "accessKey"] as const;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Where the string that starts after the quote at `from` ends (its closing quote); -1 if it has an escape or a control character, or no end. */
function stringEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j;
    if (c === 0x5c || c < 0x20) return -1;
  }
  return -1;
}

/** Which of the five keys text[start, end) is, or -1: compared in place, no key string is made. */
function keyIndex(text: string, start: number, end: number): number {
  for (let k = 0; k < KEYS.length; k++) {
    const key = KEYS[k]!;
    if (key.length === end - start && text.startsWith(key, start)) return k;
  }
  return -1;
}

/**
 * The request in `text`, checked as parseRequest checks it (and throwing what it throws), when the
 * body has the usual flat shape; undefined when it has not (then take the general way).
 */
export function parseFlatRequest(text: string): ParsedRequest | undefined {
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  let seen = 0;
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i = skipSpace(text, i + 1);
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return undefined; // also `{}`: the general way says what is missing
    const keyEnd = stringEnd(text, i + 1);
    if (keyEnd < 0) return undefined;
    const k = keyIndex(text, i + 1, keyEnd);
    if (k < 0 || (seen & (1 << k)) !== 0) return undefined;
    seen |= 1 << k;
    i = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpace(text, i + 1);
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i + 1);
      if (end < 0) return undefined;
      values[k] = text.slice(i + 1, end);
      i = end + 1;
    } else if (c === 0x6e && text.startsWith("null", i)) {
      i += 4; // null: absent, as parseRequest reads it
    } else return undefined;
    i = skipSpace(text, i);
    const next = text.charCodeAt(i);
    if (next === 0x7d) break;
    if (next !== 0x2c) return undefined;
    i = skipSpace(text, i + 1);
  }
  if (skipSpace(text, i + 1) !== text.length) return undefined;
  return checkedRequest(values[0], values[1], values[2], values[3], values[4]);
}
