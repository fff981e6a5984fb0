// apply's credentials section: matched by identifier, else by name; an identifier not in the store is
// created with it. Names must be unique after apply: a store credential the document does not list
// keeps its name (unless --prune removes it, or its admin is removed with it).
import { asciiLower } from "../ascii.js";
import { credentialLabel, isExpired } from "../credentials.js";
import { lifetimeProblem } from "../policy.js";
import { isIdentifier } from "../secrets.js";
import type { Credential, StoreDoc } from "../types.js";
import { changedFields } from "./diff.js";
import { type Entry, readCredentialEntry } from "./credential-entry.js";
import type { AdminsPlan } from "./plan-admins.js";
import type { RolesPlan } from "./plan-roles.js";
import type { Change, Work } from "./types.js";
import { type Json, label, type Problems, quoted, sameSet, sectionAt } from "./validate.js";

export interface CredentialsContext {
  doc: StoreDoc;
  top: Json;
  prune: boolean;
  admins: AdminsPlan;
  roles: RolesPlan;
  maxLifetime: string | undefined;
  now: number;
  work: Work;
  changes: Change[];
  warnings: string[];
}

/** Returns the store credentials the document matched (kept, so an admin removal does not take them). */
export function planCredentials(p: Problems, cx: CredentialsContext): Set<Credential> {
  const { doc, prune, admins, roles, work } = cx;
  const matched = new Map<Credential, string>();
  const section = sectionAt(p, cx.top, "credentials");
  if (section === undefined) return new Set();
  const storeById = new Map<string, Credential>();
  const storeByName = new Map<string, Credential>();
  for (const c of doc.credentials) {
    storeById.set(c.identifier, c);
    if (c.name !== null) storeByName.set(asciiLower(c.name), c);
  }
  const removedAdminIds = new Set(admins.removed.map((a) => a.id));
  const names = { adminById: new Map(doc.admins.map((a) => [a.id, a.username])), roleById: new Map(doc.roles.map((r) => [r.id, r.name])) };
  const idPaths = new Map<string, string>();
  const namePaths = new Map<string, string>();
  const wanted: { w: Entry; path: string; existing?: Credential }[] = [];
  const entryContext = {
    prune,
    admins: admins.final,
    roles: roles.final,
    storeAdmins: admins.store,
    storeRoles: roles.store,
    adminNames: [...admins.final.values()].map((a) => a.username),
    roleNames: [...roles.final.values()],
  };
  for (const { value, path } of section) {
    const { entry, identifier, name } = readCredentialEntry(p, path, value, entryContext);
    let bad = entry === undefined;
    if (identifier && isIdentifier(identifier)) {
      const seen = idPaths.get(identifier);
      if (seen) {
        p.add(`${path}.identifier`, `${identifier} is listed twice (also at ${seen})`);
        bad = true;
      } else idPaths.set(identifier, path);
    }
    if (name) {
      const seen = namePaths.get(asciiLower(name));
      if (seen) {
        p.add(`${path}.name`, `${quoted(name)} is listed twice (also at ${seen}; credential names ignore case)`);
        bad = true;
      } else namePaths.set(asciiLower(name), path);
    }
    if (bad || !entry) continue;
    if (!name && !identifier) {
      cx.warnings.push(`${path} has neither a name nor an identifier: every apply creates another credential for it (give it a name)`);
    }
    const existing = identifier ? storeById.get(identifier) : name ? storeByName.get(asciiLower(name)) : undefined;
    if (existing) {
      const other = matched.get(existing);
      if (other) {
        p.add(path, `matches the same credential (${existing.identifier}) as ${other}`);
        continue;
      }
      matched.set(existing, path);
    }
    wanted.push({ w: entry, path, existing });
  }
  const removed: Credential[] = [];
  for (const c of doc.credentials) {
    if (matched.has(c)) continue;
    if (prune) {
      removed.push(c);
      continue;
    }
    if (c.name === null || removedAdminIds.has(c.adminId)) continue;
    const path = namePaths.get(asciiLower(c.name));
    if (path) {
      p.add(
        `${path}.name`,
        `"${c.name}" is already the name of credential ${c.identifier}, which this document does not list ` +
          `(add its identifier to update that one, rename one of them, or apply with --prune to replace it)`,
      );
    }
  }
  if (p.list.length === 0) {
    for (const item of wanted) planOne(p, cx, names, item);
    for (const c of removed) {
      work.credentials.remove.push(c.identifier);
      cx.changes.push({ op: "remove", kind: "credential", name: credentialLabel(c), identifier: c.identifier });
    }
  }
  return new Set([...matched.keys(), ...removed]);
}

type Names = { adminById: Map<string, string>; roleById: Map<string, string> };

function planOne(p: Problems, cx: CredentialsContext, names: Names, { w, path, existing: c }: { w: Entry; path: string; existing?: Credential }): void {
  const { admins, roles, work } = cx;
  const admin = admins.final.get(w.admin)!;
  const { identifier, ...target } = w;
  let change: Change | undefined;
  if (!c) {
    change = { op: "create", kind: "credential", name: label(w), identifier };
    work.credentials.create.push({ ...target, identifier, change });
    cx.changes.push(change);
  } else {
    const oldAdmin = names.adminById.get(c.adminId) ?? null;
    const oldRoles = c.roleIds.flatMap((id) => {
      const n = names.roleById.get(id);
      return n === undefined ? [] : [n];
    });
    const fields = changedFields([
      ["name", c.name, w.name],
      ["admin", oldAdmin, admin.username, (oldAdmin === null ? undefined : asciiLower(oldAdmin)) === w.admin],
      ["description", c.description, w.description],
      ["roles", oldRoles, w.roles.map((r) => roles.final.get(r)!), sameSet(oldRoles.map((r) => asciiLower(r)), w.roles)],
      ["ips", [...c.ips], w.ips, sameSet(c.ips, w.ips)],
      ["expiresAt", c.expiresAt, w.expiresAt],
      ["disabled", c.disabled === true, w.disabled],
    ]);
    if (fields.length) {
      change = { op: "update", kind: "credential", name: label(w), identifier: c.identifier, fields };
      work.credentials.update.push({ key: c.identifier, ...target });
      cx.changes.push(change);
    }
  }
  if (!change) return;
  // The policy holds for what this apply creates or changes, like `credential create|edit`.
  const problem = lifetimeProblem(w.expiresAt, cx.now, cx.maxLifetime);
  if (problem) p.add(`${path}.expiresAt`, `${problem} (the policy's maxLifetime)`);
  if (admin.disabled) {
    cx.warnings.push(`credential ${label(w)} belongs to admin ${admin.username}, which is disabled: it is denied until \`apicred admin enable ${admin.username}\``);
  }
  if (w.expiresAt !== null && isExpired({ expiresAt: w.expiresAt }, cx.now)) cx.warnings.push(`credential ${label(w)} expired at ${w.expiresAt}: it is denied`);
}
