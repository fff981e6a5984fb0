// The keyed diff every section planner uses: store items by key, the ones the document does not list
// (removed with --prune, else kept), and the fields that differ between a store item and its target.
import type { FieldChange } from "./types.js";

export function byKey<S>(items: readonly S[], keyOf: (item: S) => string): Map<string, S> {
  return new Map(items.map((item) => [keyOf(item), item]));
}

/** Store items whose key the document does not list. */
export function unlisted<S>(items: readonly S[], keyOf: (item: S) => string, listed: { has(key: string): boolean }): S[] {
  return items.filter((item) => !listed.has(keyOf(item)));
}

/** One entry per field: [field, from, to, same?]; `same` defaults to strict equality. */
export type FieldCompare = [field: string, from: unknown, to: unknown, same?: boolean];

export function changedFields(compares: readonly FieldCompare[]): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, from, to, same] of compares) if (!(same ?? from === to)) out.push({ field, from, to });
  return out;
}
