// Grants grouped by category for display (`role show`): kept apart from matching and input because
// only the display needs it, and the rules for where a pattern belongs are its own.
import { type Catalog, findAction, findCategory } from "./catalog.js";
import { grantInCatalog } from "./grant-match.js";
import { compareGrants, EVERYTHING, isPattern, wildcardCategory } from "./grant-shape.js";

/** The group of patterns without a category (`Get*`) in groupGrants. */
export const PATTERNS = "(patterns)";

export interface GrantGroup {
  /** A category, `*` for the everything grant, or null for grants that no longer name a catalog action. */
  category: string | null;
  grants: string[];
}

/**
 * Grants grouped by category for display (`role show`): `*` first, then each category (its wildcard
 * first), then grants naming actions that are no longer in the catalog (e.g. a removed custom action).
 */
export function groupGrants(catalog: Catalog, grants: readonly string[]): GrantGroup[] {
  const groups = new Map<string | null, string[]>();
  const add = (key: string | null, grant: string) => {
    const list = groups.get(key);
    if (list) list.push(grant);
    else groups.set(key, [grant]);
  };
  for (const grant of [...grants].sort(compareGrants)) {
    if (grant === EVERYTHING) add(EVERYTHING, grant);
    else if (isPattern(grant)) {
      // `Billing:Get*` belongs to Billing; `Get*` spans categories: with the `*` group when nothing
      // else is there would mislead, so under the pattern's own heading (PATTERNS).
      const colon = grant.lastIndexOf(":");
      const category = colon < 0 ? PATTERNS : findCategory(catalog, grant.slice(0, colon));
      add(category !== undefined && grantInCatalog(catalog, grant) ? category : null, grant);
    } else {
      const category = wildcardCategory(grant);
      if (category !== undefined) add(findCategory(catalog, category) ?? null, grant);
      else add(findAction(catalog, grant)?.category ?? null, grant);
    }
  }
  const keys = [...groups.keys()].sort((a, b) => {
    const rank = (k: string | null) => (k === EVERYTHING ? 0 : k === PATTERNS ? 1 : k === null ? 3 : 2);
    return rank(a) - rank(b) || String(a).localeCompare(String(b));
  });
  return keys.map((category) => ({ category, grants: groups.get(category)! }));
}
