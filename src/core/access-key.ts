// The access key (SPEC.md rule 8): WHMCS's `$api_access_key`, one global key that lets an API request
// through from an IP that is not on the allowlist — and does nothing else.
//
// Generated keys are 40 base62 characters from node:crypto (40 × log2 62 ≈ 238 bits). WHMCS also
// accepts `!@#$%.()*[]-_` in the key, and a key read with `set --stdin` may use them, but a generated
// one avoids them: `%`, `#`, `$`, `!`, `*` and brackets need escaping in URLs, shells and .env files.
// Only SHA-256(key), base64url, is stored; the fingerprint is a domain-separated SHA-256 prefix, so it
// identifies a key without being its hash and without revealing anything usable.
import { randomBytes } from "node:crypto";
import { BASE62 } from "./secrets.js";
import { matchesStoredHash, sha256, sha256Base64url } from "./sha256.js";
import { UsageError } from "./errors.js";
import type { AccessKey, Recorder, StoreDoc } from "./types.js";

export const GENERATED_KEY_LENGTH = 40;
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 256;
/** Characters WHMCS accepts in `$api_access_key`. */
export const ALLOWED_KEY_CHARACTERS = "letters, digits and !@#$%.()*[]-_";
const ALLOWED = /^[A-Za-z0-9!@#$%.()*[\]\-_]$/;
const FINGERPRINT_DOMAIN = "apicred access-key fingerprint v1\0";

/** A new key: 40 base62 characters, unbiased (rejection sampling over CSPRNG bytes). */
export function generateAccessKey(): string {
  let key = "";
  while (key.length < GENERATED_KEY_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte >= 248) continue; // 248 = 4 × 62: keeps every character equally likely
      key += BASE62[byte % 62];
      if (key.length === GENERATED_KEY_LENGTH) break;
    }
  }
  return key;
}

/**
 * Checks a key supplied by the user (`set --stdin`). The messages never repeat the key: they name the
 * length or the position of the first character WHMCS would not accept.
 */
export function validateAccessKey(key: string): string {
  if (key.length === 0) throw new UsageError("the access key is empty", "invalid_input");
  if (key.length < MIN_KEY_LENGTH) {
    throw new UsageError(`the access key is ${key.length} characters long; it needs at least ${MIN_KEY_LENGTH}`, "invalid_input");
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new UsageError(`the access key is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed`, "invalid_input");
  }
  let position = 0;
  for (const ch of key) {
    position++;
    if (!ALLOWED.test(ch)) {
      const what = /\s/.test(ch) ? "whitespace" : ch === "'" || ch === "\\" ? "a quote or backslash" : "a character WHMCS does not accept";
      throw new UsageError(
        `the access key has ${what} at position ${position}; use only ${ALLOWED_KEY_CHARACTERS}`,
        "invalid_input",
      );
    }
  }
  return key;
}

/** SHA-256 of the key, base64url: what the store keeps. */
export function hashAccessKey(key: string): string {
  return sha256Base64url(key);
}

/** A short, non-reversible fingerprint (8 hex characters) to tell keys apart in `status`. */
export function accessKeyFingerprint(key: string): string {
  return Buffer.from(sha256(FINGERPRINT_DOMAIN + key)).toString("hex").slice(0, 8);
}

/** Whether `presented` is the stored key (constant-time over the hashes). */
export function verifyAccessKey(stored: AccessKey | null, presented: string): boolean {
  return stored !== null && matchesStoredHash(presented, stored.hash);
}

/** The line for WHMCS's configuration.php. Keys never hold `'` or `\`, so single quotes are safe. */
export function phpLine(key: string): string {
  return `$api_access_key = '${key}';`;
}

/** Stores the hash of `key` (validated) as the access key, replacing any previous one. */
export function setAccessKey(doc: StoreDoc, key: string, now: string, record: Recorder, verb: "set" | "rotate" = "set"): AccessKey {
  validateAccessKey(key);
  const replaced = doc.accessKey !== null;
  const accessKey: AccessKey = { hash: hashAccessKey(key), fingerprint: accessKeyFingerprint(key), setAt: now };
  doc.accessKey = accessKey;
  // Not even the fingerprint goes to the audit log: it is derived from the key.
  record("access-key", { [verb === "rotate" ? "rotated" : "set"]: true, replaced });
  return accessKey;
}

/** Removes the access key; returns false when none was set. */
export function unsetAccessKey(doc: StoreDoc, record: Recorder): boolean {
  if (doc.accessKey === null) return false;
  doc.accessKey = null;
  record("access-key", { unset: true });
  return true;
}

// ---------------------------------------------------------------------------------------------
// The rule `check` applies (SPEC.md "The decision", step ip_allowlist)

/** What the request presented as the access key: nothing, the right key, or a wrong one. */
export type AccessKeyStatus = "not_given" | "valid" | "invalid";

/** Classifies a presented key against the store (`undefined` = none presented). A key presented when
 * none is set is `invalid`: it must not bypass anything. */
export function accessKeyStatus(stored: AccessKey | null, presented: string | undefined): AccessKeyStatus {
  if (presented === undefined) return "not_given";
  return verifyAccessKey(stored, presented) ? "valid" : "invalid";
}

export interface AllowlistStepOutcome {
  result: "pass" | "fail" | "skipped";
  detail: string;
  /** What let the request through: the allowlist entry, or the access key. */
  via?: "allowlist" | "access_key";
  /** The allowlist entry that matched, when one did. */
  entry?: string;
  /** The access key as presented, for the report (`access_key: invalid`). */
  accessKey: AccessKeyStatus;
}

/**
 * The global allowlist step. `clientIp` is the canonical client address (undefined without `--ip`:
 * skipped); `matchedEntry` is what the allowlist matcher returned for it. Passes when an entry matches,
 * or else when a valid access key was presented. An empty allowlist matches nothing, so only the key
 * gets through. The key bypasses THIS step only: authentication, admin, expiry, the credential's own
 * IP limits (credentialIpStep takes no key) and roles are decided without it.
 */
export function allowlistStep(clientIp: string | undefined, matchedEntry: string | undefined, accessKey: AccessKeyStatus): AllowlistStepOutcome {
  if (clientIp === undefined) return { result: "skipped", detail: "no --ip given", accessKey };
  if (matchedEntry !== undefined) {
    return { result: "pass", detail: `${clientIp} matches allowlist entry ${matchedEntry}`, via: "allowlist", entry: matchedEntry, accessKey };
  }
  if (accessKey === "valid") {
    return { result: "pass", detail: `${clientIp} is not on the allowlist; let through by the access key`, via: "access_key", accessKey };
  }
  const why = accessKey === "invalid" ? " and the access key given is invalid" : "";
  return { result: "fail", detail: `${clientIp} is not on the allowlist${why}`, accessKey };
}
