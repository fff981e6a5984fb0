// apply's custom actions section. Each listed action is validated against the built-ins and the
// actions accepted so far (category spelling included), exactly as `action add` would.
import { asciiLower } from "../ascii.js";
import { buildCatalog, type Catalog, isBuiltinAction, newCustomAction } from "../catalog.js";
import { quote } from "../echo.js";
import type { CustomAction, StoreDoc } from "../types.js";
import { byKey, changedFields, unlisted } from "./diff.js";
import type { Change, Work } from "./types.js";
import { ACTION_FIELDS, type Json, objectAt, type Problems, sectionAt, stringAt } from "./validate.js";

const keyOf = (a: { name: string }) => asciiLower(a.name);

/** Returns the catalog after apply (the roles section checks grants against it). */
export function planActions(p: Problems, doc: StoreDoc, top: Json, prune: boolean, work: Work, changes: Change[]): Catalog {
  const section = sectionAt(p, top, "actions");
  if (section === undefined) return buildCatalog(doc.actions);
  const store = byKey(doc.actions, keyOf);
  const listed = new Map<string, { name: string; category: string; path: string }>();
  for (const { value, path } of section) {
    const o = objectAt(p, path, value, ACTION_FIELDS);
    if (!o) continue;
    const name = stringAt(p, `${path}.name`, o.name);
    const category = stringAt(p, `${path}.category`, o.category);
    if (name === undefined || category === undefined) continue;
    const seen = listed.get(keyOf({ name }));
    if (seen) p.add(`${path}.name`, `${quote(name)} is listed twice (also at ${seen.path}; action names ignore case)`);
    else if (isBuiltinAction(name)) p.add(`${path}.name`, `${name} is a built-in WHMCS action; list only custom actions here`);
    else listed.set(keyOf({ name }), { name, category, path });
  }
  const accepted: CustomAction[] = [];
  for (const a of unlisted(doc.actions, keyOf, listed)) {
    if (prune) work.actions.remove.push(a.name);
    else accepted.push(a);
  }
  for (const { name, category, path } of listed.values()) {
    const action = p.check(path, () => newCustomAction(buildCatalog(accepted), name, category, ""));
    if (!action) continue;
    accepted.push(action);
    const existing = store.get(keyOf(action));
    if (!existing) {
      work.actions.create.push({ name: action.name, category: action.category });
      changes.push({ op: "create", kind: "action", name: action.name, category: action.category });
      continue;
    }
    const fields = changedFields([
      ["name", existing.name, action.name],
      ["category", existing.category, action.category],
    ]);
    if (fields.length) {
      work.actions.update.push({ key: existing.name, name: action.name, category: action.category });
      changes.push({ op: "update", kind: "action", name: action.name, fields });
    }
  }
  return buildCatalog(accepted);
}
