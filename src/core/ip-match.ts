// Matching addresses against allowlist and per-credential entries: what range an entry covers (an
// entry inside ::ffff:0:0/96 covers IPv4), a key for "the same range, however spelt", the compiled
// longest-prefix matcher of the `check` hot path, and the per-credential IP step of a decision.
import { type ParsedAddress, parseAddress, parseNetwork } from "./ip-parse.js";
import { isMapped, mask32, type Words } from "./ip-v6.js";

/** Returns the entry that matches an address (the most specific one), or undefined. */
export type IpMatcher = (address: string | ParsedAddress) => string | undefined;

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
