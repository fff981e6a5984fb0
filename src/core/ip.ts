// IP addresses and CIDR ranges (SPEC.md rule 7): one strict parser shared by the global allowlist and
// per-credential limits, canonical text so duplicates are found whatever the spelling, and a compiled
// matcher for the `check` hot path. This file is the way in; the work is split by job:
//   ip-v4.ts     the IPv4 grammar (one allocation-free parser that also explains its errors)
//   ip-v6.ts     the IPv6 grammar, RFC 5952 text, and the 128-bit word arithmetic
//   ip-parse.ts  user input as an address or CIDR range: prefix, host bits, canonical text
//   ip-match.ts  what an entry covers, duplicate keys, the longest-prefix matcher, the IP step
//
// Why not net.BlockList or ipaddr.js: BlockList misses `::ffff:10.0.0.1` unless told the family and
// lets `::/0` match IPv4; ipaddr.js reads `010.0.0.1` as octal and `1.2.3` as 1.2.0.3 (ARCHITECTURE.md).
//
// Model: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) IS the IPv4 address a.b.c.d for matching, and
// an entry inside ::ffff:0:0/96 (prefix >= 96) IS the IPv4 range it maps. Every other IPv6 entry only
// ever matches non-mapped IPv6 addresses, so `::/0` never matches an IPv4 client.
export { canonicalIp, parseAddress, parseIpOrCidr, type ParsedAddress, type ParsedIp, type ParseOptions } from "./ip-parse.js";
export { compileMatcher, coverageKey, credentialIpStep, type IpMatcher, type IpStepOutcome } from "./ip-match.js";
