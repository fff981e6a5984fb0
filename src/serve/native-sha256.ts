// node:crypto's SHA-256 for the long-running decision service and the library: ~1 µs per secret
// against ~2.5 µs for the pure-JS one in core/sha256.ts, which `check` keeps because loading
// node:crypto costs its start-up more than the hashing it would save. Injected through Snapshot.
import * as crypto from "node:crypto";
import type { Sha256 } from "../core/sha256.js";

/** crypto.hash (one shot, no Hash object) where Node has it (20.12+), else createHash. */
export const nativeSha256: Sha256 =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "buffer")
    : (text) => crypto.createHash("sha256").update(text, "utf8").digest();
