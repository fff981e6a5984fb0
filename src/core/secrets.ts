// Credential identifiers and secrets (SPEC.md rule 5).
//
// A secret is `apc_` + 33 base62 characters from nanoid's CSPRNG (33 × log2 62 ≈ 196.5 bits) + a
// 6-character base62 CRC32 of those 33 characters, GitHub-token style: 43 characters in all. The
// checksum lets `check` and secret scanners reject a mistyped, truncated or pasted-wrong secret
// without a lookup. Only SHA-256(secret), base64url, is stored; verification hashes the candidate and
// compares in constant time (core/sha256.ts: no node:crypto on the `check` path); generation uses nanoid.
import { customAlphabet } from "nanoid";
import { digestMatchesStored, digestsEqual, sha256, type Sha256, sha256Base64url, storedDigest } from "./sha256.js";
import type { Credential } from "./types.js";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const SECRET_PREFIX = "apc_";
export const SECRET_BODY_LENGTH = 33;
export const SECRET_CHECKSUM_LENGTH = 6;
export const SECRET_LENGTH = SECRET_PREFIX.length + SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH;
export const IDENTIFIER_LENGTH = 32;

const IDENTIFIER = /^[A-Za-z0-9]{32}$/;

let makeIdentifier: (() => string) | undefined;
let makeBody: (() => string) | undefined;

/** A new public identifier: 32 characters of [A-Za-z0-9] from nanoid's CSPRNG. */
export function generateIdentifier(): string {
  makeIdentifier ??= customAlphabet(BASE62, IDENTIFIER_LENGTH);
  return makeIdentifier();
}

/** Starts like a secret: such text is never echoed in a message, nor taken for a name. */
export function looksLikeSecret(text: string): boolean {
  return text.startsWith(SECRET_PREFIX);
}

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** A new secret: `apc_` + 33 random base62 characters + their 6-character checksum. */
export function generateSecret(): string {
  makeBody ??= customAlphabet(BASE62, SECRET_BODY_LENGTH);
  const body = makeBody();
  return `${SECRET_PREFIX}${body}${checksum(body)}`;
}

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 (IEEE 802.3, as zlib and PNG) of the UTF-8 bytes of a string. */
export function crc32(text: string): number {
  const t = table();
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return crc32Bytes(t, Buffer.from(text, "utf8")); // secrets are ASCII: rare path
    crc = t[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function crc32Bytes(t: Uint32Array, bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = t[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A number in base62, left-padded with "0" to `width` characters. */
export function base62(value: number, width: number): string {
  let out = "";
  let v = value;
  do {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, "0");
}

/** The 6-character checksum of a secret body (62^6 > 2^32, so every CRC32 fits). */
export function checksum(body: string): string {
  return base62(crc32(body), SECRET_CHECKSUM_LENGTH);
}

/**
 * Why a string cannot be an apicred secret, or undefined when its shape and checksum are right.
 * Needs no lookup and never echoes the candidate back.
 */
export function secretFormatProblem(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return `it does not start with ${SECRET_PREFIX}`;
  if (secret.length !== SECRET_LENGTH) {
    return `it has ${secret.length} characters, not ${SECRET_LENGTH}${secret.length < SECRET_LENGTH ? " (truncated?)" : ""}`;
  }
  // One pass, no substrings: `check --batch` runs this for every line that carries a secret.
  const t = table();
  const bodyEnd = SECRET_PREFIX.length + SECRET_BODY_LENGTH;
  let crc = 0xffffffff;
  for (let i = SECRET_PREFIX.length; i < SECRET_LENGTH; i++) {
    const code = secret.charCodeAt(i);
    if (!isBase62(code)) return "it contains characters outside [A-Za-z0-9]";
    if (i < bodyEnd) crc = t[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  let value = (crc ^ 0xffffffff) >>> 0;
  for (let i = SECRET_LENGTH - 1; i >= bodyEnd; i--) {
    if (secret.charCodeAt(i) !== BASE62.charCodeAt(value % 62)) return "its checksum does not match (mistyped or altered?)";
    value = Math.floor(value / 62);
  }
  return undefined;
}

function isBase62(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function secretFormatOk(secret: string): boolean {
  return secretFormatProblem(secret) === undefined;
}

/** SHA-256 of the secret, base64url: the only form a secret is ever stored in. */
export function hashSecret(secret: string): string {
  return sha256Base64url(secret);
}

export type SecretVerdict =
  | { ok: true; via: "current" | "previous" }
  | { ok: false; why: "malformed" | "mismatch" | "previous_expired"; detail: string };

/**
 * Current secret hashes a long-lived snapshot (serve, the library) has seen a well-formed secret
 * match, with their bytes decoded once. A secret whose digest equals one of them is that secret
 * (SHA-256 has no known collisions), so its checksum and the stored text need no second look: the
 * verdict is the one the full way gives, ~0.6 µs sooner. Holds stored hashes only, never a secret;
 * at most one entry per credential of the snapshot.
 */
export class VerifiedHashes {
  private readonly bytes = new Map<string, Uint8Array>();

  matches(storedBase64url: string, digest: Uint8Array): boolean {
    const known = this.bytes.get(storedBase64url);
    return known !== undefined && digestsEqual(digest, known);
  }

  add(storedBase64url: string): void {
    const bytes = storedDigest(storedBase64url);
    if (bytes) this.bytes.set(storedBase64url, bytes);
  }
}

const CURRENT: SecretVerdict = Object.freeze({ ok: true, via: "current" });

/**
 * Verifies a presented secret against a credential: its current hash, or the previous secret's hash
 * while the rotation grace lasts (until `previousSecret.until`, exclusive). Pure and fast: a
 * malformed secret is rejected by its checksum before any hashing (unless `verified` is given: then
 * the hash comes first, to be looked up there). The detail never contains the secret or a hash.
 */
export function verifySecret(
  credential: Pick<Credential, "secretHash" | "previousSecret">,
  secret: string,
  now: Date | number,
  /** The SHA-256 to use (core/sha256.ts's unless a server injects node:crypto's). */
  hash: Sha256 = sha256,
  verified?: VerifiedHashes,
): SecretVerdict {
  let digest: Uint8Array | undefined;
  if (verified) {
    digest = hash(secret);
    if (verified.matches(credential.secretHash, digest)) return CURRENT;
  }
  const problem = secretFormatProblem(secret);
  if (problem) return { ok: false, why: "malformed", detail: `not a valid apicred secret: ${problem}` };
  // Hashed once, compared with the current hash and, when that fails, the previous one.
  digest ??= hash(secret);
  if (digestMatchesStored(digest, credential.secretHash)) {
    verified?.add(credential.secretHash);
    return CURRENT;
  }
  const previous = credential.previousSecret;
  if (previous && digestMatchesStored(digest, previous.hash)) {
    const at = typeof now === "number" ? now : now.getTime();
    if (at < Date.parse(previous.until)) return { ok: true, via: "previous" };
    return { ok: false, why: "previous_expired", detail: `this is the previous secret; its grace period ended at ${previous.until}` };
  }
  return { ok: false, why: "mismatch", detail: "the secret does not match this credential" };
}

/**
 * The one rule for a secret or key read from a file or stdin (SPEC "Fail closed"): one trailing "\n"
 * or "\r\n" is the line's end, not part of it; nothing else is removed. The value is then compared
 * exactly as it is, in single and batch mode alike: "" is a given, wrong secret (bad_secret).
 */
export function fromLine(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}
