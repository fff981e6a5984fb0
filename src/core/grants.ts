// Grants (SPEC.md rule 3): a canonical action name, a category wildcard `Category:*`, `*`, or a
// pattern with `*` inside an action name (`Get*`, `Billing:Get*`: every catalog action whose name
// matches, ASCII case-insensitively, custom ones added later included).
// Input is case-insensitive and is stored in canonical spelling; an unknown action or category is a
// usage error (exit 2) that names it and suggests the nearest match. The matchers are pure and cheap:
// the `check` decision engine calls them for every decision.
import { allActionNames, type Catalog, type CatalogAction, findAction, findCategory } from "./catalog.js";
import { quote } from "./echo.js";
import { UsageError } from "./errors.js";
import { checkValue } from "./limits.js";
import { nearest } from "./suggest.js";
import type { Role } from "./types.js";
import { asciiLower } from "./ascii.js";

export const EVERYTHING = "*";
const WILDCARD_SUFFIX = ":*";

function unknown(what: string, input: string, suggestion: string | undefined): never {
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
  throw new UsageError(
    `unknown ${what} ${quote(input)} in grant${hint}; see \`apicred action list\` and \`apicred action categories\``,
    "invalid_grant",
  );
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

/** Whether a stored grant is a pattern (`Get*`, `Billing:Get*`) rather than `*`, `Category:*` or a name. */
export function isPattern(grant: string): boolean {
  return grant !== EVERYTHING && !grant.endsWith(WILDCARD_SUFFIX) && grant.includes(EVERYTHING);
}

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
    `grant "${text}" matches no action in the catalog${hint ? ` (did you mean ${category ? `${category}:` : ""}${hint}?)` : ""}; ` +
      "see `apicred action list`",
    "invalid_grant",
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

/** Sort key: `*` first, then category wildcards, then patterns, then actions, each alphabetically. */
export function compareGrants(a: string, b: string): number {
  const rank = (g: string) => (g === EVERYTHING ? 0 : g.endsWith(WILDCARD_SUFFIX) ? 1 : g.includes(EVERYTHING) ? 2 : 3);
  return rank(a) - rank(b) || a.localeCompare(b);
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

/** The catalog actions a grant allows now, sorted by name (how `role show` expands a pattern). */
export function expandGrant(catalog: Catalog, grant: string): string[] {
  const g = compileGrant(grant);
  const out: string[] = [];
  for (const a of catalog.actions.values()) if (allows(g, asciiLower(a.name), asciiLower(a.category))) out.push(a.name);
  return out.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** Does the grant still name something in the catalog (`*`, a known category, a known action, a pattern matching one)? */
export function grantInCatalog(catalog: Catalog, grant: string): boolean {
  if (grant === EVERYTHING) return true;
  if (isPattern(grant)) return expandGrant(catalog, grant).length > 0;
  const category = wildcardCategory(grant);
  return category !== undefined ? findCategory(catalog, category) !== undefined : findAction(catalog, grant) !== undefined;
}

/** The category of a `Category:*` grant, else undefined. */
export function wildcardCategory(grant: string): string | undefined {
  return grant !== EVERYTHING && grant.endsWith(WILDCARD_SUFFIX) ? grant.slice(0, -WILDCARD_SUFFIX.length) : undefined;
}

/** A grant prepared for matching: what it covers, lower-cased once. */
interface CompiledGrant {
  grant: string;
  kind: "everything" | "category" | "action" | "pattern";
  /** The lower-case category or action name ("" for everything; a pattern's category or ""). */
  key: string;
  /** Patterns only, compiled once per store read: the name part, anchored, `*` as `.*`. */
  re?: RegExp;
}

function compileGrant(grant: string): CompiledGrant {
  if (grant === EVERYTHING) return { grant, kind: "everything", key: "" };
  if (grant.endsWith(WILDCARD_SUFFIX)) return { grant, kind: "category", key: asciiLower(grant.slice(0, -WILDCARD_SUFFIX.length)) };
  if (!grant.includes(EVERYTHING)) return { grant, kind: "action", key: asciiLower(grant) };
  // Only patterns pay for a RegExp. Names are [A-Za-z0-9_] (checked on input), so nothing but `*`
  // needs escaping; still, escape everything else in case a hand-edited store holds odd text.
  const colon = grant.lastIndexOf(":");
  const name = asciiLower(grant.slice(colon + 1));
  const source = name.split(EVERYTHING).map((part) => part.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")).join(".*");
  return { grant, kind: "pattern", key: colon < 0 ? "" : asciiLower(grant.slice(0, colon)), re: new RegExp(`^${source}$`) };
}

/**
 * The one matching rule: `*` allows every action, `Category:*` every action of that category
 * (custom actions added to it later included), a name that action only. Compared case-insensitively,
 * so a grant stays effective whatever spelling the catalog uses.
 */
function allows(g: CompiledGrant, lowerName: string, lowerCategory: string): boolean {
  if (g.kind === "pattern") return (g.key === "" || g.key === lowerCategory) && g.re!.test(lowerName);
  return g.kind === "everything" || g.key === (g.kind === "category" ? lowerCategory : lowerName);
}

/** Does this grant allow this catalog action? */
export function grantAllows(grant: string, action: CatalogAction): boolean {
  return allows(compileGrant(grant), asciiLower(action.name), asciiLower(action.category));
}

export interface GrantMatch {
  /** The role's name. */
  role: string;
  /** The grant, as stored. */
  grant: string;
}

/** Roles by internal id, with their grants prepared for matching: build once per store read. */
export type RoleIndex = ReadonlyMap<string, { name: string; grants: readonly CompiledGrant[] }>;

export function roleIndex(roles: readonly Role[]): RoleIndex {
  return new Map(roles.map((r) => [r.id, { name: r.name, grants: r.grants.map(compileGrant) }]));
}

/**
 * Every (role, grant) among a credential's roles that allows the action, in the credential's role
 * order then the role's grant order. Ids of roles that no longer exist are skipped. Empty = denied.
 */
export function matchedGrants(roleIds: readonly string[], roles: RoleIndex, action: CatalogAction): GrantMatch[] {
  const out: GrantMatch[] = [];
  const lowerName = asciiLower(action.name);
  const lowerCategory = asciiLower(action.category);
  for (const id of roleIds) {
    const role = roles.get(id);
    if (!role) continue;
    for (const g of role.grants) if (allows(g, lowerName, lowerCategory)) out.push({ role: role.name, grant: g.grant });
  }
  return out;
}

/** How many catalog actions a set of grants allows right now. */
export function allowedActionCount(catalog: Catalog, grants: readonly string[]): number {
  let n = 0;
  for (const action of catalog.actions.values()) if (grants.some((g) => grantAllows(g, action))) n++;
  return n;
}

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
