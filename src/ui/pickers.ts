// Interactive pickers for roles and credentials. The choice lists are built by plain functions (tested
// on their own and through @inquirer/testing); the prompt library is loaded only when one is shown.
import type { Catalog } from "../core/catalog.js";
import { listActions } from "../core/catalog.js";
import { safe } from "../core/echo.js";
import { EVERYTHING, compareGrants, grantInCatalog, isPattern } from "../core/grants.js";
import type { StoreDoc } from "../core/types.js";
import { type Prompter, PromptSeparator } from "./prompts.js";
import { asciiLower } from "../core/ascii.js";
import { foldGrants } from "../core/grant-fold.js";

export interface PickerChoice<V = string> {
  value: V;
  name: string;
  checked?: boolean;
  /** What the prompt shows for this choice once answered. */
  short?: string;
  disabled?: boolean | string;
  description?: string;
}

/** A heading line between groups of choices. */
export interface PickerHeading {
  heading: string;
}

export type PickerItem<V = string> = PickerChoice<V> | PickerHeading;

export function isHeading<V>(item: PickerItem<V>): item is PickerHeading {
  return "heading" in item;
}

/**
 * The grant picker's items: `*` first, then one group per category — its `Category:*` entry first
 * (select-all for that category, which also covers actions added to it later), then its actions —
 * and last, grants the role holds that no longer name a catalog action, so they are kept unless
 * unticked. Everything in `current` starts ticked.
 */
export function grantPickerItems(catalog: Catalog, current: readonly string[]): PickerItem[] {
  const held = new Set(current);
  const items: PickerItem[] = [
    { heading: "Everything" },
    { value: EVERYTHING, name: "* (every action, including ones added later)", short: EVERYTHING, checked: held.has(EVERYTHING) },
  ];
  const byCategory = new Map<string, string[]>();
  for (const action of listActions(catalog)) {
    const list = byCategory.get(action.category);
    const label = action.custom ? `${action.name} (custom)` : action.name;
    if (list) list.push(label);
    else byCategory.set(action.category, [label]);
  }
  const offered = new Set<string>();
  for (const [category, actions] of byCategory) {
    const wildcard = `${category}:*`;
    items.push({ heading: `${category} (${actions.length})` });
    items.push({ value: wildcard, name: `${wildcard} (all ${category} actions)`, short: wildcard, checked: held.has(wildcard) });
    // Read-only, Stripe-style: every Get… action of the category, also ones added later.
    const readOnly = `${category}:Get*`;
    const reads = actions.filter((a) => a.startsWith("Get")).length;
    if (reads > 0) {
      offered.add(readOnly);
      items.push({ value: readOnly, name: `${readOnly} (read-only: the ${reads} Get… actions)`, short: readOnly, checked: held.has(readOnly) });
    }
    for (const label of actions) {
      const name = label.replace(/ \(custom\)$/, "");
      items.push({ value: name, name: label, checked: held.has(name) });
    }
  }
  // Other patterns the role holds (`Get*`, `*Invoice*`) are kept ticked, or saving would drop them.
  const patterns = current.filter((g) => isPattern(g) && !offered.has(g) && grantInCatalog(catalog, g)).sort(compareGrants);
  if (patterns.length > 0) {
    items.push({ heading: "Patterns" });
    for (const g of patterns) items.push({ value: g, name: g, checked: true });
  }
  const orphans = current.filter((g) => !grantInCatalog(catalog, g)).sort(compareGrants);
  if (orphans.length > 0) {
    items.push({ heading: "No longer in the catalog" });
    for (const g of orphans) items.push({ value: g, name: g, checked: true });
  }
  return items;
}

/**
 * Admins to pick from for a new credential: enabled ones first (the cursor starts on the first), then
 * disabled ones, shown but not selectable.
 */
export function adminPickerItems(doc: StoreDoc): PickerChoice[] {
  return [...doc.admins]
    .sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.username.localeCompare(b.username))
    .map((a) => (a.disabled ? { value: a.username, name: a.username, disabled: "(disabled)" } : { value: a.username, name: a.username }));
}

/** Roles to pick from for a credential, with their descriptions; `current` starts ticked. */
export function rolePickerItems(doc: StoreDoc, current: readonly string[] = []): PickerChoice[] {
  const held = new Set(current.map((n) => asciiLower(n)));
  return [...doc.roles]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({
      value: r.name,
      name: r.grants.length ? `${r.name} (${r.grants.join(", ")})` : `${r.name} (no grants)`,
      checked: held.has(asciiLower(r.name)),
      ...(r.description ? { description: r.description } : {}),
    }));
}

type SeparatorClass = new (text?: string) => unknown;

/**
 * A choice as the prompt shows it: what is displayed escaped and masked as all output is (the store
 * may hold anything); the value stays as it is.
 */
export function shownChoice<V>(choice: PickerChoice<V>): PickerChoice<V> {
  const out: PickerChoice<V> = { ...choice, name: safe(choice.name) };
  if (choice.short !== undefined) out.short = safe(choice.short);
  if (choice.description !== undefined) out.description = safe(choice.description);
  if (typeof choice.disabled === "string") out.disabled = safe(choice.disabled);
  return out;
}

/** Picker items as inquirer choices (headings become Separators). */
export function toChoices<V>(items: readonly PickerItem<V>[], Separator: SeparatorClass): unknown[] {
  return items.map((item) => (isHeading(item) ? new Separator(`── ${safe(item.heading)} ──`) : shownChoice(item)));
}

/** The checkbox config of the grant picker (exported so tests can render it with @inquirer/testing). */
export function grantPickerConfig(catalog: Catalog, current: readonly string[], message: string, Separator: SeparatorClass) {
  return {
    message: safe(message),
    choices: toChoices(grantPickerItems(catalog, current), Separator) as never,
    pageSize: 20,
    loop: false,
  };
}

/** Shows the grant picker on stderr; returns the ticked grants folded (a whole category as Category:*). */
export async function pickGrants(prompter: Prompter, catalog: Catalog, current: readonly string[], message: string): Promise<string[]> {
  // Filterable: typing narrows 162 actions to the few wanted.
  const picked = await prompter.checkbox<string>({ ...grantPickerConfig(catalog, current, message, PromptSeparator), filter: true });
  return foldGrants(catalog, picked);
}

export async function pickAdmin(prompter: Prompter, doc: StoreDoc): Promise<string> {
  return prompter.select<string>({ message: "Admin the credential authenticates as", choices: adminPickerItems(doc).map(shownChoice) as never });
}

export async function pickRoles(prompter: Prompter, doc: StoreDoc, current: readonly string[] = []): Promise<string[]> {
  return prompter.checkbox<string>({
    message: "Roles (space to toggle, enter to confirm)",
    choices: rolePickerItems(doc, current).map(shownChoice) as never,
    pageSize: 15,
    loop: false,
  });
}
