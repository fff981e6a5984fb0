// The store document as table rows, and the difference between two documents as the rows to
// delete, update and insert. A write runs the core mutation on the whole in-memory document (the
// core stays pure and backend-blind) and then sends only what changed: one statement per table and
// kind of change, whatever the number of rows (the rows travel as one JSON array of arrays, which
// json_array_elements() turns back into rows), so 100,000 new credentials are one INSERT, not 100,000.
// JSON rather than SQL array parameters: node-postgres serialises a 100,000-element array in seconds.
import type { StoreDoc } from "../../core/types.js";
import type { Client } from "./pg-impl.js";
import { SCHEMA } from "./schema.js";

interface Column {
  name: string;
  /** The column's SQL type ("json": a JSON value, e.g. a list, taken as it is). */
  type: "text" | "boolean" | "bigint" | "integer" | "json";
  /** How the value becomes the column's value (default: as it is). */
  expr?: (value: string) => string;
}

export interface Table {
  name: string;
  columns: Column[];
  /** The first `keys` columns are the primary key. */
  keys: number;
  /** The rows, without `pos` for ordered tables. */
  rows: (doc: StoreDoc) => unknown[][];
  /** The document list this table keeps in order (a `pos` column, appended as the last column). */
  ordered?: "admins" | "actions" | "roles" | "credentials" | "ipAllowlist";
}

const text = (name: string): Column => ({ name, type: "text" });
const pos: Column = { name: "pos", type: "bigint" };

/** In dependency order: parents before the rows that refer to them. */
export const TABLES: readonly Table[] = [
  {
    name: "admins",
    columns: [text("id"), text("username"), { name: "disabled", type: "boolean" }, text("created_at"), pos],
    keys: 1,
    ordered: "admins",
    rows: (d) => d.admins.map((a) => [a.id, a.username, a.disabled, a.createdAt]),
  },
  {
    name: "actions",
    columns: [text("name"), text("category"), text("created_at"), pos],
    keys: 1,
    ordered: "actions",
    rows: (d) => d.actions.map((a) => [a.name, a.category, a.createdAt]),
  },
  {
    name: "roles",
    columns: [
      text("id"), text("name"), text("description"),
      { name: "grants", type: "json", expr: (v) => `ARRAY(SELECT json_array_elements_text(${v}))` },
      text("created_at"), pos,
    ],
    keys: 1,
    ordered: "roles",
    rows: (d) => d.roles.map((r) => [r.id, r.name, r.description, r.grants, r.createdAt]),
  },
  {
    name: "credentials",
    columns: [
      text("identifier"), text("name"), text("admin_id"), text("description"), text("expires_at"), text("created_at"),
      text("secret_hash"), text("previous_hash"), text("previous_until"), text("rotated_at"),
      { name: "disabled", type: "boolean" }, pos,
    ],
    keys: 1,
    ordered: "credentials",
    rows: (d) =>
      d.credentials.map((c) => [
        c.identifier, c.name, c.adminId, c.description, c.expiresAt, c.createdAt,
        c.secretHash, c.previousSecret?.hash ?? null, c.previousSecret?.until ?? null, c.rotatedAt, c.disabled === true,
      ]),
  },
  {
    name: "credential_roles",
    columns: [text("identifier"), text("role_id"), { name: "pos", type: "integer" }],
    keys: 2,
    rows: (d) => d.credentials.flatMap((c) => c.roleIds.map((id, i) => [c.identifier, id, i])),
  },
  {
    name: "credential_ips",
    columns: [text("identifier"), text("ip"), { name: "pos", type: "integer" }],
    keys: 2,
    rows: (d) => d.credentials.flatMap((c) => c.ips.map((ip, i) => [c.identifier, ip, i])),
  },
  {
    name: "ip_allowlist",
    columns: [text("address"), text("note"), text("added_at"), pos],
    keys: 1,
    ordered: "ipAllowlist",
    rows: (d) => d.ipAllowlist.map((e) => [e.address, e.note, e.addedAt]),
  },
  {
    // Only the policy row is the document's: the 'store' row (the store exists) is never in a diff.
    name: "meta",
    columns: [text("key"), { name: "value", type: "json" }],
    keys: 1,
    rows: (d) => (d.policy ? [["policy", d.policy]] : []),
  },
  {
    name: "access_key",
    columns: [{ name: "id", type: "boolean" }, text("hash"), text("fingerprint"), text("set_at")],
    keys: 1,
    rows: (d) => (d.accessKey ? [[true, d.accessKey.hash, d.accessKey.fingerprint, d.accessKey.setAt]] : []),
  },
];

/** Each ordered list's stored positions, aligned with the loaded document's lists. */
export type Positions = Partial<Record<NonNullable<Table["ordered"]>, number[]>>;

const keyOf = (row: unknown[], keys: number): string => (keys === 1 ? String(row[0]) : row.slice(0, keys).join("\u0000"));

/**
 * Positions for the new list: every surviving row keeps its stored position and new rows go after
 * the last one (so deleting or appending writes only those rows); if the change reordered the list
 * or inserted in the middle, the whole list is renumbered.
 */
