// Times for people: "3 days ago", "in 2 hours" on a terminal; ISO-8601 when piped or under --json,
// where a script reads them (and "3 days ago" would be a different answer tomorrow).
const UNITS: [ms: number, name: string][] = [
  [365 * 86_400_000, "year"],
  [30 * 86_400_000, "month"],
  [7 * 86_400_000, "week"],
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
];

/** "2 hours ago", "in 3 days", "just now" (under a minute either way); the ISO text if unparsable. */
export function relative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const ms = Math.abs(now - t);
  for (const [size, name] of UNITS) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      const span = `${n} ${name}${n === 1 ? "" : "s"}`;
      return t <= now ? `${span} ago` : `in ${span}`;
    }
  }
  return "just now";
}

/** "3 days ago" — a past time; a clock a little ahead of this one still reads "just now". */
export function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  return t > now ? "just now" : relative(iso, now);
}

/** A time in a table or line: relative on a terminal, ISO when piped (`tty` is the output's). */
export function shownTime(iso: string, tty: boolean, now = Date.now()): string {
  return tty ? relative(iso, now) : iso;
}
