// "3 days ago": a past time, roughly, for human output (JSON keeps the ISO time).
const UNITS: [ms: number, name: string][] = [
  [365 * 86_400_000, "year"],
  [30 * 86_400_000, "month"],
  [7 * 86_400_000, "week"],
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
];

export function ago(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!(ms >= 60_000)) return "just now"; // also a clock a little ahead of this one
  for (const [size, name] of UNITS) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${name}${n === 1 ? "" : "s"} ago`;
    }
  }
  return "just now";
}
