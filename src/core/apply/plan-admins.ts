// apply's admins section. Its changes are listed last (planAdminChanges): an admin removal says how
// many credentials it takes with it, which needs the credentials section first.
import { asciiLower } from "../ascii.js";
import { validateUsername } from "../admins.js";
import { quote } from "../echo.js";
import type { Admin, Credential, StoreDoc } from "../types.js";
import { byKey, changedFields, unlisted } from "./diff.js";
import type { Change, Work } from "./types.js";
import { ADMIN_FIELDS, type Json, objectAt, type Problems, sectionAt, stringAt, typeName } from "./validate.js";

export interface FinalAdmin {
  username: string;
  disabled: boolean;
  existing?: Admin;
}

export interface AdminsPlan {
  /** lower-case username -> every admin that exists after apply */
  final: Map<string, FinalAdmin>;
  /** lower-case username -> store admin */
  store: Map<string, Admin>;
  /** Store admins --prune removes. */
  removed: Admin[];
}

const keyOf = (a: { username: string }) => asciiLower(a.username);

export function planAdmins(p: Problems, doc: StoreDoc, top: Json, prune: boolean): AdminsPlan {
  const section = sectionAt(p, top, "admins");
  const store = byKey(doc.admins, keyOf);
  const final = new Map<string, FinalAdmin>();
  const removed: Admin[] = [];
  if (section === undefined) {
    for (const a of doc.admins) final.set(keyOf(a), { username: a.username, disabled: a.disabled, existing: a });
    return { final, store, removed };
  }
  const firstPath = new Map<string, string>();
  for (const { value, path } of section) {
    const o = objectAt(p, path, value, ADMIN_FIELDS);
    if (!o) continue;
    const username = stringAt(p, `${path}.username`, o.username);
    const disabled = o.disabled === undefined ? false : o.disabled;
    if (typeof disabled !== "boolean") p.add(`${path}.disabled`, `must be true or false, not ${typeName(disabled)}`);
    if (username === undefined || p.check(`${path}.username`, () => validateUsername(username)) === undefined) continue;
    const key = asciiLower(username);
    const seen = firstPath.get(key);
    if (seen) {
      p.add(`${path}.username`, `${quote(username)} is listed twice (also at ${seen}; usernames ignore case)`);
      continue;
    }
    firstPath.set(key, path);
    final.set(key, { username, disabled: disabled === true, existing: store.get(key) });
  }
  for (const a of unlisted(doc.admins, keyOf, final)) {
    if (prune) removed.push(a);
    else final.set(keyOf(a), { username: a.username, disabled: a.disabled, existing: a });
  }
  return { final, store, removed };
}

/** The admin work and lines of the plan, once the credentials the document keeps are known. */
export function planAdminChanges(admins: AdminsPlan, doc: StoreDoc, kept: (c: Credential) => boolean, work: Work): Change[] {
  const changes: Change[] = [];
  for (const a of admins.final.values()) {
    if (!a.existing) {
      work.admins.create.push({ username: a.username, disabled: a.disabled });
      changes.push({ op: "create", kind: "admin", name: a.username });
      continue;
    }
    const fields = changedFields([
      ["username", a.existing.username, a.username],
      ["disabled", a.existing.disabled, a.disabled],
    ]);
    if (fields.length) {
      work.admins.update.push({ key: a.existing.username, username: a.username, disabled: a.disabled });
      changes.push({ op: "update", kind: "admin", name: a.username, fields });
    }
  }
  for (const a of admins.removed) {
    let n = 0;
    for (const c of doc.credentials) if (c.adminId === a.id && !kept(c)) n++;
    work.admins.remove.push(a.username);
    changes.push({ op: "remove", kind: "admin", name: a.username, credentialsRemoved: n });
  }
  return changes;
}
