// Grants as the user types them (SPEC.md rule 3): input is case-insensitive and stored in canonical
// spelling; an unknown action or category is a usage error (exit 2) that names it and suggests the
// nearest match. Also a role's grant edit (--set / --allow / --revoke), validated before anything changes.
import { allActionNames, type Catalog, findAction, findCategory } from "./catalog.js";
import { quote } from "./echo.js";
import { UsageError } from "./errors.js";
import { expandGrant } from "./grant-match.js";
import { compareGrants, EVERYTHING, WILDCARD_SUFFIX } from "./grant-shape.js";
import { checkValue } from "./limits.js";
import { nearest } from "./suggest.js";
import { asciiLower } from "./ascii.js";

function unknown(what: string, input: string, suggestion: string | undefined): never {
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
  throw new UsageError(`unknown ${what} ${quote(input)} in grant${hint}`, "invalid_grant", [], { code: "grant_unknown", params: {} });
}

/** One grant in canonical form, or a UsageError naming it with the nearest suggestion. */
export function canonicalGrant(catalog: Catalog, input: string): string {
  // Checked as given: nothing is trimmed, and a value too long to be a grant gets no suggestion.
  if (input.trim() === "") throw new UsageError("empty grant: give an action name, Category:* or *", "invalid_grant");
  let text: string;
  try {
    text = checkValue("grant", input, "grant");
  } catch (err) {
    throw new UsageError((err as Error).message, "invalid_grant");
  }
  if (text === EVERYTHING) return EVERYTHING;
  if (text.endsWith(WILDCARD_SUFFIX)) {
    const category = text.slice(0, -WILDCARD_SUFFIX.length);
    const found = findCategory(catalog, category);
    if (found) return `${found}${WILDCARD_SUFFIX}`;
    const near = nearest(category, catalog.categories.values());
    return unknown("category", category, near && `${near}${WILDCARD_SUFFIX}`);
  }
  if (text === "") throw new UsageError("empty grant: give an action name, Category:* or *", "invalid_grant");
  if (text.includes(EVERYTHING)) return canonicalPattern(catalog, text);
  const action = findAction(catalog, text);
  if (action) return action.name;
  // "Billing" alone is most likely meant as the whole category.
  const category = findCategory(catalog, text);
  if (category) return unknown("action", text, `${category}${WILDCARD_SUFFIX}`);
  return unknown("action", text, nearest(text, allActionNames(catalog)));
}

// A pattern: an optional `Category:` and an action name in which `*` stands for any characters.
const PATTERN = /^(?:([A-Za-z][A-Za-z0-9_-]{0,39}):)?([A-Za-z0-9_*]{1,64})$/;

/**
 * A pattern grant in canonical form: the category in its catalog spelling, the name part as typed.
 * It must match at least one catalog action now (else exit 2 with a suggestion): a pattern that
 * matches nothing is a typo far more often than a grant for actions still to come.
 */
function canonicalPattern(catalog: Catalog, text: string): string {
  const m = PATTERN.exec(text);
  if (!m) {
    throw new UsageError(
      `invalid grant "${text}": a pattern is an action name with * for any characters, optionally after "Category:" (like Get* or Billing:Get*)`,
      "invalid_grant",
    );
  }
  if (!/[A-Za-z0-9_]/.test(m[2]!)) {
    throw new UsageError(`unknown action "${text}" in grant: a pattern needs a letter or digit; use * for every action`, "invalid_grant");
  }
  let category = m[1];
  if (category !== undefined) {
    const found = findCategory(catalog, category);
    if (!found) {
      const near = nearest(category, catalog.categories.values());
      return unknown("category", category, near && `${near}:${m[2]}`);
    }
    category = found;
  }
  const grant = category === undefined ? m[2]! : `${category}:${m[2]}`;
  if (expandGrant(catalog, grant).length > 0) return grant;
  const hint = patternSuggestion(catalog, m[2]!, category);
  throw new UsageError(
    `grant "${text}" matches no action in the catalog${hint ? ` (did you mean ${category ? `${category}:` : ""}${hint}?)` : ""}`,
    "invalid_grant",
    [],
    { code: "grant_matches_nothing", params: {} },
  );
}

/** For a pattern matching nothing: the nearest prefix (or name) that some action has, with its `*`. */
function patternSuggestion(catalog: Catalog, pattern: string, category: string | undefined): string | undefined {
  const names = [...catalog.actions.values()].filter((a) => category === undefined || a.category === category).map((a) => a.name);
  const star = pattern.indexOf(EVERYTHING);
  const prefix = pattern.slice(0, star);
  if (prefix !== "" && star === pattern.length - 1) {
    const near = nearest(prefix, new Set(names.map((n) => n.slice(0, prefix.length))));
    return near && `${near}*`;
  }
  return nearest(pattern.replaceAll(EVERYTHING, ""), names);
}

/**
 * Canonicalises a list of grants: every one valid (the first unknown one throws, so nothing is
 * written), duplicates removed, sorted with compareGrants.
 */
export function canonicalGrants(catalog: Catalog, inputs: readonly string[]): string[] {
  // Keyed case-insensitively: `get*` and `Get*` are the same pattern (names and categories already
  // come out in one canonical spelling).
  const out = new Map<string, string>();
  for (const input of inputs) {
    const g = canonicalGrant(catalog, input);
    if (!out.has(asciiLower(g))) out.set(asciiLower(g), g);
  }
  return [...out.values()].sort(compareGrants);
}

export interface GrantEdit {
  /** Replace every grant with these. Cannot be combined with allow/revoke. */
  set?: readonly string[];
  allow?: readonly string[];
  revoke?: readonly string[];
}

export interface GrantEditResult {
  grants: string[];
  added: string[];
  removed: string[];
  /** Grants asked to be revoked that the role did not have. */
  notHeld: string[];
}

/**
 * Applies --set / --allow / --revoke to a role's grants. Every grant is validated first (nothing
 * changes on an error). A revoke matches the role's own grants case-insensitively before consulting
 * the catalog, so a grant for an action that was removed from the catalog can still be revoked.
 */
export function editGrants(catalog: Catalog, current: readonly string[], edit: GrantEdit): GrantEditResult {
  if (edit.set && (edit.allow?.length || edit.revoke?.length)) {
    throw new UsageError("--set replaces every grant: use it alone, or use --allow/--revoke", "invalid_input");
  }
  const next = new Set(current);
  const notHeld: string[] = [];
  if (edit.set) {
    next.clear();
    for (const g of canonicalGrants(catalog, edit.set)) next.add(g);
  } else {
    const allow = canonicalGrants(catalog, edit.allow ?? []);
    const revoke: string[] = [];
    for (const input of edit.revoke ?? []) {
      const held = current.find((g) => asciiLower(g) === asciiLower(input));
      revoke.push(held ?? canonicalGrant(catalog, input));
    }
    for (const g of allow) next.add(g);
    for (const g of revoke) {
      if (!next.delete(g) && !notHeld.includes(g)) notHeld.push(g);
    }
  }
  const grants = [...next].sort(compareGrants);
  return {
    grants,
    added: grants.filter((g) => !current.includes(g)),
    removed: current.filter((g) => !next.has(g)),
    notHeld,
  };
}
