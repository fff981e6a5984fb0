// ASCII-only case folding for names (SPEC "Fail closed": action names match case-insensitively in
// ASCII only). String#toLowerCase folds all of Unicode: the Kelvin sign K (U+212A) becomes "k", so
// `GetTic\u212Aets` would match GetTickets. Every name comparison goes through asciiLower instead.

/** `s` with A-Z lowered to a-z and every other character (non-ASCII included) left as it is. */
export function asciiLower(s: string): string {
  // Pure ASCII (the common case): the native fold is the ASCII fold, and fast.
  return NON_ASCII.test(s) ? s.replace(UPPER, (m) => m.toLowerCase()) : s.toLowerCase();
}

const NON_ASCII = /[^\u0000-\u007f]/;
const UPPER = /[A-Z]+/g;
