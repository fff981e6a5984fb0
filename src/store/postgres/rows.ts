// The store document as table rows, and the difference between the stored rows and the document as
// the rows to delete, update and insert. A write runs the core mutation on the whole in-memory
// document (the core stays pure and backend-blind) and then sends only what changed: one statement
// per table and kind of change, whatever the number of rows.
// - The stored rows are the ones the load read (load.ts), kept as they came (column order, `pos`
//   last): taking them costs nothing, and comparing cell by cell needs no JSON of 100,000 rows
//   (the comparison itself is diff.ts).
// - Inserts travel by COPY (copy-in.ts): PostgreSQL's fastest way in, half the server time of an
//   INSERT … SELECT over a JSON parameter. Updates and deletes (few, as a rule) travel as one JSON
//   parameter that json_array_elements() turns back into rows (node-postgres serialises a
//   100,000-element array parameter in seconds).
import type { AccessKey, Admin, Credential, CustomAction, IpEntry, Policy, Role, StoreDoc } from "../../core/types.js";
import { copyRows } from "./copy-in.js";
import type { Client } from "./pg-impl.js";
import { SCHEMA } from "./schema.js";

export interface Column {
  name: string;
  /** The column's SQL type ("json": a JSON value taken as it is; "text[]": a list of strings). */
  type: "text" | "boolean" | "bigint" | "integer" | "json" | "text[]";
}

export interface Table {
  name: string;
  columns: Column[];
  /** The first `keys` columns are the primary key. */
  keys: 1 | 2;
  /** The document's items this table stores, one row each (not for `children`). */
  list: (doc: StoreDoc) => readonly unknown[];
  /** An item's cells, written into `out` (no `pos`; a scratch row, so comparing allocates nothing). */
  fill: (item: any, out: unknown[]) => void;
  /** The document list this table keeps in order (a `pos` column, the last column). */
  ordered?: "admins" | "actions" | "roles" | "credentials" | "ipAllowlist";
  /** A credential's list this table keeps, one row [identifier, value, pos] per element. */
  children?: "roleIds" | "ips";
}

const text = (name: string): Column => ({ name, type: "text" });
const pos: Column = { name: "pos", type: "bigint" };
const set = (out: unknown[], ...cells: unknown[]) => {
  for (let i = 0; i < cells.length; i++) out[i] = cells[i];
};
const none = () => [];

/** In dependency order: parents before the rows that refer to them. */
export const TABLES: readonly Table[] = [
  {
    name: "admins",
    columns: [text("id"), text("username"), { name: "disabled", type: "boolean" }, text("created_at"), pos],
    keys: 1,
    ordered: "admins",
    list: (d) => d.admins,
    fill: (a: Admin, out) => set(out, a.id, a.username, a.disabled, a.createdAt),
  },
  {
    name: "actions",
    columns: [text("name"), text("category"), text("created_at"), pos],
    keys: 1,
    ordered: "actions",
    list: (d) => d.actions,
    fill: (a: CustomAction, out) => set(out, a.name, a.category, a.createdAt),
  },
  {
    name: "roles",
    columns: [text("id"), text("name"), text("description"), { name: "grants", type: "text[]" }, text("created_at"), pos],
    keys: 1,
    ordered: "roles",
    list: (d) => d.roles,
    fill: (r: Role, out) => set(out, r.id, r.name, r.description, r.grants, r.createdAt),
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
    list: (d) => d.credentials,
    fill: (c: Credential, out) => {
      out[0] = c.identifier;
      out[1] = c.name;
      out[2] = c.adminId;
      out[3] = c.description;
      out[4] = c.expiresAt;
      out[5] = c.createdAt;
      out[6] = c.secretHash;
      out[7] = c.previousSecret?.hash ?? null;
      out[8] = c.previousSecret?.until ?? null;
      out[9] = c.rotatedAt;
      out[10] = c.disabled === true;
    },
  },
  {
    name: "credential_roles",
    columns: [text("identifier"), text("role_id"), { name: "pos", type: "integer" }],
    keys: 2,
    children: "roleIds",
    list: none,
    fill: none,
  },
  {
    name: "credential_ips",
    columns: [text("identifier"), text("ip"), { name: "pos", type: "integer" }],
    keys: 2,
    children: "ips",
    list: none,
    fill: none,
  },
  {
    name: "ip_allowlist",
    columns: [text("address"), text("note"), text("added_at"), pos],
    keys: 1,
    ordered: "ipAllowlist",
    list: (d) => d.ipAllowlist,
    fill: (e: IpEntry, out) => set(out, e.address, e.note, e.addedAt),
  },
  {
    // Only the policy row is the document's: the 'store' row (the store exists) is never in a diff.
    name: "meta",
    columns: [text("key"), { name: "value", type: "json" }],
    keys: 1,
    list: (d) => (d.policy ? [d.policy] : []),
    fill: (p: Policy, out) => set(out, "policy", p),
  },
  {
    name: "access_key",
    columns: [{ name: "id", type: "boolean" }, text("hash"), text("fingerprint"), text("set_at")],
    keys: 1,
    list: (d) => (d.accessKey ? [d.accessKey] : []),
    fill: (k: AccessKey, out) => set(out, true, k.hash, k.fingerprint, k.setAt),
  },
];

/**
 * The rows as stored, per table name, in the table's column order (`pos` last, as a number), the
 * ordered tables' rows in stored order. Cells of "json" and "text[]" columns are kept as their JSON
 * text: the document gets its own copy of the value, which a change may mutate in place.
 */
export type StoredRows = Map<string, unknown[][]>;

export interface TableChange {
  table: Table;
  deletes: unknown[][];
  updates: unknown[][];
  inserts: unknown[][];
}

/** The rows as one JSON parameter, back as a derived table `alias` with the columns' names and types. */
export function jsonRows(columns: readonly Column[], rows: unknown[][], alias: string): { sql: string; params: string[] } {
  const cells = columns.map((c, i) =>
    c.type === "json" || c.type === "text[]"
      ? `r->${i} AS ${c.name}`
      : c.type === "text" ? `r->>${i} AS ${c.name}` : `(r->>${i})::${c.type} AS ${c.name}`,
  );
  return { sql: `(SELECT ${cells.join(", ")} FROM json_array_elements($1::json) r) AS ${alias}`, params: [JSON.stringify(rows)] };
}

/** A column's value from a jsonRows derived table. */
const value = (c: Column, alias: string) =>
  c.type === "text[]" ? `ARRAY(SELECT json_array_elements_text(${alias}.${c.name}))` : `${alias}.${c.name}`;

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
    if (inserts.length > 0) await copyRows(client, `${SCHEMA}.${table.name}`, cols, inserts);
  }
}
