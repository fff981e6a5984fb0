// Which credential a secret belongs to (`credential whois`, `scan`): the reverse of verification.
// The store holds SHA-256 hashes only, so the candidate is hashed and looked up among the current
// hashes and the previous ones still inside their rotation grace. Pure; never keeps the secret.
import { hashSecret } from "./secrets.js";
import type { Credential, StoreDoc } from "./types.js";

export type SecretMatch =
  /** The credential's secret now, or the one it replaced while the rotation grace lasts. */
  | { live: true; credential: Credential; match: "current" | "previous" }
  /** A well-formed secret that no longer works: a previous one past its grace (named), or unknown. */
  | { live: false; credential: Credential | null; match: "previous_expired" | "unknown" };

/** Every hash of a store, built once: a scan may look up thousands of candidates. */
export class SecretIndex {
  private readonly byHash = new Map<string, { credential: Credential; previous: boolean }>();

  constructor(
    doc: StoreDoc,
    /** Milliseconds since the epoch: decides whether a previous secret's grace still lasts. */
    private readonly now: number,
  ) {
    for (const c of doc.credentials) {
      this.byHash.set(c.secretHash, { credential: c, previous: false });
      if (c.previousSecret && !this.byHash.has(c.previousSecret.hash)) this.byHash.set(c.previousSecret.hash, { credential: c, previous: true });
    }
  }

  /** Looks up a secret whose format and checksum the caller has already checked. */
  lookup(secret: string): SecretMatch {
    const hit = this.byHash.get(hashSecret(secret));
    if (!hit) return { live: false, credential: null, match: "unknown" };
    const { credential, previous } = hit;
    if (!previous) return { live: true, credential, match: "current" };
    const until = Date.parse(credential.previousSecret!.until);
    return this.now < until ? { live: true, credential, match: "previous" } : { live: false, credential, match: "previous_expired" };
  }
}
