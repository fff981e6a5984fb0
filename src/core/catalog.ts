// The action catalog: the built-in WHMCS actions plus the store's custom ones. Lookups are
// case-insensitive and always answer with the canonical spelling (SPEC.md rule 2).
import { BUILTIN_CATEGORIES } from "./catalog-data.js";
import { holdsSecret, MASKED_SECRET, quote } from "./echo.js";
import { ConflictError, NotFoundError, UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";
import type { CustomAction } from "./types.js";
import { asciiLower } from "./ascii.js";

export interface CatalogAction {
  name: string;
  category: string;
  custom: boolean;
}

export interface Catalog {
  /** lower-case name -> action */
  readonly actions: ReadonlyMap<string, CatalogAction>;
  /** canonical name -> action: most callers spell an action as the catalog does, and need no lower-casing */
  readonly exact: ReadonlyMap<string, CatalogAction>;
  /** lower-case category -> canonical category */
  readonly categories: ReadonlyMap<string, string>;
}

let builtin: Catalog | undefined;

function builtinCatalog(): Catalog {
  if (builtin) return builtin;
  const actions = new Map<string, CatalogAction>();
  const categories = new Map<string, string>();
  for (const [category, names] of Object.entries(BUILTIN_CATEGORIES)) {
    categories.set(asciiLower(category), category);
    for (const name of names) actions.set(asciiLower(name), { name, category, custom: false });
  }
  builtin = { actions, categories, exact: byCanonicalName(actions) };
  return builtin;
}

export function isBuiltinAction(name: string): boolean {
  return builtinCatalog().actions.has(asciiLower(name));
}

/** The catalog as seen by one store: built-ins plus its custom actions (custom categories included). */
export function buildCatalog(custom: readonly CustomAction[]): Catalog {
  const base = builtinCatalog();
  if (custom.length === 0) return base;
  const actions = new Map(base.actions);
  const categories = new Map(base.categories);
  for (const a of custom) {
    actions.set(asciiLower(a.name), { name: a.name, category: a.category, custom: true });
    if (!categories.has(asciiLower(a.category))) categories.set(asciiLower(a.category), a.category);
  }
  return { actions, categories, exact: byCanonicalName(actions) };
}

function byCanonicalName(actions: ReadonlyMap<string, CatalogAction>): Map<string, CatalogAction> {
  return new Map([...actions.values()].map((a) => [a.name, a]));
}

export function findAction(catalog: Catalog, input: string): CatalogAction | undefined {
  return catalog.exact.get(input) ?? catalog.actions.get(asciiLower(input));
}

export function findCategory(catalog: Catalog, input: string): string | undefined {
  return catalog.categories.get(asciiLower(input));
}

export function requireCategory(catalog: Catalog, input: string): string {
  const found = findCategory(catalog, input);
  if (found) return found;
  throw new NotFoundError(`unknown category ${quote(input)}${didYouMean(input, catalog.categories.values())}`);
}

export function allActionNames(catalog: Catalog): string[] {
  return [...catalog.actions.values()].map((a) => a.name);
}

/** Actions sorted by category, then name (the order `action list` shows). */
export function listActions(catalog: Catalog): CatalogAction[] {
  return [...catalog.actions.values()].sort(
    (a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name),
  );
}

export function listCategories(catalog: Catalog): { name: string; actions: number; custom: number }[] {
  const counts = new Map<string, { name: string; actions: number; custom: number }>();
  for (const cat of catalog.categories.values()) counts.set(cat, { name: cat, actions: 0, custom: 0 });
  for (const a of catalog.actions.values()) {
    const c = counts.get(a.category)!;
    c.actions++;
    if (a.custom) c.custom++;
  }
  return [...counts.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const CATEGORY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/**
 * Validates a new custom action against the catalog. Returns the action to store: the category
 * takes the canonical spelling of an existing category, or becomes a new one.
 */
export function newCustomAction(catalog: Catalog, name: string, category: string, now: string): CustomAction {
  if (holdsSecret(name)) {
    throw new UsageError(`invalid action name: it looks like a secret (${MASKED_SECRET}); a secret never belongs in a name`, "invalid_input");
  }
  if (holdsSecret(category)) {
    throw new UsageError(`invalid category: it looks like a secret (${MASKED_SECRET}); a secret never belongs in a name`, "invalid_input");
  }
  if (!ACTION_NAME.test(name)) {
    throw new UsageError(
      `invalid action name ${quote(name)}: use 1-64 letters, digits or _, starting with a letter (like GetInvoices)`,
      "invalid_input",
    );
  }
  // An existing category is matched as it is spelled in the catalog (built-in ones may hold a space:
  // "Project Management"); only a new category must follow the strict pattern.
  const known = category.length <= 64 ? findCategory(catalog, category) : undefined;
  if (known === undefined && !CATEGORY_NAME.test(category)) {
    throw new UsageError(
      `invalid category ${quote(category)}: a new category takes 1-40 letters, digits, _ or -, starting with a letter${didYouMean(category, catalog.categories.values())}`,
      "invalid_input",
    );
  }
  const existing = findAction(catalog, name);
  if (existing) {
    throw new ConflictError(
      `action ${existing.name} already exists (${existing.custom ? "custom" : "built-in"}, category ${existing.category})`,
    );
  }
  return { name, category: known ?? category, createdAt: now };
}
