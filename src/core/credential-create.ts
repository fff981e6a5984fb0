// Creating credentials (SPEC.md rules 5 and 6): an identifier + secret pair that authenticates as one
// admin and carries roles by internal id. Only the secret's hash is stored; the secret goes back to
// the caller, which prints it once. Nothing here records a secret or a hash in the audit log.
import { requireAdmin } from "./admins.js";
import { canonicalIps, checkNameFree, roleIdsFor, roleNamesFor, validateCredentialName } from "./credential-fields.js";
import { UsageError } from "./errors.js";
import { enforceLifetime } from "./policy.js";
import { validateDescription } from "./roles.js";
import { generateIdentifier, generateSecret, hashSecret } from "./secrets.js";
import type { Credential, Recorder, StoreDoc } from "./types.js";

export interface NewCredential {
  admin: string;
  roles?: readonly string[];
  name?: string | null;
  description?: string;
  /** Canonical IPs (see canonicalIps). */
  ips?: readonly string[];
  expiresAt?: Date | null;
}

/** A new identifier that `taken` does not know (a Set lookup on the bulk path, a scan otherwise). */
export function freshIdentifier(taken: (identifier: string) => boolean): string {
  let identifier = generateIdentifier();
  while (taken(identifier)) identifier = generateIdentifier();
  return identifier;
}

/** The fields of a new credential, already validated (createCredential, or apply's plan). */
export type CredentialFields = Pick<Credential, "identifier" | "name" | "adminId" | "description" | "roleIds" | "ips" | "expiresAt">;

/**
 * The stored form of a new credential with a fresh secret: only the secret's hash is kept; the
 * secret is returned for the caller to print once. Validation and uniqueness are the caller's.
 */
export function newCredentialRecord(fields: CredentialFields, now: string): { credential: Credential; secret: string } {
  const secret = generateSecret();
  const credential: Credential = {
    identifier: fields.identifier,
    name: fields.name,
    adminId: fields.adminId,
    description: fields.description,
    roleIds: fields.roleIds,
    ips: fields.ips,
    expiresAt: fields.expiresAt,
    createdAt: now,
    secretHash: hashSecret(secret),
    previousSecret: null,
    rotatedAt: null,
  };
  return { credential, secret };
}

/** Creates a credential for an existing, enabled admin. Returns it with its secret (print it once). */
export function createCredential(
  doc: StoreDoc,
  input: NewCredential,
  now: string,
  record: Recorder,
): { credential: Credential; secret: string } {
  const admin = requireAdmin(doc, input.admin);
  if (admin.disabled) {
    throw new UsageError(`admin ${admin.username} is disabled`, "admin_disabled", [], { code: "admin_disabled", params: { admin: admin.username } });
  }
  const name = input.name ? validateCredentialName(input.name) : null;
  if (name !== null) checkNameFree(doc, name);
  const description = validateDescription(input.description ?? "");
  const roleIds = roleIdsFor(doc, input.roles ?? []);
  const ips = canonicalIps(input.ips ?? []);
  const expiresAt = input.expiresAt ? input.expiresAt.toISOString() : null;
  enforceLifetime(doc, name ?? "(new)", expiresAt, Date.parse(now), "create");

  const identifier = freshIdentifier((id) => doc.credentials.some((c) => c.identifier === id));
  const fields = { identifier, name, adminId: admin.id, description, roleIds, ips, expiresAt };
  return insertCredential(doc, fields, { admin: admin.username, roles: roleNamesFor(doc, roleIds) }, now, record);
}

/**
 * Stores a new credential whose fields are already validated and unique (createCredential, or apply's
 * bulk path, which resolves admins, roles and identifiers through Maps built once) and records it.
 * `names` are the admin's username and the roles' names, for the audit record.
 */
export function insertCredential(
  doc: StoreDoc,
  fields: CredentialFields & { disabled?: boolean },
  names: { admin: string; roles: string[] },
  now: string,
  record: Recorder,
): { credential: Credential; secret: string } {
  const { disabled, ...rest } = fields;
  const { credential, secret } = newCredentialRecord(rest, now);
  if (disabled) credential.disabled = true;
  doc.credentials.push(credential);
  record(`credential:${credential.identifier}`, {
    created: true,
    name: credential.name,
    admin: names.admin,
    roles: names.roles,
    ips: credential.ips,
    expiresAt: credential.expiresAt,
    ...(disabled ? { disabled: true } : {}),
  });
  return { credential, secret };
}
