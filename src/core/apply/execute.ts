// apply's executor: carries out a plan from planApply (call both inside one store update) through the
// same core mutators the commands use, so every audit record has the shape the command would write.
// Only the bulk of credential creates takes a faster road to the same mutator: admins, roles and taken
// identifiers are resolved through Maps and a Set built once (insertCredential), so 100,000 new
// credentials cost linear time.
import { asciiLower } from "../ascii.js";
import { addAdmin, removeAdmin, renameAdmin, setAdminDisabled } from "../admins.js";
import { addIp, removeIps, setIpNote } from "../allowlist.js";
import { buildCatalog } from "../catalog.js";
import { editCredential, freshIdentifier, insertCredential, removeCredentials } from "../credentials.js";
import { addCustomAction, editCustomAction, removeCustomAction } from "../custom-actions.js";
import { setMaxLifetime } from "../policy.js";
import { createRole, deleteRole, editRole } from "../roles.js";
import type { Credential, Recorder, StoreDoc } from "../types.js";
import type { Plan, Work } from "./types.js";

/** A credential created by apply: its secret is returned once, for the caller to print once. */
export interface CreatedCredential {
  name: string | null;
  identifier: string;
  secret: string;
}

export type Progress = (done: number, total: number) => void;

/**
 * Applies a plan computed by planApply on this same document. Fills in the identifiers of the plan's
 * credential creates. Returns the new credentials with their secrets, in document order.
 */
export function applyPlan(doc: StoreDoc, plan: Plan, now: string, record: Recorder, progress?: Progress): CreatedCredential[] {
  const w = plan.work;
  if (w.policy) setMaxLifetime(doc, w.policy.maxLifetime, record);

  // Admins first: credentials may refer to new ones.
  for (const a of w.admins.create) {
    addAdmin(doc, a.username, now, record);
    if (a.disabled) setAdminDisabled(doc, a.username, true, record);
  }
  for (const a of w.admins.update) {
    renameAdmin(doc, a.key, a.username, record);
    setAdminDisabled(doc, a.username, a.disabled, record);
  }

  // Actions: removals first, so a new action's category takes the spelling the plan computed.
  for (const name of w.actions.remove) removeCustomAction(doc, name, record);
  for (const a of w.actions.update) editCustomAction(doc, a.key, a, record);
  for (const a of w.actions.create) addCustomAction(doc, a.name, a.category, now, record);

  // Roles, against the final catalog.
  const catalog = buildCatalog(doc.actions);
  for (const r of w.roles.create) createRole(doc, catalog, r, now, record);
  for (const r of w.roles.update) editRole(doc, catalog, r.key, { rename: r.name, description: r.description, grants: r.grants }, record);

  const created = applyCredentials(doc, w, now, record, progress);

  // Removals that cascade: roles (unassigned from the credentials left holding them), then admins
  // (with the credentials the document does not keep).
  for (const name of w.roles.remove) deleteRole(doc, name, record);
  for (const username of w.admins.remove) removeAdmin(doc, username, record);

  // The allowlist.
  if (w.ips.remove.length > 0) removeIps(doc, w.ips.remove, record);
  for (const e of w.ips.update) setIpNote(doc, e.key, e.note, record);
  for (const e of w.ips.create) addIp(doc, e.address, e.note, false, now, record);
  return created;
}

/** Removals, updates, then the bulk of creates. */
function applyCredentials(doc: StoreDoc, w: Work, now: string, record: Recorder, progress?: Progress): CreatedCredential[] {
  const { create, update, remove } = w.credentials;
  if (remove.length + update.length + create.length === 0) return [];
  const byId = new Map<string, Credential>(doc.credentials.map((c) => [c.identifier, c]));
  if (remove.length > 0) removeCredentials(doc, remove.map((id) => byId.get(id)!), record);
  const admins = new Map(doc.admins.map((a) => [asciiLower(a.username), a]));
  const roles = new Map(doc.roles.map((r) => [asciiLower(r.name), r]));
  makeRoomForNames(w, byId);
  const at = Date.parse(now);
  for (const c of update) {
    const edit = {
      name: c.name,
      admin: admins.get(c.admin)!.username,
      description: c.description,
      roles: c.roles.map((r) => roles.get(r)!.name),
      ips: c.ips,
      expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt),
      disabled: c.disabled,
    };
    editCredential(doc, byId.get(c.key)!, edit, record, at);
  }
  const created: CreatedCredential[] = [];
  const total = create.length;
  if (total === 0) return created;
  const taken = new Set(byId.keys());
  for (const c of create) {
    const admin = admins.get(c.admin)!;
    const held = c.roles.map((r) => roles.get(r)!);
    const identifier = c.identifier ?? freshIdentifier((id) => taken.has(id));
    taken.add(identifier);
    const fields = { identifier, name: c.name, adminId: admin.id, description: c.description, roleIds: held.map((r) => r.id), ips: c.ips, expiresAt: c.expiresAt, disabled: c.disabled };
    const { secret } = insertCredential(doc, fields, { admin: admin.username, roles: held.map((r) => r.name) }, now, record);
    c.change.identifier = identifier;
    created.push({ name: c.name, identifier, secret });
    if (progress && created.length % 1000 === 0) progress(created.length, total);
  }
  progress?.(total, total);
  return created;
}

/**
 * Names move in a batch: the plan checked that they are unique AFTER apply, but one at a time two
 * credentials swapping names would clash in editCredential. So the old names of the credentials being
 * renamed are cleared first (in memory, inside this one update; editCredential records each rename).
 * (A name held by a credential the document does not list is free only with --prune, whose removals
 * come first.)
 */
function makeRoomForNames(w: Work, byId: Map<string, Credential>): void {
  for (const c of w.credentials.update) {
    const cred = byId.get(c.key)!;
    if (c.name !== null && cred.name !== c.name) cred.name = null; // a name the plan clears is recorded by editCredential
  }
}
