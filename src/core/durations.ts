// Durations (`90d`, `12h`, `2w`, `1w2d`) and points in time (`WHEN`: an ISO-8601 date/time or a
// duration from now). Shared by `credential create --expires`, `rotate --grace`, `list --expiring`
// and `audit --since`. Every bad value is a UsageError (exit 2) that names the flag when given one.
import { quote } from "./echo.js";
import { UsageError } from "./errors.js";

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 365 * 86_400_000,
};

/** The longest duration accepted: 1000 years (keeps every date well inside what Date can hold). */
export const MAX_DURATION_MS = 1000 * UNIT_MS.y!;

const DURATION = /^(?:\d+[smhdwy])+$/;
const PART = /(\d+)([smhdwy])/g;

// YYYY-MM-DD, optionally followed by T or a space, hh:mm[:ss[.fff]], and an optional Z or ±hh[:]mm.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function label(flag: string | undefined): string {
  return flag ? `${flag}: ` : "";
}

/** True when the text is a duration (`90d`, `1w2d`), false for anything else. */
export function isDuration(text: string): boolean {
  return DURATION.test(text.trim().toLowerCase());
}

/**
 * A duration in milliseconds: one or more `<number><unit>` parts with units s, m (minutes), h, d,
 * w and y (365 days), e.g. `90d`, `12h`, `2w`, `1d12h`. Zero is allowed (`0d`); callers that need
 * a positive duration check it.
 */
export function parseDuration(text: string, flag?: string): number {
  const t = text.trim().toLowerCase();
  if (!DURATION.test(t)) {
    throw new UsageError(
      `${label(flag)}invalid duration ${quote(text)}: use a number and a unit s, m, h, d, w or y, e.g. 90d, 12h, 2w, 1d12h`,
      "invalid_input",
    );
  }
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) {
    ms += Number(n) * UNIT_MS[unit!]!;
    if (!(ms <= MAX_DURATION_MS)) {
      throw new UsageError(`${label(flag)}duration ${quote(text)} is too long (at most 1000 years)`, "invalid_input");
    }
  }
  return ms;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An ISO-8601 date or date/time. A date alone is midnight UTC of that day; a date/time without a
 * zone is local time (as in JavaScript and most tools); `Z` or an offset pins it.
 */
export function parseDateTime(text: string, flag?: string): Date {
  const t = text.trim();
  const m = ISO.exec(t);
  const bad = (why: string): never => {
    throw new UsageError(
      `${label(flag)}invalid date/time ${quote(text)}: ${why} (use e.g. 2026-01-31, 2026-01-31T18:00Z or a duration like 90d)`,
      "invalid_input",
    );
  };
  if (!m) return bad("not an ISO-8601 date/time or a duration");
  const [, y, mo, d, hh, mi, ss] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) bad(`month ${mo} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) bad(`day ${d} does not exist in ${y}-${mo}`);
  if (hh !== undefined && (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 59)) bad("the time is out of range");
  const offset = m[8];
  if (offset && offset.toUpperCase() !== "Z") {
    const digits = offset.replace(":", "");
    if (Number(digits.slice(1, 3)) > 23 || Number(digits.slice(3, 5)) > 59) bad(`the offset ${offset} is out of range`);
  }
  // Normalise to the form Date.parse reads reliably (T separator, colon in the offset).
  let normal = t.replace(" ", "T");
  if (offset && offset.toUpperCase() !== "Z" && !offset.includes(":")) {
    normal = `${normal.slice(0, -offset.length)}${offset.slice(0, 3)}:${offset.slice(3)}`;
  }
  const date = new Date(normal);
  if (Number.isNaN(date.getTime())) bad("it cannot be read as a date");
  return date;
}

/**
 * `WHEN` for expiries: an ISO-8601 date/time, or a duration from `now`. It must lie in the future;
 * a time in the past (or now) is a usage error.
 */
export function parseWhen(text: string, now: Date, flag?: string): Date {
  const when = isDuration(text) ? new Date(now.getTime() + parseDuration(text, flag)) : parseDateTime(text, flag);
  if (when.getTime() <= now.getTime()) {
    throw new UsageError(
      `${label(flag)}${when.toISOString()} (${quote(text)}) is not in the future; give a later date/time or a duration like 90d`,
      "invalid_input",
    );
  }
  return when;
}

/** `--since` style: an ISO-8601 date/time, or a duration back from `now` (`7d` = seven days ago). */
export function parseSince(text: string, now: Date, flag?: string): Date {
  return isDuration(text) ? new Date(now.getTime() - parseDuration(text, flag)) : parseDateTime(text, flag);
}
