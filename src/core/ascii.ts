// ASCII-only case folding for names (SPEC "Fail closed": action names match case-insensitively in
// ASCII only). String#toLowerCase folds all of Unicode: the Kelvin sign K (U+212A) becomes "k", so
// `GetTic\u212Aets` would match GetTickets. Every name comparison goes through asciiLower instead.

/** `s` with A-Z lowered to a-z and every other character (non-ASCII included) left as it is. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  // Pure ASCII: the native fold is the ASCII fold, and fast.
  return s.toLowerCase();
}

/** Equal ignoring ASCII case only. */
export function asciiEqualFold(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === asciiLower(b);
}
