// Reading user input as an IP address or CIDR range (SPEC.md rule 7): the checks around the two
// address grammars (empty input, whitespace, a prefix length, host bits set) and the canonical text
// stored and compared. The grammars themselves are ip-v4.ts and ip-v6.ts; matching is ip-match.ts.
import { quote } from "./echo.js";
import { type Hint, UsageError } from "./errors.js";
import { formatV4, parseV4 } from "./ip-v4.js";
import { formatV6, isMapped, maskWords, parseV6, type Words } from "./ip-v6.js";

/** A single address, ready for matching. */
export type ParsedAddress =
  | { readonly family: 4; readonly canonical: string; /** unsigned 32-bit */ readonly v4: number }
  /** An IPv4-mapped IPv6 address: family 6 as written, matched as the IPv4 address `v4`. */
  | { readonly family: 6; readonly canonical: string; readonly v4: number }
  /** Any other IPv6 address: four unsigned 32-bit words, most significant first. */
  | { readonly family: 6; readonly canonical: string; readonly v4: undefined; readonly words: readonly [number, number, number, number] };

/** An address or CIDR range, as parsed from user input. */
export interface ParsedIp {
  /** Canonical text: lower-case, RFC 5952 IPv6, `/32` and `/128` dropped. Store and compare this. */
  readonly canonical: string;
  /** The family as written (`::ffff:10.0.0.0/104` is 6). */
  readonly family: 4 | 6;
  /** The prefix length; 32 or 128 for a single address. */
  readonly prefix: number;
  /** The input, when `normalize` cleared host bits (e.g. `10.0.0.5/8` became `10.0.0.0/8`). */
  readonly normalizedFrom?: string;
}

export interface ParseOptions {
  /** Clear host bits of a CIDR (`10.0.0.5/8` → `10.0.0.0/8`) instead of rejecting it. */
  readonly normalize?: boolean;
}

const MAX_INPUT = 100;

function invalid(text: string, why: string, what = "IP address or CIDR range", hint?: Hint): never {
  throw new UsageError(`invalid ${what} ${quote(text)}: ${why}`, "invalid_input", [], hint);
}

function checkWhitespaceAndEmpty(text: string, what: string): void {
  if (typeof text !== "string" || text === "") invalid(String(text ?? ""), "it is empty", what);
  if (text.trim() !== text) invalid(text, "remove the surrounding whitespace", what);
  if (text.length > MAX_INPUT) invalid(text, "too long to be an address", what);
  if (/\s/.test(text)) invalid(text, "it contains whitespace", what);
}

interface Raw {
  family: 4 | 6;
  words: Words; // IPv4 lives in words[3] with words[0..2] = 0
}

function parseRawAddress(text: string, s: string, what: string): Raw {
  const v4 = parseV4(s);
  if (typeof v4 === "number") return { family: 4, words: [0, 0, 0, v4] };
  if (s.includes(":")) {
    const w = parseV6(s);
    if (typeof w === "string") invalid(text, w, what);
    return { family: 6, words: w };
  }
  if (s.includes("%")) invalid(text, "zone ids (the %eth0 part) are not allowed", what);
  if (!/^[0-9.]+$/.test(s)) {
    invalid(text, /^[0-9a-z.-]+$/i.test(s) ? "host names are not allowed, only IP addresses" : "not an IP address", what);
  }
  return invalid(text, v4, what);
}

/** An address or CIDR range reduced to its network (both families in four words). */
export interface Network {
  family: 4 | 6;
  prefix: number;
  /** The network address (host bits cleared). */
  words: Words;
  normalizedFrom?: string;
}

/** Parses an address or CIDR range to its network; the one entry to the grammars for ranges. */
export function parseNetwork(text: string, normalize: boolean): Network {
  const what = "IP address or CIDR range";
  checkWhitespaceAndEmpty(text, what);
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (addrText === "") invalid(text, "the address before the / is missing", what);
  const raw = parseRawAddress(text, addrText, what);
  const max = raw.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (p === "") invalid(text, "the prefix length after the / is missing", what);
    if (!/^[0-9]+$/.test(p)) invalid(text, `prefix length ${quote(p)} is not a number`, what);
    if (p.length > 1 && p[0] === "0") invalid(text, `prefix length ${quote(p)} has a leading zero`, what);
    prefix = Number(p);
    if (prefix > max) invalid(text, `prefix length /${p} is out of range for IPv${raw.family} (0 to ${max})`, what);
  }
  const masked = maskWords(raw.words, raw.family === 4 ? prefix + 96 : prefix);
  if (masked[0] === raw.words[0] && masked[1] === raw.words[1] && masked[2] === raw.words[2] && masked[3] === raw.words[3]) {
    return { family: raw.family, prefix, words: masked };
  }
  if (!normalize) {
    const network = `${raw.family === 4 ? formatV4(masked[3]) : formatV6(masked)}/${prefix}`;
    // The command line's --normalize is the command layer's to suggest (commands/hints.ts).
    invalid(text, `host bits are set after /${prefix}; the network is ${network}`, what, { code: "cidr_host_bits_set", params: { network } });
  }
  return { family: raw.family, prefix, words: masked, normalizedFrom: text };
}

/**
 * Parses an IPv4/IPv6 address or CIDR range strictly. Throws UsageError("invalid_input") naming what
 * is wrong: leading zeros, short forms, out-of-range numbers or prefixes, whitespace, empty input,
 * zone ids, junk, host bits set in a CIDR (unless `normalize`).
 */
export function parseIpOrCidr(text: string, options: ParseOptions = {}): ParsedIp {
  const n = parseNetwork(text, Boolean(options.normalize));
  const address = n.family === 4 ? formatV4(n.words[3]) : formatV6(n.words);
  const canonical = n.prefix === (n.family === 4 ? 32 : 128) ? address : `${address}/${n.prefix}`;
  return n.normalizedFrom === undefined
    ? { canonical, family: n.family, prefix: n.prefix }
    : { canonical, family: n.family, prefix: n.prefix, normalizedFrom: n.normalizedFrom };
}

/** The canonical text of an address or CIDR (throws like parseIpOrCidr). */
export function canonicalIp(text: string, options: ParseOptions = {}): string {
  return parseIpOrCidr(text, options).canonical;
}

/** Parses one address (no CIDR): the client IP of `ip test` and `check --ip`. */
export function parseAddress(text: string): ParsedAddress {
  const what = "IP address";
  checkWhitespaceAndEmpty(text, what);
  if (text.includes("/")) invalid(text, "expected a single address, not a CIDR range", what);
  const raw = parseRawAddress(text, text, what);
  if (raw.family === 4) return { family: 4, canonical: formatV4(raw.words[3]), v4: raw.words[3] };
  if (isMapped(raw.words)) return { family: 6, canonical: formatV6(raw.words), v4: raw.words[3] };
  return { family: 6, canonical: formatV6(raw.words), v4: undefined, words: raw.words };
}
