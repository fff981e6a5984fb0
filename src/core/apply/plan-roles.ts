// apply's roles section, against the catalog after apply.
import { asciiLower } from "../ascii.js";
import type { Catalog } from "../catalog.js";
import { quote } from "../echo.js";
import { canonicalGrant, compareGrants, grantInCatalog } from "../grants.js";
import { validateDescription, validateRoleName } from "../roles.js";
import type { Role, StoreDoc } from "../types.js";
import { byKey, changedFields, unlisted } from "./diff.js";
import type { Change, Work } from "./types.js";
import { type Json, objectAt, type Problems, ROLE_FIELDS, sameSet, sectionAt, stringAt, stringsAt } from "./validate.js";

export interface RolesPlan {
  /** lower-case name -> final spelling, for every role that exists after apply */
  final: Map<string, string>;
  /** lower-case name -> store role */
  store: Map<string, Role>;
}

const keyOf = (r: { name: string }) => asciiLower(r.name);

export function planRoles(p: Problems, doc: StoreDoc, top: Json, catalog: Catalog, prune: boolean, work: Work, changes: Change[]): RolesPlan {
  const section = sectionAt(p, top, "roles");
  const store = byKey(doc.roles, keyOf);
  const final = new Map<string, string>();
  if (section === undefined) {
    for (const r of doc.roles) final.set(keyOf(r), r.name);
    return { final, store };
  }
  const firstPath = new Map<string, string>();
  for (const { value, path } of section) {
    const o = objectAt(p, path, value, ROLE_FIELDS);
    if (!o) continue;
    const name = stringAt(p, `${path}.name`, o.name);
    const description = stringAt(p, `${path}.description`, o.description, "");
    const grantInputs = stringsAt(p, `${path}.grants`, o.grants);
    if (description !== undefined) p.check(`${path}.description`, () => validateDescription(description));
    if (name === undefined || p.check(`${path}.name`, () => validateRoleName(name)) === undefined) continue;
    const key = asciiLower(name);
    const seen = firstPath.get(key);
    if (seen) {
      p.add(`${path}.name`, `${quote(name)} is listed twice (also at ${seen}; role names ignore case)`);
      continue;
    }
    firstPath.set(key, path);
    final.set(key, name);
    const existing = store.get(key);
    const grants = new Set<string>();
    for (const g of grantInputs ?? []) {
      // A grant the role already holds that has left the catalog (a removed custom action) is kept
      // as it is, so applying an export of this very store changes nothing; doctor reports it.
      const held = existing?.grants.find((h) => asciiLower(h) === asciiLower(g.value));
      if (held !== undefined && !grantInCatalog(catalog, held)) {
        grants.add(held);
        continue;
      }
      const canonical = p.check(g.path, () => canonicalGrant(catalog, g.value));
      if (canonical !== undefined) grants.add(canonical);
    }
    if (description === undefined || grantInputs === undefined) continue;
    const target = { name, description, grants: [...grants].sort(compareGrants) };
    if (!existing) {
      work.roles.create.push(target);
      changes.push({ op: "create", kind: "role", name });
      continue;
    }
    const fields = changedFields([
      ["name", existing.name, name],
      ["description", existing.description, description],
      ["grants", [...existing.grants], target.grants, sameSet(existing.grants, target.grants)],
    ]);
    if (fields.length) {
      work.roles.update.push({ key: existing.name, ...target });
      changes.push({ op: "update", kind: "role", name, fields });
    }
  }
  for (const r of unlisted(doc.roles, keyOf, final)) {
    if (prune) work.roles.remove.push(r.name);
    else final.set(keyOf(r), r.name);
  }
  return { final, store };
}
