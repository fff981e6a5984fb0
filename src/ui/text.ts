// Small wording helpers for human output.

/** "1 role", "3 roles", "2 entries" (give `many` when adding "s" is wrong). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
