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
