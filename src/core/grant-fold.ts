// Grants without repetition: what a picker saves (a whole category becomes `Category:*`, everything
// `*`) and what `role create/edit --allow` warns about (an action a wildcard of the role already grants).
import { type Catalog, listActions } from "./catalog.js";
import { asciiLower } from "./ascii.js";
import { EVERYTHING, compareGrants, grantAllows, wildcardCategory } from "./grants.js";

/** The category a grant is scoped to (`Billing:*`, `Billing:Get*`), lower-cased, else undefined. */
function scope(grant: string): string | undefined {
  const colon = grant.lastIndexOf(":");
  return colon < 0 ? undefined : asciiLower(grant.slice(0, colon));
}

/** Does `wide` already grant everything `narrow` does (and is it a different grant)? */
function covers(catalog: Catalog, wide: string, narrow: string): boolean {
  if (asciiLower(wide) === asciiLower(narrow) || narrow === EVERYTHING) return false;
  if (wide === EVERYTHING) return true;
  const category = wildcardCategory(wide);
  if (category !== undefined) {
    if (wildcardCategory(narrow) !== undefined) return false;
    if (scope(narrow) === asciiLower(category)) return true; // Billing:Get* under Billing:*
  }
  if (!wide.includes(EVERYTHING) || narrow.includes(EVERYTHING)) return false;
  const action = catalog.actions.get(asciiLower(narrow));
  return action !== undefined && grantAllows(wide, action);
}

/** Each grant another grant of the list already covers, with the first one that does. */
export function redundantGrants(catalog: Catalog, grants: readonly string[]): { grant: string; coveredBy: string }[] {
  const out: { grant: string; coveredBy: string }[] = [];
  for (const g of grants) {
    const by = grants.find((w) => covers(catalog, w, g));
    if (by !== undefined) out.push({ grant: g, coveredBy: by });
  }
  return out;
}

/**
 * The grants to save for what was ticked: every action of a category ticked → `Category:*` (which also
 * grants actions added to it later); every category whole → `*`; then nothing a ticked wildcard covers.
 */
export function foldGrants(catalog: Catalog, ticked: readonly string[]): string[] {
  if (ticked.includes(EVERYTHING)) return [EVERYTHING];
  const byCategory = new Map<string, string[]>();
  for (const a of listActions(catalog)) {
    const list = byCategory.get(a.category) ?? [];
    list.push(a.name);
    byCategory.set(a.category, list);
  }
  const allowed = (name: string) => ticked.some((g) => grantAllows(g, catalog.actions.get(asciiLower(name))!));
  const whole = [...byCategory].filter(([, names]) => names.every(allowed)).map(([category]) => category);
  if (whole.length === byCategory.size && byCategory.size > 0) return [EVERYTHING];
  const grants = new Map<string, string>();
  for (const g of ticked) grants.set(asciiLower(g), g);
  for (const category of whole) {
    for (const name of byCategory.get(category)!) grants.delete(asciiLower(name));
    for (const [k, g] of grants) if (scope(g) === asciiLower(category) && wildcardCategory(g) === undefined) grants.delete(k);
    grants.set(asciiLower(`${category}:*`), `${category}:*`);
  }
  const list = [...grants.values()];
  const drop = new Set(redundantGrants(catalog, list).map((r) => r.grant));
  return list.filter((g) => !drop.has(g)).sort(compareGrants);
}
