// Tables on a terminal, kubectl-style: an upper-case header, then one line per row, columns two spaces
// apart and no box (a box costs 3 columns per column, which at 80 columns cut identifiers), sized to
// the terminal's width; a cell too long for its column is cut with an ellipsis. Piped output never
// comes here (tab-separated rows, whole), so nothing a script reads is ever cut. This file decides the
// widths; cli-table3 lays the cells out (padding and cutting by display width, colour codes kept).
import Table from "cli-table3";
import displayWidth from "string-width";

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

/** No box: every border blank, two spaces between columns. */
const CHARS = {
  top: "", "top-mid": "", "top-left": "", "top-right": "",
  bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
  left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "",
  middle: GAP,
};

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
  const table = new Table({
    head,
    chars: CHARS,
    // Colours are ours (Output renders them); cli-table3 adds none.
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
    colWidths: widths.map((w) => Math.max(1, w)),
    wordWrap: false,
    truncate: "…",
  });
  table.push(...rows.map((r) => head.map((_, i) => r[i] ?? "")));
  // The last column is padded by cli-table3: no trailing blanks for a terminal to wrap.
  return table.toString().split("\n").map((line) => line.trimEnd()).join("\n");
}
