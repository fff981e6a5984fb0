// Finding apicred secrets in text (`apicred scan`). Pure: the command walks files (store/tree.ts) and
// hands each file's bytes here. Fast by leaning on Buffer.indexOf (native memchr/memmem): one search
// for "apc_" per candidate, one for each newline before it, and a checksum only for tokens of the
// right shape — so a 100 MB tree costs about what reading it costs.
import { SECRET_LENGTH, SECRET_PREFIX, secretFormatOk } from "./secrets.js";

export interface Hit {
  /** 1-based. */
  line: number;
  /** 1-based, in bytes from the start of the line (as grep and ripgrep count). */
  column: number;
  /** The secret itself: for the lookup only, never printed (see maskSecret). */
  secret: string;
}

// A string needle, not a Buffer made at load: this module is in the one bundle `check` loads too,
// and must cost it nothing.
const PREFIX = SECRET_PREFIX;
const NEWLINE = 0x0a;

/**
 * Every well-formed secret (`apc_` + 39 base62 characters with a valid checksum) in `bytes`, in
 * order. No word-boundary rule: the checksum is what makes a hit precise (a random match is about one
 * in four billion), and a secret glued to other text (`KEY=xapc_…`) has still leaked.
 */
export function findSecrets(bytes: Uint8Array): Hit[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hits: Hit[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0; // newlines before this offset are already counted
  for (let at = buf.indexOf(PREFIX, 0, "latin1"); at >= 0; at = buf.indexOf(PREFIX, at + 1, "latin1")) {
    const end = at + SECRET_LENGTH;
    if (end > buf.length) break;
    // Most "apc_" in text is not a secret: reject on the bytes before building a string.
    let shaped = true;
    for (let i = at + PREFIX.length; i < end; i++) {
      const b = buf[i]!;
      if (!((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122))) {
        shaped = false;
        break;
      }
    }
    if (!shaped) continue;
    const token = buf.toString("latin1", at, end);
    if (!secretFormatOk(token)) continue;
    for (let nl = buf.indexOf(NEWLINE, counted); nl >= 0 && nl < at; nl = buf.indexOf(NEWLINE, nl + 1)) {
      line++;
      lineStart = nl + 1;
      counted = nl + 1;
    }
    hits.push({ line, column: at - lineStart + 1, secret: token });
    at = end - 1;
  }
  return hits;
}

/** What a report shows of a secret: the prefix and four characters, enough to tell two apart. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}

/** A NUL byte in the first 8 KiB: a binary file (git's and ripgrep's rule), not scanned. */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  return head.indexOf(0) >= 0;
}
