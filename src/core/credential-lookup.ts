// Finding a credential by identifier (exact) or name (case-insensitive), and the few read-only facts
// every caller asks of one (its label, whether it expired). The `check` path needs only this part of
// the credential code.
import { quote } from "./echo.js";
import { NotFoundError } from "./errors.js";
import { isIdentifier, looksLikeSecret } from "./secrets.js";
import { didYouMean } from "./suggest.js";
import type { Credential, StoreDoc } from "./types.js";
import { asciiLower } from "./ascii.js";

/** The credential an identifier (exact) or a name (case-insensitive) refers to, if any. */
export function findCredential(doc: StoreDoc, ref: string): Credential | undefined {
  if (isIdentifier(ref)) {
    const byId = doc.credentials.find((c) => c.identifier === ref);
    if (byId) return byId;
  }
  const wanted = asciiLower(ref);
  return doc.credentials.find((c) => c.name !== null && asciiLower(c.name) === wanted);
}

/**
 * Lookup by identifier or name for many references against one document (`check --batch`): two
 * hash lookups per reference instead of a scan.
 */
export class CredentialIndex {
  private readonly byIdentifier = new Map<string, Credential>();
  private readonly byName = new Map<string, Credential>();
  /** By the name as stored: the usual spelling, found without lower-casing (names are unique in any case). */
  private readonly byExactName = new Map<string, Credential>();

  constructor(credentials: readonly Credential[]) {
    // The first of two equal keys wins, as in findCredential's scan, so `check` and `serve` never
    // resolve a reference differently (a store read from a file or PostgreSQL holds no such pair:
    // store/schema.ts refuses it; a document handed to a Snapshot directly may).
    for (const c of credentials) {
      if (!this.byIdentifier.has(c.identifier)) this.byIdentifier.set(c.identifier, c);
      if (c.name === null) continue;
      const lower = asciiLower(c.name);
      if (this.byName.has(lower)) continue;
      this.byName.set(lower, c);
      this.byExactName.set(c.name, c);
    }
  }

  find(ref: string): Credential | undefined {
    return this.byIdentifier.get(ref) ?? this.byExactName.get(ref) ?? this.byName.get(asciiLower(ref));
  }
}

/** Like findCredential, but a NotFoundError (exit 3) with the nearest name when there is none. */
export function resolveCredential(doc: StoreDoc, ref: string): Credential {
  const found = findCredential(doc, ref);
  if (found) return found;
  if (looksLikeSecret(ref)) {
    // Never echo what is probably a pasted secret back into a terminal, log or CI output.
    throw new NotFoundError("no credential matches: that looks like a secret (apc_…); pass the identifier or the name");
  }
  const names = doc.credentials.flatMap((c) => (c.name === null ? [] : [c.name]));
  throw new NotFoundError(`no credential ${quote(ref)}${didYouMean(ref, names)}`);
}

/** Every reference resolved first (one unknown: exit 3, nothing is touched); one named twice counts once. */
export function resolveCredentials(doc: StoreDoc, refs: readonly string[]): Credential[] {
  const targets: Credential[] = [];
  for (const ref of refs) {
    const c = resolveCredential(doc, ref);
    if (!targets.includes(c)) targets.push(c);
  }
  return targets;
}

/** A short human label: the name, else the identifier. */
export function credentialLabel(c: Pick<Credential, "name" | "identifier">): string {
  return c.name ?? c.identifier;
}

export function isExpired(c: Pick<Credential, "expiresAt">, now: Date | number): boolean {
  if (c.expiresAt === null) return false;
  const at = typeof now === "number" ? now : now.getTime();
  return Date.parse(c.expiresAt) <= at;
}
