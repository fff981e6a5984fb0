// SHA-256 and a constant-time comparison, for secrets and the access key.
//
// The hash is @noble/hashes (audited, dependency-free, bundled: ~1 ms of start-up) rather than
// node:crypto, whose load costs ~4 ms on `check` (it pulls in ~30 internal modules and streams) to
// hash one 43-byte secret. test/unit/sha256.test.ts checks it against node:crypto.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2";
import { utf8ToBytes } from "@noble/hashes/utils";

/** A SHA-256 of the UTF-8 bytes of a string: this module's, or one a long-running server injects. */
export type Sha256 = (text: string) => Uint8Array;

/** SHA-256 of the UTF-8 bytes of `text`. */
export function sha256(text: string): Uint8Array {
  return nobleSha256(utf8ToBytes(text));
}

/** SHA-256 of `text`, base64url: the form secrets and the access key are stored in. */
export function sha256Base64url(text: string): string {
  return Buffer.from(sha256(text)).toString("base64url");
}

/**
 * Whether two digests are equal, in time that depends only on their length (like
 * crypto.timingSafeEqual): every byte is compared, never stopping at the first difference.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET[BASE64URL.charCodeAt(i)] = i;

/**
 * Decodes an unpadded base64url SHA-256 (43 characters) into `out`; false when it is not one.
 * (Buffer.from(…, "base64url") costs more than the hash itself, and `check --batch` does this per line.)
 */
function decodeDigest(text: string, out: Uint8Array): boolean {
  if (text.length !== 43) return false;
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < 43; i++) {
    const code = text.charCodeAt(i);
    const sextet = code < 128 ? SEXTET[code]! : -1;
    if (sextet < 0) return false;
    value = (value << 6) | sextet;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >>> bits) & 0xff;
    }
  }
  return o === 32;
}

const stored = new Uint8Array(32);

/**
 * Whether `text` hashes to `storedBase64url`, compared in constant time. `hash` is this module's
 * SHA-256 unless the caller brings another (`serve` brings node:crypto's, which `check` must not load).
 */
export function matchesStoredHash(text: string, storedBase64url: string, hash: Sha256 = sha256): boolean {
  return digestMatchesStored(hash(text), storedBase64url);
}

/** The 32 bytes of a stored base64url SHA-256, or undefined when it is not one. */
export function storedDigest(storedBase64url: string): Uint8Array | undefined {
  const out = new Uint8Array(32);
  return decodeDigest(storedBase64url, out) ? out : undefined;
}

/** Whether a digest is the stored base64url one, compared in constant time. */
export function digestMatchesStored(digest: Uint8Array, storedBase64url: string): boolean {
  if (!decodeDigest(storedBase64url, stored)) return false;
  return digestsEqual(digest, stored);
}
