// The rules for a credential's fields, shared by create, edit and apply: a name that can never be
// mistaken for an identifier or a secret, canonical IP limits (at most 100), roles by existing name,
// and a name no other credential has.
import { holdsSecret, quote } from "./echo.js";
import { ConflictError, UsageError } from "./errors.js";
import { coverageKey, parseIpOrCidr } from "./ip.js";
import { NAME_PATTERN, requireRole } from "./roles.js";
import { isIdentifier, looksLikeSecret, SECRET_PREFIX } from "./secrets.js";
import type { Credential, StoreDoc } from "./types.js";
import { asciiLower } from "./ascii.js";

export const MAX_CREDENTIAL_IPS = 100;

/** Credential names: like role names, and never shaped like an identifier (so a reference is unambiguous). */
export function validateCredentialName(name: string): string {
  if (looksLikeSecret(name) || holdsSecret(name)) {
    throw new UsageError(`invalid credential name: names may not start with ${SECRET_PREFIX} (the secret prefix) or hold a secret`, "invalid_input");
  }
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(
      `invalid credential name ${quote(name)}: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      "invalid_input",
    );
  }
  if (isIdentifier(name)) {
    throw new UsageError(
      `invalid credential name ${quote(name)}: 32 letters and digits look like an identifier; use a shorter name or add a "-"`,
      "invalid_input",
    );
  }
  return name;
}

/** The one check of the 100-IP limit (canonicalIps, and an edit given canonical IPs). */
export function checkIpCount(count: number): void {
  if (count > MAX_CREDENTIAL_IPS) {
    throw new UsageError(`too many IP restrictions (${count}); a credential takes at most ${MAX_CREDENTIAL_IPS}`, "invalid_input");
  }
}

/**
 * Per-credential IP limits, validated with the allowlist's strict parser and stored canonically.
 * Entries covering the same addresses (`10.0.0.1`, `10.0.0.1/32`) are kept once. At most 100.
 */
export function canonicalIps(inputs: readonly string[], normalize = false): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const canonical = parseIpOrCidr(input, { normalize }).canonical;
    const key = coverageKey(canonical);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(canonical);
  }
  checkIpCount(out.length);
  return out;
}

/** Role names to role ids (each must exist: exit 3 with a suggestion), duplicates dropped. */
export function roleIdsFor(doc: StoreDoc, roleNames: readonly string[]): string[] {
  const ids: string[] = [];
  for (const name of roleNames) {
    const id = requireRole(doc, name).id;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Role ids to the names of the roles that still exist (for views and audit records). */
export function roleNamesFor(doc: StoreDoc, roleIds: readonly string[]): string[] {
  const names: string[] = [];
  for (const id of roleIds) {
    const role = doc.roles.find((r) => r.id === id);
    if (role) names.push(role.name);
  }
  return names;
}

/** Exit 4 when another credential (not `self`) has this name, whatever its case. */
export function checkNameFree(doc: StoreDoc, name: string, self?: Credential): void {
  const wanted = asciiLower(name);
  const clash = doc.credentials.find((c) => c !== self && c.name !== null && asciiLower(c.name) === wanted);
  if (clash) throw new ConflictError(`a credential named "${clash.name}" already exists (${clash.identifier})`);
}
