// The shapes a grant takes (SPEC.md rule 3) and their display order: `*`, `Category:*`, a pattern
// with `*` inside an action name, or a canonical action name. Shared by input, matching and display.

export const EVERYTHING = "*";
export const WILDCARD_SUFFIX = ":*";

/** Whether a stored grant is a pattern (`Get*`, `Billing:Get*`) rather than `*`, `Category:*` or a name. */
export function isPattern(grant: string): boolean {
  return grant !== EVERYTHING && !grant.endsWith(WILDCARD_SUFFIX) && grant.includes(EVERYTHING);
}

/** The category of a `Category:*` grant, else undefined. */
export function wildcardCategory(grant: string): string | undefined {
  return grant !== EVERYTHING && grant.endsWith(WILDCARD_SUFFIX) ? grant.slice(0, -WILDCARD_SUFFIX.length) : undefined;
}

/** Sort key: `*` first, then category wildcards, then patterns, then actions, each alphabetically. */
export function compareGrants(a: string, b: string): number {
  const rank = (g: string) => (g === EVERYTHING ? 0 : g.endsWith(WILDCARD_SUFFIX) ? 1 : g.includes(EVERYTHING) ? 2 : 3);
  return rank(a) - rank(b) || a.localeCompare(b);
}
