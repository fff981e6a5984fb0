// IP addresses and CIDR ranges (SPEC.md rule 7): one strict parser shared by the global allowlist and
// per-credential limits, canonical text so duplicates are found whatever the spelling, and a compiled
// matcher for the `check` hot path.
//
// Why not net.BlockList or ipaddr.js: BlockList misses `::ffff:10.0.0.1` unless told the family and
// lets `::/0` match IPv4; ipaddr.js reads `010.0.0.1` as octal and `1.2.3` as 1.2.0.3 (ARCHITECTURE.md).
//
// Model: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) IS the IPv4 address a.b.c.d for matching, and
// an entry inside ::ffff:0:0/96 (prefix >= 96) IS the IPv4 range it maps. Every other IPv6 entry only
// ever matches non-mapped IPv6 addresses, so `::/0` never matches an IPv4 client.
import { quote } from "./echo.js";
import { UsageError } from "./errors.js";

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

/** Returns the entry that matches an address (the most specific one), or undefined. */
export type IpMatcher = (address: string | ParsedAddress) => string | undefined;

type Words = [number, number, number, number];

const MAX_INPUT = 100;

function invalid(text: string, why: string, what = "IP address or CIDR range"): never {
  throw new UsageError(`invalid ${what} ${quote(text)}: ${why}`, "invalid_input");
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses dotted-quad IPv4 strictly: the unsigned 32-bit value, or the reason it is not one. One
 * grammar for the hot path and for explaining errors (like Go's netip.parseIPv4Fields): a valid
 * address allocates nothing; only a failure builds its message.
 */
function parseV4(s: string): number | string {
  let dots = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 46) dots++;
  if (dots !== 3) {
    return dots < 3
      ? `an IPv4 address needs exactly 4 dot-separated numbers (short forms like 10.1 or 1.2.3 are ambiguous)`
      : `an IPv4 address has exactly 4 dot-separated numbers, not ${dots + 1}`;
  }
  let value = 0;
  let start = 0;
  for (let field = 0; field < 4; field++) {
    let end = s.indexOf(".", start);
    if (end < 0) end = s.length;
    if (end === start) return "an IPv4 address has an empty number between dots";
    let octet = 0;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return `${quote(s.slice(start, end))} is not a decimal number from 0 to 255`;
      octet = octet * 10 + (c - 48);
    }
    if (end - start > 1 && s.charCodeAt(start) === 48) {
      return `${quote(s.slice(start, end))} has a leading zero (ambiguous: some systems read it as octal); write each number without leading zeros`;
    }
    if (end - start > 3 || octet > 255) return `${s.slice(start, end)} is out of range (each number is 0 to 255)`;
    value = value * 256 + octet;
    start = end + 1;
  }
  return value;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Parses IPv6 (with an optional trailing dotted IPv4) into four words, or the reason it is not one.
 * One left-to-right grammar for the hot path and the error messages; a valid address allocates only
 * its groups and the result (an embedded IPv4 part, rare, is sliced out).
 */
function parseV6(s: string): Words | string {
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

function isMapped(w: readonly number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952: lower-case, no leading zeros, the longest run (>= 2) of zero groups as "::" (first on a
 * tie); IPv4-mapped addresses in the mixed notation `::ffff:a.b.c.d` (RFC 5952 section 5). */
function formatV6(w: readonly number[]): string {
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

function mask32(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

function maskWords(w: readonly number[], prefix: number): Words {
  return [0, 1, 2, 3].map((i) => (w[i]! & mask32(prefix - 32 * i)) >>> 0) as Words;
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

interface Network {
  family: 4 | 6;
  prefix: number;
  /** The network address (host bits cleared). */
  words: Words;
  normalizedFrom?: string;
}

function parseNetwork(text: string, normalize: boolean): Network {
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
    const network = raw.family === 4 ? formatV4(masked[3]) : formatV6(masked);
    invalid(text, `host bits are set after /${prefix}; the network is ${network}/${prefix} (pass --normalize to store that)`, what);
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

// ---------------------------------------------------------------------------------------------
// Matching

/** What an entry covers: an IPv4 range (IPv4 entries and IPv6 entries inside ::ffff:0:0/96), or an
 * IPv6 range that only ever matches non-mapped IPv6 addresses. */
type Range = { v4: true; prefix: number; network: number } | { v4: false; prefix: number; network: Words };

function rangeOf(entry: string): Range {
  const n = parseNetwork(entry, false);
  if (n.family === 4) return { v4: true, prefix: n.prefix, network: n.words[3] };
  if (n.prefix >= 96 && isMapped(n.words)) return { v4: true, prefix: n.prefix - 96, network: n.words[3] };
  return { v4: false, prefix: n.prefix, network: n.words };
}

/**
 * A key under which two entries cover exactly the same addresses: `10.0.0.1`, `10.0.0.1/32` and
 * `::ffff:10.0.0.1` share one. Use it to reject duplicates whatever the spelling.
 */
export function coverageKey(entry: string): string {
  const r = rangeOf(entry);
  return r.v4 ? `4/${r.prefix}/${r.network}` : `6/${r.prefix}/${r.network.join(":")}`;
}

function cmpWords(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[ai + k]!;
    const y = b[bi + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * IPv6 ranges for longest-prefix match. CIDR ranges are either nested or disjoint, so: sort by start
 * (wider first on a tie), record each range's nearest enclosing range, then find the last range that
 * starts at or before the address by binary search and climb to the first one that still contains
 * it. O(log n) per lookup whatever the mix of prefix lengths, no strings, no BigInt.
 */
function compileV6(ranges: { network: Words; prefix: number; entry: string }[]): (w: readonly number[]) => string | undefined {
  ranges.sort((a, b) => cmpWords(a.network, 0, b.network, 0) || a.prefix - b.prefix);
  const n = ranges.length;
  const starts = new Uint32Array(n * 4);
  const ends = new Uint32Array(n * 4);
  const parent = new Int32Array(n);
  const entries: string[] = new Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = ranges[i]!;
    for (let k = 0; k < 4; k++) {
      const m = mask32(r.prefix - 32 * k);
      starts[i * 4 + k] = r.network[k]!;
      ends[i * 4 + k] = (r.network[k]! | ~m) >>> 0;
    }
    entries[i] = r.entry;
    while (stack.length > 0 && cmpWords(ends, stack[stack.length - 1]! * 4, starts, i * 4) < 0) stack.pop();
    parent[i] = stack.length > 0 ? stack[stack.length - 1]! : -1;
    stack.push(i);
  }
  return (w) => {
    let lo = 0;
    let hi = n - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpWords(starts, mid * 4, w, 0) <= 0) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    while (at >= 0 && cmpWords(w, 0, ends, at * 4) > 0) at = parent[at]!;
    return at >= 0 ? entries[at] : undefined;
  };
}

/**
 * Compiles entries (canonical or not; each must parse) into a matcher that returns the most specific
 * matching entry, as it was given (the first one given, for entries covering the same range). IPv4:
 * one hash lookup per distinct prefix length present (at most 33); IPv6: a binary search. No BigInt,
 * no strings on the hot path. Throws UsageError on an unparsable entry, or when the address given to
 * the matcher as text is invalid.
 */
export function compileMatcher(entries: readonly string[]): IpMatcher {
  const v4 = new Map<number, Map<number, string>>(); // prefix -> network -> entry
  const v6: { network: Words; prefix: number; entry: string }[] = [];
  const v6Seen = new Set<string>();
  for (const entry of entries) {
    const r = rangeOf(entry);
    if (r.v4) {
      let m = v4.get(r.prefix);
      if (!m) v4.set(r.prefix, (m = new Map()));
      if (!m.has(r.network)) m.set(r.network, entry);
    } else {
      const key = `${r.prefix}/${r.network.join(":")}`;
      if (v6Seen.has(key)) continue;
      v6Seen.add(key);
      v6.push({ network: r.network, prefix: r.prefix, entry });
    }
  }
  const v4Prefixes = [...v4.keys()].sort((a, b) => b - a);
  const v4Masks = v4Prefixes.map(mask32);
  const v4Maps = v4Prefixes.map((p) => v4.get(p)!);
  const matchV6 = v6.length > 0 ? compileV6(v6) : () => undefined;

  return (address) => {
    const a = typeof address === "string" ? parseAddress(address) : address;
    if (a.v4 !== undefined) {
      const x = a.v4;
      for (let i = 0; i < v4Maps.length; i++) {
        const hit = v4Maps[i]!.get((x & v4Masks[i]!) >>> 0);
        if (hit !== undefined) return hit;
      }
      return undefined;
    }
    return matchV6(a.words);
  };
}

/** The outcome of an IP step of `check`, in the shape of its `steps` entries (minus the step name). */
export interface IpStepOutcome {
  result: "pass" | "fail" | "skipped";
  detail: string;
  /** The entry that matched, when one did. */
  entry?: string;
}

/**
 * The per-credential IP step (`ip_not_allowed_for_credential`). Skipped without a client address;
 * passes when the credential has no restrictions or one of them matches. It takes no access key on
 * purpose: the access key never bypasses a credential's own IP limits (SPEC.md rule 8).
 */
export function credentialIpStep(address: ParsedAddress | undefined, ips: readonly string[], matcher: IpMatcher = compileMatcher(ips)): IpStepOutcome {
  if (address === undefined) return { result: "skipped", detail: "no --ip given" };
  if (ips.length === 0) return { result: "pass", detail: "the credential has no IP restrictions" };
  const entry = matcher(address);
  return entry === undefined
    ? { result: "fail", detail: `${address.canonical} is outside the credential's IP restrictions` }
    : { result: "pass", detail: `${address.canonical} matches the credential's restriction ${entry}`, entry };
}
