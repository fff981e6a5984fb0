import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import {
  isDuration,
  MAX_DURATION_MS,
  parseDateTime,
  parseDuration,
  parseSince,
  parseWhen,
} from "../../src/core/durations.js";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("parseDuration", () => {
  it.each([
    ["30s", 30 * S],
    ["30m", 30 * M],
    ["12h", 12 * H],
    ["90d", 90 * D],
    ["2w", 14 * D],
    ["1y", 365 * D],
    ["1d12h", D + 12 * H],
    ["1w2d3h4m5s", 7 * D + 2 * D + 3 * H + 4 * M + 5 * S],
    ["0d", 0],
    ["90D", 90 * D],
    [" 12h ", 12 * H],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(isDuration(text)).toBe(true);
  });

  it.each(["", "d", "90", "90x", "-1d", "1.5h", "h12", "90 d", "P90D", "1d 2h", "2026-01-01", "ninety days"])(
    "rejects %j with exit 2",
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
      expect(isDuration(text)).toBe(false);
    },
  );

  it("names the flag and gives examples", () => {
    expect(() => parseDuration("soon", "--grace")).toThrow(/--grace: invalid duration "soon".*90d/);
  });

  it("refuses absurdly long durations instead of overflowing Date", () => {
    expect(parseDuration("1000y")).toBe(MAX_DURATION_MS);
    expect(() => parseDuration("1001y")).toThrow(/too long/);
    expect(() => parseDuration("99999999999999999999d")).toThrow(/too long/);
  });
});

describe("parseDateTime", () => {
  it.each([
    ["2030-01-31", "2030-01-31T00:00:00.000Z"],
    ["2030-01-31T18:00Z", "2030-01-31T18:00:00.000Z"],
    ["2030-01-31T18:00:05Z", "2030-01-31T18:00:05.000Z"],
    ["2030-01-31T18:00:05.123Z", "2030-01-31T18:00:05.123Z"],
    ["2030-01-31 18:00Z", "2030-01-31T18:00:00.000Z"],
    ["2030-01-31T18:00+02:00", "2030-01-31T16:00:00.000Z"],
    ["2030-01-31T18:00+0200", "2030-01-31T16:00:00.000Z"],
    ["2030-01-31T18:00-05:30", "2030-01-31T23:30:00.000Z"],
    ["2028-02-29", "2028-02-29T00:00:00.000Z"],
  ])("%s = %s", (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  it("reads a date/time without a zone as local time", () => {
    expect(parseDateTime("2030-06-01T12:30").getTime()).toBe(new Date(2030, 5, 1, 12, 30).getTime());
  });

  it.each([
    "2030-13-01",
    "2030-00-10",
    "2030-02-30",
    "2029-02-29",
    "2030-04-31",
    "2030-01-01T24:00Z",
    "2030-01-01T12:60Z",
    "2030-01-01T12:00+25:00",
    "2030-1-1",
    "31/01/2030",
    "tomorrow",
    "2030-01-01T12Z",
    "",
  ])("rejects %j with exit 2", (text) => {
    expect(() => parseDateTime(text)).toThrow(UsageError);
  });
});

describe("parseWhen (future) and parseSince (past)", () => {
  const now = new Date("2030-01-01T00:00:00.000Z");

  it.each([
    ["90d", "2030-04-01T00:00:00.000Z"],
    ["12h", "2030-01-01T12:00:00.000Z"],
    ["2w", "2030-01-15T00:00:00.000Z"],
    ["2030-06-01", "2030-06-01T00:00:00.000Z"],
    ["2030-01-01T00:00:01Z", "2030-01-01T00:00:01.000Z"],
  ])("parseWhen(%s) = %s", (text, iso) => {
    expect(parseWhen(text, now).toISOString()).toBe(iso);
  });

  it.each(["2029-12-31", "2030-01-01T00:00:00Z", "0d", "0s"])("parseWhen(%s) is not in the future: exit 2", (text) => {
    expect(() => parseWhen(text, now, "--expires")).toThrow(/--expires: .*not in the future/);
  });

  it.each([
    ["7d", "2029-12-25T00:00:00.000Z"],
    ["1h", "2029-12-31T23:00:00.000Z"],
    ["2029-06-01", "2029-06-01T00:00:00.000Z"],
  ])("parseSince(%s) = %s", (text, iso) => {
    expect(parseSince(text, now).toISOString()).toBe(iso);
  });
});