function positions(oldKeys: string[], oldPos: number[], newKeys: string[]): number[] {
  const stored = new Map<string, number>();
  let max = -1;
  oldKeys.forEach((k, i) => {
    stored.set(k, oldPos[i]!);
    if (oldPos[i]! > max) max = oldPos[i]!;
  });
  const out: number[] = [];
  let last = -1;
  for (const k of newKeys) {
    const p = stored.get(k);
    if (p === undefined) {
      last = max = Math.max(max, last) + 1;
      out.push(last);
    } else if (p > last) {
      out.push((last = p));
    } else {
      return newKeys.map((_, i) => i);
    }
  }
  return out;
}

/** The rows of one table with their positions, by key. */
function tableRows(table: Table, doc: StoreDoc, pos: Positions, before?: Map<string, string>, oldKeys?: string[]): Map<string, unknown[]> {
  const rows = table.rows(doc);
  if (table.ordered) {
    const keys = rows.map((r) => keyOf(r, table.keys));
    const at = before ? positions(oldKeys ?? [], pos[table.ordered] ?? [], keys) : (pos[table.ordered] ?? keys.map((_, i) => i));
    rows.forEach((r, i) => r.push(at[i]));
  }
  return new Map(rows.map((r) => [keyOf(r, table.keys), r]));
}

/** What the stored rows are, taken before the core mutates the document. */
export interface Before {
  /** Per table: key -> the row as JSON. */
  rows: Map<string, Map<string, string>>;
  /** Per ordered table: the keys in stored order. */
  keys: Map<string, string[]>;
  pos: Positions;
}

export function rowsBefore(doc: StoreDoc, pos: Positions): Before {
  const before: Before = { rows: new Map(), keys: new Map(), pos };
  for (const t of TABLES) {
    const rows = tableRows(t, doc, pos);
    before.rows.set(t.name, new Map([...rows].map(([k, r]) => [k, JSON.stringify(r)])));
    if (t.ordered) before.keys.set(t.name, [...rows.keys()]);
  }
  return before;
}

interface TableChange {
  table: Table;
  deletes: unknown[][];
  updates: unknown[][];
  inserts: unknown[][];
}

export function diff(before: Before, doc: StoreDoc): TableChange[] {
  return TABLES.map((table) => {
    const old = before.rows.get(table.name)!;
    const rows = tableRows(table, doc, before.pos, old, before.keys.get(table.name));
    const change: TableChange = { table, deletes: [], updates: [], inserts: [] };
    for (const [k, row] of rows) {
      const was = old.get(k);
      if (was === undefined) change.inserts.push(row);
      else if (was !== JSON.stringify(row)) change.updates.push(row);
    }
    for (const [k, was] of old) if (!rows.has(k)) change.deletes.push((JSON.parse(was) as unknown[]).slice(0, table.keys));
    return change;
  });
}

/** The rows as one JSON parameter, back as a derived table `alias` with the columns' names and types. */
export function jsonRows(columns: readonly Column[], rows: unknown[][], alias: string): { sql: string; params: string[] } {
  const cells = columns.map((c, i) =>
    c.type === "json" ? `r->${i} AS ${c.name}` : c.type === "text" ? `r->>${i} AS ${c.name}` : `(r->>${i})::${c.type} AS ${c.name}`,
  );
  return { sql: `(SELECT ${cells.join(", ")} FROM json_array_elements($1::json) r) AS ${alias}`, params: [JSON.stringify(rows)] };
}

const value = (c: Column, alias: string) => (c.expr ? c.expr(`${alias}.${c.name}`) : `${alias}.${c.name}`);

/** Sends the changes: deletes (children first), then updates and inserts (parents first). */
export async function writeChanges(client: Client, changes: TableChange[]): Promise<void> {
  for (const { table, deletes } of [...changes].reverse()) {
    if (deletes.length === 0) continue;
    const keys = table.columns.slice(0, table.keys);
    const u = jsonRows(keys, deletes, "d");
    const match = keys.map((c) => `t.${c.name} = d.${c.name}`).join(" AND ");
    await client.query(`DELETE FROM ${SCHEMA}.${table.name} t USING ${u.sql} WHERE ${match}`, u.params);
  }
  for (const { table, updates, inserts } of changes) {
    const cols = table.columns;
    if (updates.length > 0) {
      const u = jsonRows(cols, updates, "n");
      const set = cols.slice(table.keys).map((c) => `${c.name} = ${value(c, "n")}`).join(", ");
      const match = cols.slice(0, table.keys).map((c) => `t.${c.name} = n.${c.name}`).join(" AND ");
      await client.query(`UPDATE ${SCHEMA}.${table.name} t SET ${set} FROM ${u.sql} WHERE ${match}`, u.params);
    }
    if (inserts.length > 0) {
      const u = jsonRows(cols, inserts, "n");
      await client.query(
        `INSERT INTO ${SCHEMA}.${table.name} (${cols.map((c) => c.name).join(", ")}) SELECT ${cols.map((c) => value(c, "n")).join(", ")} FROM ${u.sql}`,
        u.params,
      );
    }
  }
}
