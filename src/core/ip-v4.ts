// The IPv4 grammar: strict dotted-quad text to an unsigned 32-bit value and back. The one IPv4 parser
// (the IPv6 grammar reuses it for an embedded `::ffff:a.b.c.d` tail); kept apart so the rules for
// "what is an IPv4 address" (SPEC.md rule 7) read in one place.
import { quote } from "./echo.js";

/**
 * Parses dotted-quad IPv4 strictly: the unsigned 32-bit value, or the reason it is not one. One
 * grammar for the hot path and for explaining errors (like Go's netip.parseIPv4Fields): a valid
 * address allocates nothing; only a failure builds its message.
 */
export function parseV4(s: string): number | string {
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

/** The dotted-quad text of an unsigned 32-bit value. */
export function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
