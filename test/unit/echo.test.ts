// core/echo.ts: what apicred may echo of text it did not write.
import { describe, expect, it } from "vitest";
import { clip, MASKED_SECRET, quote, safe, safeJson, textProblem } from "../../src/core/echo.js";
import { generateSecret } from "../../src/core/secrets.js";

describe("safe", () => {
  it.each([
    ["x\x1b]0;pwned\x07", "x\\x1b]0;pwned\\x07"],
    ["a\nb\tc\rd", "a\\nb\\tc\\rd"],
    ["nul\0 del\x7f", "nul\\x00 del\\x7f"],
    ["csi\u009b2J c1\u0080\u009f", "csi\\x9b2J c1\\x80\\x9f"],
    ["rlo\u202eevil", "rlo\\u202eevil"],
    ["\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u061c", "\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u061c"],
    ["line\u2028para\u2029", "line\\u2028para\\u2029"],
  ])("escapes control, C1 and bidi characters visibly: %j", (input, shown) => {
    expect(safe(input)).toBe(shown);
  });

  it("leaves ordinary text alone, Unicode included, and is idempotent", () => {
    for (const text of ["GetInvoices", "café — ünïcode ✓ 日本", "a\\x1b stays", "apc_deployers", "apc_", "apc_…"]) {
      expect(safe(text)).toBe(text);
      expect(safe(safe(text))).toBe(safe(text));
    }
    expect(safe(safe("x\x1b\u202e"))).toBe(safe("x\x1b\u202e"));
  });

  it("masks anything that looks like a secret, whole or cut short, wherever it sits", () => {
    const secret = generateSecret();
    expect(safe(secret)).toBe(MASKED_SECRET);
    expect(safe(`--${secret}`)).toBe(`--${MASKED_SECRET}`);
    expect(safe(`no role "${secret}" (did you mean x?)`)).toBe(`no role "${MASKED_SECRET}" (did you mean x?)`);
    expect(safe(secret.slice(0, 24))).toBe(MASKED_SECRET);
    expect(safe(`${secret}\x1b`)).toBe(`${MASKED_SECRET}\\x1b`);
  });

  it("shows a secret it is told to keep (the one just generated), and masks any other", () => {
    const [shown, other] = [generateSecret(), generateSecret()];
    expect(safe(`${shown} ${other}`, new Set([shown]))).toBe(`${shown} ${MASKED_SECRET}`);
  });
});

describe("safeJson", () => {
  it("escapes what JSON.stringify leaves raw (DEL, C1, bidi, U+2028/9) without changing what it parses to", () => {
    const value = { a: "del\x7f csi\u009b rlo\u202e ls\u2028 esc\x1b" };
    const text = safeJson(JSON.stringify(value));
    expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("masks secrets unless kept", () => {
    const secret = generateSecret();
    expect(JSON.parse(safeJson(JSON.stringify({ action: secret })))).toEqual({ action: MASKED_SECRET });
    expect(JSON.parse(safeJson(JSON.stringify({ secret }), new Set([secret])))).toEqual({ secret });
  });
});

describe("clip and quote", () => {
  it("keep short values whole", () => {
    expect(clip("a".repeat(80))).toBe("a".repeat(80));
    expect(quote("ops")).toBe('"ops"');
  });

  it("cut a long value at 80 characters and say how many more there were", () => {
    expect(clip("a".repeat(5_000_000))).toBe(`${"a".repeat(80)}…(4999920 more)`);
    expect(quote("b".repeat(100))).toBe(`"${"b".repeat(80)}…(20 more)"`);
  });

  it("never split a surrogate pair, and count characters, not UTF-16 units", () => {
    const text = `${"a".repeat(79)}${"😀".repeat(10)}`;
    expect(clip(text)).toBe(`${"a".repeat(79)}…(10 more)`);
  });
});

describe("textProblem (descriptions and notes)", () => {
  it.each([
    ["two\nlines", /a line break \(\\n\) at character 4/],
    ["cr\r", /a line break \(\\r\) at character 3/],
    ["tab\there", /a control character \(\\t\) at character 4/],
    ["esc\x1b[31m", /a control character \(\\x1b\) at character 4/],
    ["c1\u009b", /a control character \(\\x9b\)/],
    ["😀\u202e", /a control character \(\\u202e\) at character 2/],
    ["isolate\u2066", /\\u2066/],
    ["ls\u2028", /a line break \(\\u2028\)/],
    ["del\x7f", /\\x7f/],
  ])("refuses %j", (text, why) => {
    expect(textProblem(text)).toMatch(why);
  });

  it("refuses a pasted secret, naming it masked", () => {
    const problem = textProblem(`deploy key ${generateSecret()}`);
    expect(problem).toMatch(/looks like a secret \(apc_…\)/);
  });

  it("accepts one line of plain text, Unicode included", () => {
    for (const text of ["", "billing team — café ✓", "apc_deployers", "see `apicred help`"]) expect(textProblem(text)).toBeUndefined();
  });
});
