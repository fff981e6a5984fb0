// Roles (SPEC.md rules 3 and 4): named sets of grants, referenced by credentials through an internal
// id, so renaming keeps the holders and a deleted-then-re-created role never gets them back.
import type { Catalog } from "./catalog.js";
import { holdsSecret, MASKED_SECRET, quote, textProblem } from "./echo.js";
import { ConflictError, NotFoundError, UsageError } from "./errors.js";
import { canonicalGrants, compareGrants, editGrants } from "./grants.js";
import { newId } from "./ids.js";
import { didYouMean } from "./suggest.js";
import type { Recorder, Role, StoreDoc } from "./types.js";
import { asciiLower } from "./ascii.js";
import { MAX_LENGTH } from "./limits.js";

/** Role and credential names: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_DESCRIPTION = MAX_LENGTH.description;

export function validateRoleName(name: string): string {
  if (holdsSecret(name)) {
    throw new UsageError(`invalid role name: it looks like a secret (${MASKED_SECRET}); a secret never belongs in a name`, "invalid_input");
  }
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(
      `invalid role name ${quote(name)}: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      "invalid_input",
    );
  }
  return name;
}

export function validateDescription(text: string): string {
  if (text.length > MAX_DESCRIPTION) {
    throw new UsageError(`description too long (${text.length} characters; at most ${MAX_DESCRIPTION})`, "invalid_input");
  }
  // Shown in tables, on terminals and in CI logs: no control, C1 or bidi characters, no line breaks.
  const problem = textProblem(text);
  if (problem) throw new UsageError(`the description ${problem}`, "invalid_input");
  return text;
}

/** Role names are unique and matched case-insensitively, like admin usernames. */
export function findRole(doc: StoreDoc, name: string): Role | undefined {
  const wanted = asciiLower(name);
  return doc.roles.find((r) => asciiLower(r.name) === wanted);
}

export function requireRole(doc: StoreDoc, name: string): Role {
  const role = findRole(doc, name);
  if (role) return role;
  throw new NotFoundError(`no role ${quote(name)}${didYouMean(name, doc.roles.map((r) => r.name))}`);
}

/** How many credentials hold the role. */
export function roleHolders(doc: StoreDoc, role: Role): number {
  let n = 0;
  for (const c of doc.credentials) if (c.roleIds.includes(role.id)) n++;
  return n;
}

export interface NewRole {
  name: string;
  description?: string;
  grants?: readonly string[];
}

export function createRole(doc: StoreDoc, catalog: Catalog, input: NewRole, now: string, record: Recorder): Role {
  validateRoleName(input.name);
  const description = validateDescription(input.description ?? "");
  const grants = canonicalGrants(catalog, input.grants ?? []);
  const existing = findRole(doc, input.name);
  if (existing) throw new ConflictError(`role "${existing.name}" already exists`);
  const role: Role = { id: newId(), name: input.name, description, grants, createdAt: now };
  doc.roles.push(role);
  record(`role:${role.name}`, { created: true, description, grants });
  return role;
}

export interface RoleEdit {
  rename?: string;
  description?: string;
  set?: readonly string[];
  allow?: readonly string[];
  revoke?: readonly string[];
  /**
   * Replace the grants with these, taken as they are (apply's plan: already canonical, and a held
   * grant whose custom action was removed is kept). Cannot be combined with set/allow/revoke.
   */
  grants?: readonly string[];
}

export interface RoleEditResult {
  role: Role;
  renamedFrom: string | null;
  descriptionChanged: boolean;
  added: string[];
  removed: string[];
  /** Grants asked to be revoked that the role did not have. */
  notHeld: string[];
  changed: boolean;
}

/** Renames, re-describes and edits the grants of a role in one step; all validated before any change. */
export function editRole(doc: StoreDoc, catalog: Catalog, name: string, edit: RoleEdit, record: Recorder): RoleEditResult {
  const role = requireRole(doc, name);
  let renamedFrom: string | null = null;
  if (edit.rename !== undefined && edit.rename !== role.name) {
    validateRoleName(edit.rename);
    const clash = findRole(doc, edit.rename);
    if (clash && clash.id !== role.id) throw new ConflictError(`role "${clash.name}" already exists`);
    renamedFrom = role.name;
  }
  const description = edit.description === undefined ? role.description : validateDescription(edit.description);
  const grants = edit.grants ? replaceGrants(role.grants, edit.grants) : editGrants(catalog, role.grants, { set: edit.set, allow: edit.allow, revoke: edit.revoke });

  const descriptionChanged = description !== role.description;
  const changed = renamedFrom !== null || descriptionChanged || grants.added.length > 0 || grants.removed.length > 0;
  if (changed) {
    const change: Record<string, unknown> = {};
    if (renamedFrom !== null) {
      change.renamedFrom = renamedFrom;
      change.renamedTo = edit.rename;
      role.name = edit.rename!;
    }
    if (descriptionChanged) change.description = description;
    if (grants.added.length) change.grantsAdded = grants.added;
    if (grants.removed.length) change.grantsRemoved = grants.removed;
    role.description = description;
    role.grants = grants.grants;
    record(`role:${role.name}`, change);
  }
  return { role, renamedFrom, descriptionChanged, added: grants.added, removed: grants.removed, notHeld: grants.notHeld, changed };
}

function replaceGrants(current: readonly string[], wanted: readonly string[]) {
  const grants = [...new Set(wanted)].sort(compareGrants);
  return { grants, added: grants.filter((g) => !current.includes(g)), removed: current.filter((g) => !grants.includes(g)), notHeld: [] as string[] };
}

/** Deletes a role and unassigns it from every credential; returns how many held it. */
export function deleteRole(doc: StoreDoc, name: string, record: Recorder): { role: Role; unassignedFrom: number } {
  const role = requireRole(doc, name);
  let unassignedFrom = 0;
  for (const c of doc.credentials) {
    const before = c.roleIds.length;
    c.roleIds = c.roleIds.filter((id) => id !== role.id);
    if (c.roleIds.length !== before) unassignedFrom++;
  }
  doc.roles = doc.roles.filter((r) => r.id !== role.id);
  record(`role:${role.name}`, { deleted: true, unassignedFrom });
  return { role, unassignedFrom };
}
