// Tables on a terminal, kubectl-style: an upper-case header, then one line per row, columns two spaces
// apart and no box (a box costs 3 columns per column, which at 80 columns cut identifiers), sized to
// the terminal's width; a cell too long for its column is cut with an ellipsis. Piped output never comes here (tab-separated rows,
// whole), so nothing a script reads is ever cut.
import { displayWidth, padEnd, truncate } from "./width.js";

/** Narrowest a column is squeezed to. */
const MIN_COLUMN = 6;
const GAP = "  ";

/**
 * Column widths that fit `total` columns of content: a column narrower than its fair share keeps its
 * natural width, one whose floor (its header) is above the share keeps its floor, the rest share what
 * is left equally. The sum may exceed `total` only when the floors alone do.
 */
export function fitWidths(natural: readonly number[], total: number, floor: readonly number[] = natural.map(() => 0)): number[] {
  const widths = [...natural];
  if (natural.reduce((a, b) => a + b, 0) <= total) return widths;
  let open = natural.map((_, i) => i);
  let left = total;
  for (;;) {
    const share = Math.floor(left / Math.max(1, open.length));
    const fixed = open.filter((i) => natural[i]! <= share || floor[i]! >= share);
    if (fixed.length === 0) {
      let extra = left - share * open.length;
      for (const i of open) widths[i] = share + (extra-- > 0 ? 1 : 0);
      return widths;
    }
    for (const i of fixed) {
      widths[i] = natural[i]! <= share ? natural[i]! : floor[i]!;
      left -= widths[i]!;
    }
    open = open.filter((i) => !fixed.includes(i));
    if (open.length === 0) return widths;
  }
}

/** A header is not cut (nor a column below MIN_COLUMN), unless even those do not fit. */
function floors(head: readonly string[], natural: readonly number[], room: number): number[] {
  const floor = head.map((h, i) => Math.min(natural[i]!, Math.max(MIN_COLUMN, displayWidth(h))));
  return floor.reduce((a, b) => a + b, 0) <= room ? floor : natural.map((w) => Math.min(w, MIN_COLUMN));
}

export function renderTable(head: string[], rows: string[][], columns: number): string {
  const n = head.length;
  const natural = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const room = Math.max(n, columns - GAP.length * (n - 1));
  // The first column names the row (identifier, role, action): kept whole while it takes at most half.
  const keepFirst = n > 1 && natural[0]! <= room / 2;
  const kept = keepFirst ? [natural[0]!] : [];
  const left = room - (keepFirst ? natural[0]! : 0);
  const others = natural.slice(kept.length);
  const widths = [...kept, ...fitWidths(others, left, floors(head.slice(kept.length), others, left))];
  // The last column is not padded: no trailing blanks for a terminal to wrap.
  const line = (cells: readonly string[]) =>
    widths.map((w, i) => (i === n - 1 ? truncate(cells[i] ?? "", w) : padEnd(truncate(cells[i] ?? "", w), w))).join(GAP).trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}
