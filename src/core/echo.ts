// What apicred may echo back of text it did not write itself (arguments, stored data, file contents):
// never a raw control character that a terminal or a CI log viewer would obey, never a secret, and
// never megabytes of it. ui/output.ts applies `safe` to every line, cell and message it prints, so no
// call site can forget; `quote` caps a value quoted in an error message; `textProblem` is the input
// rule for descriptions and notes. Small and dependency-free: it is on the `check` path.

/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC, BEL, CR, newline, tab…),
 * DEL, C1 controls (U+0080–U+009F; U+009B is a one-character CSI), the bidi controls that reorder
 * what is shown (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the line and paragraph
 * separators U+2028/U+2029.
 */
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, "g");

/**
 * What looks like an apicred secret (core/secrets.ts: `apc_` + 39 base62 characters), whole or cut
 * short: 16 characters of it are enough to be worth hiding, and few enough that `apc_deployers`
 * (a name, not a secret) is still shown.
 */
const SECRET_LIKE = /apc_[A-Za-z0-9]{16,}/;
const SECRETS_LIKE = new RegExp(SECRET_LIKE.source, "g");

/** Whether `text` holds something that looks like a secret: such text is never stored as a name. */
export function holdsSecret(text: string): boolean {
  return SECRET_LIKE.test(text);
}

/** What a masked secret is shown as. */
export const MASKED_SECRET = "apc_…";

/** The visible form of one unsafe character: `\n`, `\t`, `\r`, `\x1b`, `\x9b`, `\u202e`. */
function escapeChar(ch: string): string {
  if (ch === "\n") return "\\n";
  if (ch === "\t") return "\\t";
  if (ch === "\r") return "\\r";
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text as it may be shown to a person: unsafe characters escaped visibly and secrets masked (all but
 * those in `keep`: a secret at the one moment it is generated). Idempotent.
 */
export function safe(text: string, keep?: ReadonlySet<string>): string {
  let out = text;
  if (out.includes("apc_")) out = out.replace(SECRETS_LIKE, (m) => (keep?.has(m) ? m : MASKED_SECRET));
  return UNSAFE_CHAR.test(out) ? out.replace(UNSAFE_CHARS, escapeChar) : out;
}

/**
 * JSON text made safe to print without changing what it parses to: JSON.stringify escapes C0 but
 * leaves DEL, C1 and bidi characters raw, so they become `\u` escapes here; secrets are masked as in
 * `safe` (JSON.stringify never puts an escape inside `apc_` + base62, so they are seen whole).
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, "g");

export function safeJson(json: string, keep?: ReadonlySet<string>): string {
  let out = json;
  if (out.includes("apc_")) out = out.replace(SECRETS_LIKE, (m) => (keep?.has(m) ? m : MASKED_SECRET));
  return JSON_UNSAFE.test(out) ? out.replace(JSON_UNSAFE_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`) : out;
}

/** How much of a value an error message quotes. */
export const MAX_ECHO = 80;

/** At most `max` characters of `text`, then `…(N more)`: a 5 MB argument is not echoed whole. */
export function clip(text: string, max = MAX_ECHO): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  let more = 0;
  for (let i = end; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc00 || code > 0xdfff) more++; // count characters, not UTF-16 units
  }
  return `${text.slice(0, end)}…(${more} more)`;
}

/** A value from the user, quoted for an error message: in double quotes and clipped. */
export function quote(text: string): string {
  return `"${clip(text)}"`;
}

/**
 * Why `text` cannot be a description or a note (one line of plain text), or undefined: it holds an
 * unsafe character (named, with its position) or something that looks like a secret.
 */
export function textProblem(text: string): string | undefined {
  const m = UNSAFE_CHAR.exec(text);
  if (m) {
    const what = m[0] === "\n" || m[0] === "\r" || m[0] === "\u2028" || m[0] === "\u2029" ? "a line break" : "a control character";
    return `contains ${what} (${escapeChar(m[0])}) at character ${[...text.slice(0, m.index)].length + 1}; it must be one line of plain text`;
  }
  if (holdsSecret(text)) return `contains what looks like a secret (${MASKED_SECRET}); a secret never belongs here`;
  return undefined;
}
