// The IPv6 grammar: strict text to four 32-bit words and back (RFC 5952), plus the word arithmetic
// both families share (an IPv4 address lives in the last word, as its IPv4-mapped form). The one IPv6
// parser, kept apart from CIDR handling and matching so the address rules read in one place.
import { quote } from "./echo.js";
import { formatV4, parseV4 } from "./ip-v4.js";

/** An address as four unsigned 32-bit words, most significant first. */
export type Words = [number, number, number, number];

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Parses IPv6 (with an optional trailing dotted IPv4) into four words, or the reason it is not one.
 * One left-to-right grammar for the hot path and the error messages; a valid address allocates only
 * its groups and the result (an embedded IPv4 part, rare, is sliced out).
 */
export function parseV6(s: string): Words | string {
  const len = s.length;
  let zone = false;
  let badChar = false;
  let doubleColons = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) zone = true;
    else if (c === 58 && s.charCodeAt(i + 1) === 58) {
      doubleColons++;
      i++;
    } else if (c !== 58 && c !== 46 && (c >= 128 || HEX[c]! < 0)) badChar = true;
  }
  if (zone) return "zone ids (the %eth0 part) are not allowed: a zone is local to one host";
  if (s.startsWith("[") || s.endsWith("]")) return "remove the brackets";
  if (badChar) return "an IPv6 address holds only hex digits and colons (and an optional trailing IPv4 part)";
  if (doubleColons > 1) return `"::" may appear only once`;

  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  let n = 0; // groups seen (an embedded IPv4 part counts as two)
  let gap = -1; // how many groups came before "::"
  let i = 0;
  if (s.startsWith("::")) {
    gap = 0;
    i = 2;
  }
  while (i < len) {
    let end = s.indexOf(":", i);
    if (end < 0) end = len;
    if (end === i) return "an IPv6 address has an empty group (a stray colon)";
    const dot = s.indexOf(".", i);
    if (dot >= 0 && dot < end) {
      if (end !== len) return "an embedded IPv4 address may only be the last part";
      const v4 = parseV4(s.slice(i, end));
      if (typeof v4 === "string") return `embedded IPv4 part: ${v4}`;
      if (n < 8) g[n] = Math.floor(v4 / 65536);
      if (n + 1 < 8) g[n + 1] = v4 % 65536;
      n += 2;
    } else {
      if (end - i > 4) return `group ${quote(s.slice(i, end))} has more than 4 hex digits`;
      let value = 0;
      for (let k = i; k < end; k++) value = value * 16 + HEX[s.charCodeAt(k)]!;
      if (n < 8) g[n] = value;
      n++;
    }
    if (end === len) break;
    if (s.charCodeAt(end + 1) === 58) {
      gap = n;
      i = end + 2;
    } else {
      i = end + 1;
      if (i === len) return "an IPv6 address has an empty group (a stray colon)";
    }
  }
  if (gap < 0) {
    if (n !== 8) return `an IPv6 address has 8 groups (or "::" for a run of zeros), not ${n}`;
  } else {
    const missing = 8 - n;
    if (missing < 1) return `too many groups for "::" to stand for any`;
    for (let k = n - 1; k >= gap; k--) g[k + missing] = g[k]!;
    for (let k = gap; k < gap + missing; k++) g[k] = 0;
  }
  return [(g[0]! * 65536 + g[1]!) >>> 0, (g[2]! * 65536 + g[3]!) >>> 0, (g[4]! * 65536 + g[5]!) >>> 0, (g[6]! * 65536 + g[7]!) >>> 0];
}

/** Inside ::ffff:0:0/96: an IPv4-mapped address, which IS its IPv4 address for matching. */
export function isMapped(w: readonly number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/** RFC 5952: lower-case, no leading zeros, the longest run (>= 2) of zero groups as "::" (first on a
 * tie); IPv4-mapped addresses in the mixed notation `::ffff:a.b.c.d` (RFC 5952 section 5). */
export function formatV6(w: readonly number[]): string {
  if (isMapped(w)) return `::ffff:${formatV4(w[3]!)}`;
  const g: number[] = [];
  for (const word of w) g.push(word >>> 16, word & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** The network mask of one 32-bit word for `bits` leading one bits (clamped to 0..32). */
export function mask32(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/** The words with every bit after the first `prefix` (of 128) cleared. */
export function maskWords(w: readonly number[], prefix: number): Words {
  return [0, 1, 2, 3].map((i) => (w[i]! & mask32(prefix - 32 * i)) >>> 0) as Words;
}
