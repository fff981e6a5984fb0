// "did you mean …?" for unknown names: the closest candidate by edit distance, ignoring ASCII case.
// Its cost is bounded whatever the input (SPEC "Fail closed": a few milliseconds at most): a long
// input gets no suggestion, the distance is computed only within a band of the limit, and the total
// work over all candidates has a budget.
import { asciiLower } from "./ascii.js";

/** Inputs longer than this get no suggestion: no name is this long, so it is no typo of one. */
export const MAX_SUGGEST_INPUT = 64;
/**
 * The work allowed over all candidates, in characters folded plus distance-table cells: a few
 * milliseconds at most. Past it the best so far is the answer (a hint, not a search engine).
 */
const BUDGET = 300_000;

/** Edit distance of a and b when it is at most `limit`, else limit + 1 (Ukkonen's band). */
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    let diag = prev[from - 1]!;
    prev[from - 1] = from === 1 ? i : limit + 1;
    let rowMin = prev[from - 1]!;
    for (let j = from; j <= to; j++) {
      const up = prev[j]!;
      const v = Math.min(up + 1, prev[j - 1]! + 1, diag + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      prev[j] = v;
      diag = up;
      if (v < rowMin) rowMin = v;
    }
    if (to < b.length) prev[to + 1] = limit + 1;
    if (rowMin > limit) return limit + 1;
  }
  return Math.min(prev[b.length]!, limit + 1);
}

/** The nearest candidate, or undefined when nothing is close enough to be a plausible typo. */
export function nearest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length === 0 || input.length > MAX_SUGGEST_INPUT) return undefined;
  const needle = asciiLower(input);
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let budget = BUDGET;
  let best: string | undefined;
  let bestScore = limit + 1;
  for (const c of candidates) {
    // Lengths first (folding keeps them): most candidates are ruled out without touching their text.
    const near = Math.abs(c.length - needle.length) <= limit;
    const substring = needle.length >= 3 && c.length >= needle.length && c.length <= MAX_SUGGEST_INPUT * 2;
    if (!near && !substring) continue;
    budget -= c.length;
    if (budget < 0) break;
    const hay = asciiLower(c);
    // A prefix or substring match ("invoices" -> GetInvoices) counts as close.
    let d: number;
    if (substring && hay.includes(needle)) d = hay.length - needle.length > 8 ? 3 : 1;
    else {
      if (!near) continue;
      budget -= needle.length * (2 * limit + 1);
      if (budget < 0) break;
      d = boundedDistance(needle, hay, limit);
    }
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return bestScore <= limit ? best : undefined;
}

export function didYouMean(input: string, candidates: Iterable<string>): string {
  const n = nearest(input, candidates);
  return n ? ` (did you mean ${n}?)` : "";
}
