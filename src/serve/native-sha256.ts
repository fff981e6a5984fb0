// node:crypto's SHA-256 for the long-running decision service and the library: ~0.3 µs per secret
// against ~2.5 µs for the pure-JS one in core/sha256.ts, which `check` keeps because loading
// node:crypto costs its start-up more than the hashing it would save. Injected through Snapshot.
import * as crypto from "node:crypto";
import type { Sha256 } from "../core/sha256.js";

/**
 * The digest asked of crypto.hash as a latin1 ("binary") string (one character per byte) and copied into a
 * small Uint8Array: measured ~0.3 µs, where crypto.hash(…, "buffer") takes ~1.2 µs — a Buffer made
 * on the C++ side costs far more than the hash of a 43-character secret.
 */
function viaLatin1(text: string): Uint8Array {
  const digest = crypto.hash("sha256", text, "binary"); // "binary" is latin1: one character per byte
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** crypto.hash (one shot, no Hash object) where Node has it (20.12+), else createHash. */
export const nativeSha256: Sha256 =
  typeof crypto.hash === "function" ? viaLatin1 : (text) => crypto.createHash("sha256").update(text, "utf8").digest();
