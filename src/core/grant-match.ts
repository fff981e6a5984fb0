// Matching grants against catalog actions: the one matching rule, compiled once per store read for
// the `check` decision engine (which calls it for every decision), and what a grant covers now.
import { type Catalog, type CatalogAction, findAction, findCategory } from "./catalog.js";
import { EVERYTHING, isPattern, WILDCARD_SUFFIX, wildcardCategory } from "./grant-shape.js";
import type { Role } from "./types.js";
import { asciiLower } from "./ascii.js";

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

/** How many catalog actions a set of grants allows right now. */
export function allowedActionCount(catalog: Catalog, grants: readonly string[]): number {
  let n = 0;
  for (const action of catalog.actions.values()) if (grants.some((g) => grantAllows(g, action))) n++;
  return n;
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
