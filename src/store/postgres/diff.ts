// What a change wrote: the stored rows (as the load read them) against the document after the core
// mutation, as the rows to delete, update and insert per table. Cheap when little changed, which is
// what a write on a large store usually is:
// - Rows are compared cell by cell through one scratch row: an unchanged item allocates nothing.
// - The stored rows are in list order, so the items that kept their place are matched by index; a
//   map by key is built only for the rows after the first item that moved, was added or was removed.
// - A credential's role ids and IPs are compared as lists; rows are diffed only for a list that
//   differs (or whose credential is gone).
import type { Credential, StoreDoc } from "../../core/types.js";
import { type Column, type StoredRows, type Table, type TableChange, TABLES } from "./rows.js";

type Row = unknown[];

/** Whether a column's cells are kept as JSON text in the stored rows (see StoredRows). */
const isJson = (column: Column): boolean => column.type === "json" || column.type === "text[]";

/** Whether stored row `was` differs from `row` in any column from `from` on. */
function differs(json: readonly boolean[], from: number, was: Row, row: Row): boolean {
  for (let j = from; j < json.length; j++) {
    const cell = row[j];
    if (was[j] !== (json[j] ? JSON.stringify(cell) : (cell ?? null))) return true;
  }
  return false;
}

/**
 * Positions for the new list: every surviving row keeps its stored position and new rows go after
 * the last one (so deleting or appending writes only those rows); if the change reordered the list
 * or inserted in the middle, the whole list is renumbered. `storedAt(k)`: item k's stored row.
 */
function positions(stored: Row[], column: number, count: number, storedAt: (k: number) => Row | undefined): number[] {
  let max = -1;
  for (const row of stored) if ((row[column] as number) > max) max = row[column] as number;
  const out = new Array<number>(count);
  let last = -1;
  for (let k = 0; k < count; k++) {
    const p = storedAt(k)?.[column] as number | undefined;
    if (p === undefined) out[k] = last = max = Math.max(max, last) + 1;
    else if (p > last) out[k] = last = p;
    else return Array.from({ length: count }, (_, i) => i);
  }
  return out;
}

function diffItems(table: Table, stored: Row[], doc: StoreDoc): TableChange {
  const change: TableChange = { table, deletes: [], updates: [], inserts: [] };
  const { columns } = table;
  const json = columns.map(isJson);
  const last = columns.length - 1;
  const items = table.list(doc);
  const scratch: Row = new Array(columns.length);
  const keyAt = (k: number): string => {
    table.fill(items[k], scratch);
    return scratch[0] as string;
  };
  // Items still at their stored index (compared on the way, as if they keep their positions), then
  // a map for the rest.
  let aligned = 0;
  const alignedUpdates: Row[] = [];
  for (; aligned < items.length && aligned < stored.length; aligned++) {
    const was = stored[aligned]!;
    if (keyAt(aligned) !== was[0]) break;
    if (table.ordered) scratch[last] = was[last];
    if (differs(json, table.keys, was, scratch)) alignedUpdates.push(scratch.slice());
  }
  const rest = new Map<string, Row>();
  for (let k = aligned; k < stored.length; k++) rest.set(stored[k]![0] as string, stored[k]!);
  const storedAt = (k: number): Row | undefined => (k < aligned ? stored[k] : rest.get(keyAt(k)));
  const at = table.ordered ? positions(stored, last, items.length, storedAt) : undefined;
  // Unless the list was renumbered, the aligned items kept their positions: compared already.
  let renumbered = false;
  for (let k = 0; at && k < aligned && !renumbered; k++) renumbered = at[k] !== stored[k]![last];
  const start = renumbered ? 0 : aligned;
  if (!renumbered) change.updates.push(...alignedUpdates);
  let matched = 0;
  for (let k = start; k < items.length; k++) {
    const was = storedAt(k);
    table.fill(items[k], scratch);
    if (at) scratch[last] = at[k];
    if (was === undefined) change.inserts.push(scratch.slice());
    else {
      if (k >= aligned) matched++;
      if (differs(json, table.keys, was, scratch)) change.updates.push(scratch.slice());
    }
  }
  if (matched < rest.size) {
    const kept = new Set<string>();
    for (let k = aligned; k < items.length; k++) kept.add(keyAt(k));
    for (const [key, was] of rest) if (!kept.has(key)) change.deletes.push([was[0]]);
  }
  return change;
}

/** Rows [identifier, value, pos] of one credential's list: those to delete, update and insert. */
function diffList(identifier: string, was: Row[], list: readonly string[], change: TableChange): void {
  const old = new Map(was.map((r) => [r[1] as string, r]));
  list.forEach((value, pos) => {
    const row = old.get(value);
    old.delete(value);
    if (row === undefined) change.inserts.push([identifier, value, pos]);
    else if (row[2] !== pos) change.updates.push([identifier, value, pos]);
  });
  for (const value of old.keys()) change.deletes.push([identifier, value]);
}

/** Stored rows [from, to) are exactly `list`, in order, at positions 0… */
function sameList(rows: Row[], from: number, to: number, list: readonly string[]): boolean {
  if (to - from !== list.length) return false;
  for (let k = 0; k < list.length; k++) if (rows[from + k]![1] !== list[k] || rows[from + k]![2] !== k) return false;
  return true;
}

/**
 * The stored child rows come in the stored credentials' order (load.ts): while the document's
 * credentials are still in that order, each one's rows are the next ones. From the first credential
 * that moved, was added or was removed, the rest are grouped by identifier.
 */
function diffChildren(table: Table, stored: Row[], doc: StoreDoc, credentials: Row[]): TableChange {
  const change: TableChange = { table, deletes: [], updates: [], inserts: [] };
  const field = table.children!;
  const list = doc.credentials as Credential[];
  let p = 0;
  let k = 0;
  for (; k < list.length && k < credentials.length && list[k]!.identifier === credentials[k]![0]; k++) {
    const c = list[k]!;
    const from = p;
    while (p < stored.length && stored[p]![0] === c.identifier) p++;
    if (!sameList(stored, from, p, c[field])) diffList(c.identifier, stored.slice(from, p), c[field], change);
  }
  const rest = new Map<string, Row[]>();
  for (; p < stored.length; p++) {
    const row = stored[p]!;
    const rows = rest.get(row[0] as string);
    if (rows) rows.push(row);
    else rest.set(row[0] as string, [row]);
  }
  for (; k < list.length; k++) {
    const c = list[k]!;
    const was = rest.get(c.identifier) ?? [];
    rest.delete(c.identifier);
    if (!sameList(was, 0, was.length, c[field])) diffList(c.identifier, was, c[field], change);
  }
  // The lists of credentials that are gone.
  for (const rows of rest.values()) for (const r of rows) change.deletes.push([r[0], r[1]]);
  return change;
}

/** The rows that turn `stored` into `doc`, per table (in TABLES order). */
export function diff(stored: StoredRows, doc: StoreDoc): TableChange[] {
  const credentials = stored.get("credentials") ?? [];
  return TABLES.map((table) =>
    table.children ? diffChildren(table, stored.get(table.name) ?? [], doc, credentials) : diffItems(table, stored.get(table.name) ?? [], doc),
  );
}
