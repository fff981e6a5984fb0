// Bulk inserts by COPY … FROM STDIN (pg-copy-streams, in the lazily loaded client bundle): the
// server parses plain tab-separated lines, half the time an INSERT … SELECT over a JSON parameter
// takes for 100,000 credentials. The lines are made in chunks while earlier ones are sent.
import { copyIn } from "./client.js";
import type { Client } from "./pg-impl.js";
import type { Column } from "./rows.js";

const SPECIAL = /[\\\t\n\r]/;
const ESCAPE: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** A value as COPY's text format reads it: \N is NULL; backslash, tab and line breaks escaped. */
function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPE[c]!) : s;
}

/** A list of strings as a PostgreSQL array literal: every element quoted, `"` and `\` escaped. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

function cell(column: Column, value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (column.type === "json") return escapeText(JSON.stringify(value));
  if (column.type === "text[]") return escapeText(arrayLiteral(value as string[]));
  return escapeText(typeof value === "string" ? value : String(value));
}

const CHUNK_ROWS = 2_000;

function* lines(columns: readonly Column[], rows: readonly unknown[][]): Generator<Buffer> {
  const cells: string[] = new Array(columns.length);
  let chunk: string[] = [];
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) cells[i] = cell(columns[i]!, row[i]);
    chunk.push(cells.join("\t"));
    if (chunk.length === CHUNK_ROWS) {
      yield Buffer.from(`${chunk.join("\n")}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield Buffer.from(`${chunk.join("\n")}\n`);
}

/** Inserts `rows` (cells in the order of `columns`) into `table` with one COPY. */
export async function copyRows(client: Client, table: string, columns: readonly Column[], rows: readonly unknown[][]): Promise<void> {
  await copyIn(client, `COPY ${table} (${columns.map((c) => c.name).join(", ")}) FROM STDIN`, lines(columns, rows));
}
