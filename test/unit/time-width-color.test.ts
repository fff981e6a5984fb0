import { describe, expect, it } from "vitest";
import { colorLevel } from "../../src/ui/color.js";
import { fitWidths, renderTable } from "../../src/ui/table-impl.js";
import { ago, relative, shownTime } from "../../src/ui/time.js";

const now = Date.parse("2026-01-10T12:00:00Z");

describe("relative times", () => {
  it("past and future, in the largest whole unit", () => {
    expect(relative("2026-01-10T10:00:00Z", now)).toBe("2 hours ago");
    expect(relative("2026-01-13T12:00:00Z", now)).toBe("in 3 days");
    expect(relative("2026-01-10T12:00:30Z", now)).toBe("just now");
    expect(relative("2025-01-10T12:00:00Z", now)).toBe("1 year ago");
    expect(ago("2026-01-10T12:05:00Z", now)).toBe("just now"); // a clock a little ahead
  });
  it("ISO when not on a terminal", () => {
    expect(shownTime("2026-01-13T12:00:00Z", false, now)).toBe("2026-01-13T12:00:00Z");
    expect(shownTime("2026-01-13T12:00:00Z", true, now)).toBe("in 3 days");
  });
});

describe("tables", () => {
  it("sizes columns by display width: wide characters count two, colour codes none", () => {
    const out = renderTable(["\u001b[1mNAME\u001b[22m", "NOTE"], [["請求", "e\u0301"], ["😀", "x"]], 80);
    expect(out.split("\n")).toEqual(["\u001b[1mNAME\u001b[22m  NOTE", "請求  e\u0301", "😀    x"]);
  });
  it("cuts what does not fit with an ellipsis, by display width, and leaves no trailing blanks", () => {
    const out = renderTable(["ID", "DESCRIPTION"], [["a", "請求書です請求書です"], ["b", "abcdefghijklmnop"]], 14);
    expect(out.split("\n")).toEqual(["ID  DESCRIPTI…", "a   請求書で…", "b   abcdefghi…"]);
  });
  it("fitWidths keeps narrow columns and shares the rest", () => {
    expect(fitWidths([5, 50, 50], 45)).toEqual([5, 20, 20]);
    expect(fitWidths([5, 10], 45)).toEqual([5, 10]);
  });
});

describe("colour", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it("TERM=dumb means none, CLICOLOR_FORCE forces it", () => {
    expect(colorLevel(true, tty, {})).toBe(1);
    expect(colorLevel(true, tty, { TERM: "dumb" })).toBe(0);
    expect(colorLevel(true, pipe, { CLICOLOR_FORCE: "1" })).toBe(1);
    expect(colorLevel(true, pipe, { CLICOLOR_FORCE: "0" })).toBe(0);
    expect(colorLevel(true, pipe, { CLICOLOR_FORCE: "1", NO_COLOR: "1" })).toBe(0);
    expect(colorLevel(false, tty, { CLICOLOR_FORCE: "1" })).toBe(0);
  });
});
