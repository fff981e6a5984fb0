// core/strict-json.ts: parses what JSON.parse parses, the same way, but refuses duplicate keys and
// says where every problem is (line, column, byte offset, JSON path).
import { describe, expect, it } from "vitest";
import { parseStrictJson, StrictJsonError } from "../../src/core/strict-json.js";

function failure(text: string): StrictJsonError {
  try {
    parseStrictJson(text);
  } catch (err) {
    if (err instanceof StrictJsonError) return err;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseStrictJson", () => {
  it.each([
    "0", "-0", "1.5e3", "-12.25E-2", "true", "false", "null", '""', '"a\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
    "[]", "{}", " [1, [2, [3]], {\"a\": {\"b\": null}}] ", '{"a":1,"b":[true,false],"c":{"d":"e"}}',
    '\n\t{ "x" : 1 }\r\n', '"caf\u00e9 \u{1F600}"', '{"__proto__":{"polluted":1}}', '{"a":{"a":{"a":1}}}',
  ])("parses %s as JSON.parse does", (text) => {
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it("keeps __proto__ as an own property, never as the prototype", () => {
    const v = parseStrictJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it("refuses a duplicate key, naming it, its line, column, byte offset and path", () => {
    const e = failure('{"version":1,\n  "admins":[],\n  "admins":[{"username":"x"}]}');
    expect(e).toMatchObject({ problem: "duplicate_key", key: "admins", line: 3, column: 3, path: "(document)" });
    expect(e.message).toBe('duplicate key "admins" at line 3, column 3 (byte 31)');
    const deep = failure('{"roles":[{"name":"a"},{"name":"b","grants":[],"grants":["*"]}]}');
    expect(deep).toMatchObject({ key: "grants", path: "roles[1]" });
    expect(deep.message).toMatch(/ in roles\[1\]$/);
  });

  it("counts the byte offset in UTF-8", () => {
    expect(failure('{"é":1,"é":2}')).toMatchObject({ offset: 7, byteOffset: 8 });
  });

  it("keys that differ only in escapes are the same key", () => {
    expect(failure('{"a":1,"\\u0061":2}').key).toBe("a");
  });

  it.each([
    ["", /unexpected end of input/],
    ["{", /expected a key/],
    ['{"a" 1}', /expected ":"/],
    ['{"a":1,}', /expected a key/],
    ["[1,]", /expected a value/],
    ["[1 2]", /expected "," or "]"/],
    ["01", /unexpected text after/],
    ["1.", /unexpected text after/],
    ["+1", /expected a value/],
    ['"a\nb"', /control character/],
    ['"\\x"', /invalid escape/],
    ['"\\u12"', /4 hex digits/],
    ['"abc', /unterminated string/],
    ["{'a':1}", /expected a key/],
    ["tru", /expected a value/],
    ["NaN", /expected a value/],
    ["[] []", /unexpected text after/],
  ])("refuses %j: %s", (text, message) => {
    const e = failure(text);
    expect(e.problem).toBe("syntax");
    expect(e.message).toMatch(message);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("refuses nesting deeper than maxDepth instead of overflowing the stack", () => {
    expect(failure("[".repeat(100_000)).problem).toBe("too_deep");
    expect(() => parseStrictJson(`${"[".repeat(10)}${"]".repeat(10)}`, { maxDepth: 9 })).toThrow(/nested more than 9/);
    expect(parseStrictJson(`${"[".repeat(10)}${"]".repeat(10)}`, { maxDepth: 10 })).toEqual(JSON.parse(`${"[".repeat(10)}${"]".repeat(10)}`));
  });

  it("parses a 10,000-credential document in well under a second", () => {
    const doc = {
      version: 1,
      credentials: Array.from({ length: 10_000 }, (_, i) => ({ name: `c-${i}`, admin: "ops", description: `d ${i}`, roles: ["a", "b"], ips: ["10.0.0.0/8"], expiresAt: null })),
    };
    const text = JSON.stringify(doc, null, 2);
    const t = performance.now();
    expect(parseStrictJson(text)).toEqual(doc);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
