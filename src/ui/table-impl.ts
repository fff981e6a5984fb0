// cli-table3 rendering, loaded only when a table is drawn on a terminal (it costs ~20 ms to load).
import Table from "cli-table3";

export function renderTable(head: string[], rows: string[][]): string {
  // The default style colours headers even when piped; colour is ours to decide.
  const table = new Table({ head, style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push(row);
  return table.toString();
}
