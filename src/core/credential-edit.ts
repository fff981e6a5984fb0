// Changing existing credentials: edit (every value validated before anything changes), rotate the
// secret (with an optional grace for the old one), delete, and disable/enable. Each records what it
// changed in the audit log, never a secret or a hash.
import { requireAdmin } from "./admins.js";
import { checkIpCount, checkNameFree, roleIdsFor, roleNamesFor, validateCredentialName } from "./credential-fields.js";
import { credentialLabel, resolveCredential, resolveCredentials } from "./credential-lookup.js";
import { UsageError } from "./errors.js";
import { enforceLifetime } from "./policy.js";
import { validateDescription } from "./roles.js";
import { generateSecret, hashSecret } from "./secrets.js";
import type { Credential, Recorder, StoreDoc } from "./types.js";

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
  checkIpCount(ips.length);
  const ipsChanged = ips.length !== c.ips.length || ips.some((ip, i) => ip !== c.ips[i]);
  if (ipsChanged) change.ips = ips;

  const expiresAt = edit.expiresAt === undefined ? c.expiresAt : edit.expiresAt === null ? null : edit.expiresAt.toISOString();
  if (expiresAt !== c.expiresAt) change.expiresAt = expiresAt;
  if (edit.disabled !== undefined && edit.disabled !== (c.disabled === true)) change.disabled = edit.disabled;

  const changed = Object.keys(change).length > 0;
  // An edit is a change like a creation: the policy's maximum lifetime counts from now.
  if (changed) enforceLifetime(doc, credentialLabel(c), expiresAt, now, "edit");
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
  enforceLifetime(doc, credentialLabel(c), c.expiresAt, Date.parse(now), "rotate");
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
  const targets = resolveCredentials(doc, refs);
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
  const changed: Credential[] = [];
  const unchanged: Credential[] = [];
  for (const c of resolveCredentials(doc, refs)) {
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
