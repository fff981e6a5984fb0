// Credentials (SPEC.md rules 5 and 6): an identifier + secret pair that authenticates as one admin
// and carries roles by internal id. Only the secret's hash is stored; `create` and `rotate` return the
// secret to the caller, which prints it once. Nothing here records a secret or a hash in the audit log.
import { requireAdmin } from "./admins.js";
import { holdsSecret, quote } from "./echo.js";
import { ConflictError, NotFoundError, UsageError } from "./errors.js";
import { coverageKey, parseIpOrCidr } from "./ip.js";
import { enforceLifetime } from "./policy.js";
import { NAME_PATTERN, requireRole, validateDescription } from "./roles.js";
import { generateIdentifier, generateSecret, hashSecret, isIdentifier, looksLikeSecret, SECRET_PREFIX } from "./secrets.js";
import { didYouMean } from "./suggest.js";
import type { Admin, Credential, Recorder, StoreDoc } from "./types.js";
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

  constructor(credentials: readonly Credential[]) {
    for (const c of credentials) {
      this.byIdentifier.set(c.identifier, c);
      if (c.name !== null) this.byName.set(asciiLower(c.name), c);
    }
  }

  find(ref: string): Credential | undefined {
    return this.byIdentifier.get(ref) ?? this.byName.get(asciiLower(ref));
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

/** A short human label: the name, else the identifier. */
export function credentialLabel(c: Pick<Credential, "name" | "identifier">): string {
  return c.name ?? c.identifier;
}

export function isExpired(c: Pick<Credential, "expiresAt">, now: Date | number): boolean {
  if (c.expiresAt === null) return false;
  const at = typeof now === "number" ? now : now.getTime();
  return Date.parse(c.expiresAt) <= at;
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
  if (out.length > MAX_CREDENTIAL_IPS) {
    throw new UsageError(`too many IP restrictions (${out.length}); a credential takes at most ${MAX_CREDENTIAL_IPS}`, "invalid_input");
  }
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

function roleNamesFor(doc: StoreDoc, roleIds: readonly string[]): string[] {
  const names: string[] = [];
  for (const id of roleIds) {
    const role = doc.roles.find((r) => r.id === id);
    if (role) names.push(role.name);
  }
  return names;
}

function checkNameFree(doc: StoreDoc, name: string, self?: Credential): void {
  const wanted = asciiLower(name);
  const clash = doc.credentials.find((c) => c !== self && c.name !== null && asciiLower(c.name) === wanted);
  if (clash) throw new ConflictError(`a credential named "${clash.name}" already exists (${clash.identifier})`);
}

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
export interface CredentialFields {
  identifier: string;
  name: string | null;
  adminId: string;
  description: string;
  roleIds: string[];
  ips: string[];
  expiresAt: string | null;
}

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
    throw new UsageError(`admin ${admin.username} is disabled; enable it first with \`apicred admin enable ${admin.username}\``, "admin_disabled");
  }
  const name = input.name ? validateCredentialName(input.name) : null;
  if (name !== null) checkNameFree(doc, name);
  const description = validateDescription(input.description ?? "");
  const roleIds = roleIdsFor(doc, input.roles ?? []);
  const ips = canonicalIps(input.ips ?? []);
  const expiresAt = input.expiresAt ? input.expiresAt.toISOString() : null;
  enforceLifetime(doc, name ?? "(new)", expiresAt, Date.parse(now), `pass --expires ${doc.policy?.maxLifetime ?? ""} or sooner`);

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

export interface CredentialEdit {
  /** A new name; "" or null clears it. */
  name?: string | null;
  description?: string;
  /** Replace the roles. Cannot be combined with addRoles/removeRoles. */
  roles?: readonly string[];
  addRoles?: readonly string[];
  removeRoles?: readonly string[];
  /** Replace the IP limits (canonical, see canonicalIps); [] clears them. */
  ips?: readonly string[];
  /** A new expiry; null removes it. */
  expiresAt?: Date | null;
  /** Move it to another (existing) admin (apply). */
  admin?: string;
  /** Disable or enable it (apply; the commands use setCredentialsDisabled). */
  disabled?: boolean;
}

/** Edits a credential; every value is validated before anything changes. Returns whether it changed. */
export function editCredential(
  doc: StoreDoc,
  ref: string | Credential,
  edit: CredentialEdit,
  record: Recorder,
  now: number = Date.now(),
): { credential: Credential; changed: boolean } {
  const c = typeof ref === "string" ? resolveCredential(doc, ref) : ref;
  if (edit.roles && (edit.addRoles?.length || edit.removeRoles?.length)) {
    throw new UsageError("--role replaces every role: use it alone, or use --add-role/--remove-role", "invalid_input");
  }
  const change: Record<string, unknown> = {};

  let name = c.name;
  if (edit.name !== undefined) {
    name = edit.name ? validateCredentialName(edit.name) : null;
    if (name !== null) checkNameFree(doc, name, c);
    if (name !== c.name) change.name = name;
  }
  const admin = edit.admin === undefined ? undefined : requireAdmin(doc, edit.admin);
  if (admin && admin.id !== c.adminId) change.admin = admin.username;
  const description = edit.description === undefined ? c.description : validateDescription(edit.description);
  if (description !== c.description) change.description = description;

  let roleIds = c.roleIds;
  if (edit.roles) roleIds = roleIdsFor(doc, edit.roles);
  else if (edit.addRoles?.length || edit.removeRoles?.length) {
    const add = roleIdsFor(doc, edit.addRoles ?? []);
    const remove = roleIdsFor(doc, edit.removeRoles ?? []);
    roleIds = [...c.roleIds.filter((id) => !remove.includes(id)), ...add.filter((id) => !c.roleIds.includes(id) && !remove.includes(id))];
  }
  const rolesChanged = roleIds.length !== c.roleIds.length || roleIds.some((id, i) => id !== c.roleIds[i]);
  if (rolesChanged) change.roles = roleNamesFor(doc, roleIds);

  const ips = edit.ips === undefined ? c.ips : [...edit.ips];
  if (ips.length > MAX_CREDENTIAL_IPS) {
    throw new UsageError(`too many IP restrictions (${ips.length}); a credential takes at most ${MAX_CREDENTIAL_IPS}`, "invalid_input");
  }
  const ipsChanged = ips.length !== c.ips.length || ips.some((ip, i) => ip !== c.ips[i]);
  if (ipsChanged) change.ips = ips;

  const expiresAt = edit.expiresAt === undefined ? c.expiresAt : edit.expiresAt === null ? null : edit.expiresAt.toISOString();
  if (expiresAt !== c.expiresAt) change.expiresAt = expiresAt;
  if (edit.disabled !== undefined && edit.disabled !== (c.disabled === true)) change.disabled = edit.disabled;

  const changed = Object.keys(change).length > 0;
  // An edit is a change like a creation: the policy's maximum lifetime counts from now.
  if (changed) enforceLifetime(doc, credentialLabel(c), expiresAt, now, `add --expires ${doc.policy?.maxLifetime ?? ""} (or sooner) to this edit`);
  if (changed) {
    c.name = name;
    c.description = description;
    c.roleIds = roleIds;
    c.ips = ips;
    c.expiresAt = expiresAt;
    if (admin) c.adminId = admin.id;
    if (edit.disabled === true) c.disabled = true;
    else if (edit.disabled === false) delete c.disabled; // the stored form of an enabled credential stays what it always was
    record(`credential:${c.identifier}`, change);
  }
  return { credential: c, changed };
}

/**
 * Issues a new secret for the same identifier, roles and limits. With a grace period (ms > 0) the old
 * secret keeps working until now + grace; without, it stops at once. A grace left over from an
 * earlier rotation is replaced: only the secret being rotated out can still work.
 */
export function rotateCredential(
  doc: StoreDoc,
  ref: string,
  graceMs: number,
  now: string,
  record: Recorder,
): { credential: Credential; secret: string } {
  const c = resolveCredential(doc, ref);
  enforceLifetime(doc, credentialLabel(c), c.expiresAt, Date.parse(now), `give it a compliant expiry first: apicred credential edit ${credentialLabel(c)} --expires ${doc.policy?.maxLifetime ?? ""}`);
  const secret = generateSecret();
  const until = graceMs > 0 ? new Date(Date.parse(now) + graceMs).toISOString() : null;
  c.previousSecret = until === null ? null : { hash: c.secretHash, until };
  c.secretHash = hashSecret(secret);
  c.rotatedAt = now;
  record(`credential:${c.identifier}`, { rotated: true, previousSecretValidUntil: until });
  return { credential: c, secret };
}

/**
 * Deletes credentials by identifier or name. Every reference is resolved first: one unknown reference
 * (exit 3) deletes nothing. A credential named twice is deleted once.
 */
export function deleteCredentials(doc: StoreDoc, refs: readonly string[], record: Recorder): Credential[] {
  const targets: Credential[] = [];
  for (const ref of refs) {
    const c = resolveCredential(doc, ref);
    if (!targets.includes(c)) targets.push(c);
  }
  removeCredentials(doc, targets, record);
  return targets;
}

/** Removes these credentials (already resolved; apply's --prune passes thousands: one Set, one pass). */
export function removeCredentials(doc: StoreDoc, targets: readonly Credential[], record: Recorder): void {
  const gone = new Set(targets);
  doc.credentials = doc.credentials.filter((c) => !gone.has(c));
  for (const c of targets) record(`credential:${c.identifier}`, { deleted: true, name: c.name });
}

/**
 * Disables or enables credentials (`credential disable|enable`): every reference is resolved first
 * (one unknown: exit 3, nothing changes). Idempotent: those already in that state are returned in
 * `unchanged` and not recorded again.
 */
export function setCredentialsDisabled(
  doc: StoreDoc,
  refs: readonly string[],
  disabled: boolean,
  record: Recorder,
): { changed: Credential[]; unchanged: Credential[] } {
  const targets: Credential[] = [];
  for (const ref of refs) {
    const c = resolveCredential(doc, ref);
    if (!targets.includes(c)) targets.push(c);
  }
  const changed: Credential[] = [];
  const unchanged: Credential[] = [];
  for (const c of targets) {
    if ((c.disabled === true) === disabled) {
      unchanged.push(c);
      continue;
    }
    if (disabled) c.disabled = true;
    else delete c.disabled; // the stored form of an enabled credential stays what it always was
    changed.push(c);
    record(`credential:${c.identifier}`, { disabled, name: c.name });
  }
  return { changed, unchanged };
}

export type CredentialStatus = "active" | "disabled" | "expired" | "admin_disabled";

/** What list/show/create/rotate print about a credential: never the secret or its hash. */
export interface CredentialView {
  identifier: string;
  name: string | null;
  admin: string | null;
  description: string;
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  expired: boolean;
  status: CredentialStatus;
  createdAt: string;
  rotatedAt: string | null;
  /** While a rotation grace lasts: when the previous secret stops working; else null. */
  previousSecretValidUntil: string | null;
}

export function credentialView(doc: StoreDoc, c: Credential, now: Date | number): CredentialView {
  const admin: Admin | undefined = doc.admins.find((a) => a.id === c.adminId);
  const at = typeof now === "number" ? now : now.getTime();
  const expired = isExpired(c, at);
  const graceUntil = c.previousSecret && Date.parse(c.previousSecret.until) > at ? c.previousSecret.until : null;
  return {
    identifier: c.identifier,
    name: c.name,
    admin: admin?.username ?? null,
    description: c.description,
    roles: roleNamesFor(doc, c.roleIds),
    ips: [...c.ips],
    expiresAt: c.expiresAt,
    expired,
    // In the decision's order: the `enabled` step comes before `admin` and `expiry`.
    status: c.disabled === true ? "disabled" : expired ? "expired" : !admin || admin.disabled ? "admin_disabled" : "active",
    createdAt: c.createdAt,
    rotatedAt: c.rotatedAt,
    previousSecretValidUntil: graceUntil,
  };
}

export interface CredentialFilter {
  admin?: string;
  role?: string;
  /** Only credentials whose expiry falls before now + this many ms (already expired ones included). */
  expiringWithinMs?: number;
}

/** The credentials matching a filter, sorted by name (unnamed last) then identifier. Unknown admin/role: exit 3. */
export function listCredentials(doc: StoreDoc, filter: CredentialFilter, now: Date | number): Credential[] {
  const at = typeof now === "number" ? now : now.getTime();
  const adminId = filter.admin === undefined ? undefined : requireAdmin(doc, filter.admin).id;
  const roleId = filter.role === undefined ? undefined : requireRole(doc, filter.role).id;
  const horizon = filter.expiringWithinMs === undefined ? undefined : at + filter.expiringWithinMs;
  return doc.credentials
    .filter(
      (c) =>
        (adminId === undefined || c.adminId === adminId) &&
        (roleId === undefined || c.roleIds.includes(roleId)) &&
        (horizon === undefined || (c.expiresAt !== null && Date.parse(c.expiresAt) <= horizon)),
    )
    .sort((a, b) => {
      if (a.name !== null && b.name !== null) return a.name.localeCompare(b.name);
      if (a.name !== null) return -1;
      if (b.name !== null) return 1;
      return a.identifier.localeCompare(b.identifier);
    });
}
