// membersWritten: the `:` outside strings of a JSON text, which must equal the members JSON.parse
// keeps unless a key appears twice. Table cases for the escapes that could fool a scan, then texts
// generated with every kind of string and spacing, counted against a walk of what JSON.parse built.
import { describe, expect, it } from "vitest";
import { membersWritten } from "../../src/store/json-members.js";

/** Members of every object in a parsed value. */
function membersIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + membersIn(v), 0);
  if (typeof value !== "object" || value === null) return 0;
  return Object.values(value).reduce((n: number, v) => n + 1 + membersIn(v), 0);
}

describe("membersWritten", () => {
  it.each([
    ["{}", 0],
    ["[]", 0],
    ['"a:b"', 0],
    ['{"a":1}', 1],
    ['{ "a" : 1 , "b" :\n2 }', 2],
    ['{"a:b":"c:d"}', 1],
    ['{"a":"\\":"}', 1], // an escaped quote, then a colon, inside the string
    ['{"a":"\\\\","b":1}', 2], // a string ending in an escaped backslash
    ['{"a":"\\\\\\":\\\\"}', 1], // backslash, quote, colon, backslash
    ['{"a":"x\\u0022:"}', 1], // a quote written as \u0022
    ['{"a":{"b":[{"c":null}]},"d":[]}', 4],
    ['{"a":1,"a":2}', 2], // a duplicate: two written, one kept
    ['{"2026-01-01T00:00:00Z":"::1"}', 1],
  ])("%s has %i", (text, n) => {
    JSON.parse(text); // valid JSON, as the function requires
    expect(membersWritten(text)).toBe(n);
  });

  it("counts what JSON.parse keeps in 3,000 generated documents, and one more for a duplicate", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ["a", ":", '"', "\\", "\\\\", "\\\"", "{", "}", "[", "]", ",", " ", "\n", "\u2028", "é", "😀", "\u0000", "::1", "T12:00:00Z"];
    const str = () => Array.from({ length: rand(6) }, () => pieces[rand(pieces.length)]).join("");
    const value = (depth: number): unknown => {
      const k = rand(depth > 3 ? 3 : 6);
      if (k === 0) return str();
      if (k === 1) return rand(1000) - 500;
      if (k === 2) return [null, true, false][rand(3)];
      if (k === 3) return Array.from({ length: rand(4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rand(5); i > 0; i--) o[str() + i] = value(depth + 1);
      return o;
    };
    // Written by hand with random spacing around every colon and comma, as a person might.
    const ws = () => ["", " ", "\n  ", "\t"][rand(4)];
    const write = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(write).join(`${ws()},${ws()}`)}]`;
      if (typeof v !== "object" || v === null) return JSON.stringify(v);
      return `{${ws()}${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${ws()}:${ws()}${write(x)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    };
    for (let i = 0; i < 3000; i++) {
      const doc = { root: value(0) };
      const text = write(doc);
      expect(JSON.parse(text)).toEqual(doc);
      expect(membersWritten(text)).toBe(membersIn(doc));
      // The same key again at the top: written twice, kept once.
      const twice = `{"root":0,${text.slice(1)}`;
      expect(membersWritten(twice)).toBe(membersIn(JSON.parse(twice)) + 1);
    }
  });
});
