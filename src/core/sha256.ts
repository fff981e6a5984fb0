// SHA-256 (FIPS 180-4) and a constant-time comparison, in plain TypeScript.
//
// Why not node:crypto: loading it costs ~4 ms (it pulls in ~30 internal modules and streams), about a
// quarter of what `check` adds to Node's own start-up, to hash one 43-byte secret. Hashing it here
// takes microseconds. test/unit/sha256.test.ts checks this against node:crypto on thousands of inputs.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

// Scratch space reused by every call (single-threaded; sha256 never re-enters itself).
const W = new Uint32Array(64);
const H = new Uint32Array(8);
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
let scratch = new Uint8Array(128);

/** The UTF-8 bytes of `text` followed by SHA-256 padding, in `scratch`; returns the padded length. */
function pad(text: string): number {
  let length = text.length;
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  const bytes = ascii ? undefined : Buffer.from(text, "utf8");
  if (bytes) length = bytes.length;
  const padded = Math.ceil((length + 9) / 64) * 64;
  if (scratch.length < padded) scratch = new Uint8Array(padded);
  else scratch.fill(0, 0, padded);
  if (bytes) scratch.set(bytes);
  else for (let i = 0; i < length; i++) scratch[i] = text.charCodeAt(i);
  scratch[length] = 0x80;
  const bits = length * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  scratch[padded - 8] = hi >>> 24;
  scratch[padded - 7] = hi >>> 16;
  scratch[padded - 6] = hi >>> 8;
  scratch[padded - 5] = hi;
  scratch[padded - 4] = lo >>> 24;
  scratch[padded - 3] = lo >>> 16;
  scratch[padded - 2] = lo >>> 8;
  scratch[padded - 1] = lo;
  return padded;
}

/** SHA-256 of the UTF-8 bytes of `text`. */
export function sha256(text: string): Uint8Array {
  return sha256Into(text, new Uint8Array(32));
}

/** SHA-256 of the UTF-8 bytes of `text`, written into `out` (32 bytes), which it returns. */
function sha256Into(text: string, out: Uint8Array): Uint8Array {
  const padded = pad(text);
  const m = scratch;
  H.set(INITIAL);
  for (let block = 0; block < padded; block += 64) {
    for (let i = 0; i < 16; i++) {
      const j = block + i * 4;
      W[i] = (m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15]!;
      const y = W[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = W[i - 16]! + s0 + W[i - 7]! + s1;
    }
    let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] = H[0]! + a;
    H[1] = H[1]! + b;
    H[2] = H[2]! + c;
    H[3] = H[3]! + d;
    H[4] = H[4]! + e;
    H[5] = H[5]! + f;
    H[6] = H[6]! + g;
    H[7] = H[7]! + h;
  }
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
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

const candidate = new Uint8Array(32);
const stored = new Uint8Array(32);

/** Whether `text` hashes to `storedBase64url`, compared in constant time. */
export function matchesStoredHash(text: string, storedBase64url: string): boolean {
  if (!decodeDigest(storedBase64url, stored)) return false;
  return digestsEqual(sha256Into(text, candidate), stored);
}
