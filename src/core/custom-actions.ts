// Custom catalog actions kept in the store (SPEC.md rule 2).
import { buildCatalog, findAction, newCustomAction } from "./catalog.js";
import { quote } from "./echo.js";
import { NotFoundError, UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";
import type { CustomAction, Recorder, StoreDoc } from "./types.js";

export function addCustomAction(doc: StoreDoc, name: string, category: string, now: string, record: Recorder): CustomAction {
  const action = newCustomAction(buildCatalog(doc.actions), name, category, now);
  doc.actions.push(action);
  record(`action:${action.name}`, { added: true, category: action.category });
  return action;
}

/**
 * Removes a custom action. Grants that name it stay in their roles (they grant nothing now) and
 * `doctor` reports them, so removing an action never silently rewrites a role.
 */
export function removeCustomAction(doc: StoreDoc, name: string, record: Recorder): CustomAction {
  const found = findAction(buildCatalog(doc.actions), name);
  if (found && !found.custom) {
    throw new UsageError(`${found.name} is a built-in WHMCS action and cannot be removed`, "builtin_action");
  }
  const index = found ? doc.actions.findIndex((a) => a.name === found.name) : -1;
  if (index < 0) {
    throw new NotFoundError(`no custom action ${quote(name)}${didYouMean(name, doc.actions.map((a) => a.name))}`);
  }
  const [removed] = doc.actions.splice(index, 1);
  record(`action:${removed!.name}`, { removed: true });
  return removed!;
}

/**
 * Changes a custom action's spelling and category (apply). The result is validated like a new action
 * against the built-ins and the other custom actions.
 */
export function editCustomAction(doc: StoreDoc, name: string, to: { name: string; category: string }, record: Recorder): CustomAction {
  const index = doc.actions.findIndex((a) => a.name === name);
  if (index < 0) throw new NotFoundError(`no custom action ${quote(name)}${didYouMean(name, doc.actions.map((a) => a.name))}`);
  const action = doc.actions[index]!;
  const checked = newCustomAction(buildCatalog(doc.actions.filter((_, i) => i !== index)), to.name, to.category, action.createdAt);
  const change: Record<string, unknown> = {};
  if (action.name !== checked.name) change.renamedFrom = action.name;
  if (action.category !== checked.category) change.category = checked.category;
  if (Object.keys(change).length === 0) return action;
  action.name = checked.name;
  action.category = checked.category;
  record(`action:${action.name}`, change);
  return action;
}
