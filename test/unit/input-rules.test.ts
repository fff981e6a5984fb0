// The small rules of fail-closed input: ASCII case folding, strict UTF-8, the value rule and length
// table, bounded "did you mean", strict batch lines.
import { describe, expect, it } from "vitest";
import { asciiLower } from "../../src/core/ascii.js";
import { answerLine } from "../../src/core/batch.js";
import { Snapshot } from "../../src/core/decide.js";
import { UsageError } from "../../src/core/errors.js";
import { checkValue, envMilliseconds, MAX_LENGTH } from "../../src/core/limits.js";
import { fromLine } from "../../src/core/secrets.js";
import { didYouMean, nearest } from "../../src/core/suggest.js";
import type { StoreDoc } from "../../src/core/types.js";
import { decodeUtf8, firstInvalidUtf8, InvalidUtf8Error } from "../../src/core/utf8.js";

describe("asciiLower", () => {
  it("folds A-Z only", () => {
    expect(asciiLower("GetTickets")).toBe("gettickets");
    expect(asciiLower("GetTic\u212Aets")).toBe("gettic\u212Aets");
    expect(asciiLower("\u0130STANBUL")).toBe("\u0130stanbul"); // dotted capital I stays
    expect(asciiLower("ÉCOLE")).toBe("École");
    expect("GetTic\u212Aets".toLowerCase()).toBe("gettickets"); // what it guards against
  });
});

describe("fromLine: the one rule for secrets read from a file or stdin", () => {
  it.each([
    ["abc\n", "abc"],
    ["abc\r\n", "abc"],
    ["abc\n\n", "abc\n"],
    ["abc\r", "abc\r"],
    [" abc \n", " abc "],
    ["\n", ""],
    ["", ""],
  ])("%j -> %j", (input, out) => expect(fromLine(input)).toBe(out));
});

describe("decodeUtf8", () => {
  it("decodes valid UTF-8 and keeps a byte order mark", () => {
    expect(decodeUtf8(Buffer.from("\uFEFFcafé 😀"))).toBe("\uFEFFcafé 😀");
  });
  it.each([
    [[0x61, 0xff], 1],
    [[0x61, 0x62, 0xc3, 0x28], 2],
    [[0xc0, 0x80], 0], // overlong
    [[0xed, 0xa0, 0x80], 0], // a surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0x61, 0xe2, 0x82], 1], // truncated
  ])("refuses %j naming offset %i", (bytes, offset) => {
    const b = Uint8Array.from(bytes);
    expect(firstInvalidUtf8(b)).toBe(offset);
    expect(() => decodeUtf8(b)).toThrow(InvalidUtf8Error);
    try {
      decodeUtf8(b);
    } catch (err) {
      expect((err as InvalidUtf8Error).byteOffset).toBe(offset);
    }
  });
});

describe("checkValue", () => {
  it.each([
    ["", "name", /an empty value/],
    ["   ", "name", /a blank value/],
    [" alice", "name", /surrounding whitespace/],
    ["a".repeat(65), "name", /too long \(65 characters; at most 64\)/],
    ["a".repeat(129), "credential", /at most 128/],
  ] as const)("refuses %j as a %s", (value, kind, message) => {
    expect(() => checkValue("--x", value, kind)).toThrow(UsageError);
    expect(() => checkValue("--x", value, kind)).toThrow(message);
  });

  it("lets free text be empty, within its limit", () => {
    expect(checkValue("-d", "", "description")).toBe("");
    expect(() => checkValue("-d", "x".repeat(MAX_LENGTH.description + 1), "description")).toThrow(/too long/);
  });

  it("never echoes the rejected value", () => {
    expect(() => checkValue("--x", " apc_secretlooking", "name")).toThrow(/^--x: the value has surrounding whitespace/);
  });
});

describe("nearest: bounded 'did you mean'", () => {
  const names = Array.from({ length: 20_000 }, (_, i) => `credential-name-${i}`);

  it("still suggests typos", () => {
    expect(nearest("GetInvoces", ["GetInvoices", "GetClients"])).toBe("GetInvoices");
    expect(nearest("invoices", ["GetInvoices", "GetClients"])).toBe("GetInvoices");
    expect(didYouMean("zzzz", ["GetInvoices"])).toBe("");
  });


  it("costs a few milliseconds whatever the input, over 20,000 candidates", () => {
    nearest("warm-up", names);
    for (const input of ["credential-name-x", "credential-name-", "a".repeat(20), "a".repeat(64), "a".repeat(65), "b".repeat(128 * 1024), "x".repeat(5_000_000)]) {
      const t = performance.now();
      nearest(input, names);
      expect(performance.now() - t, `${input.length} characters`).toBeLessThan(250);
    }
    expect(nearest("x".repeat(65), ["x".repeat(65)])).toBeUndefined();
  });
});

describe("answerLine: strict batch lines", () => {
  const doc: StoreDoc = { version: 1, admins: [], actions: [], roles: [], credentials: [], ipAllowlist: [], accessKey: null } as unknown as StoreDoc;
  const snapshot = new Snapshot(doc, { index: true });
  const answer = (line: string) => JSON.parse(answerLine(snapshot, line, 7, Date.now()));

  it.each([
    ['{"credential":"a","action":"b","secert":"x"}', /unknown field "secert" \(did you mean "secret"\?\)/],
    ['{"credential":"a","action":"b","ip":"1.2.3.4","ip":"5.6.7.8"}', /duplicate field "ip"/],
    ['{"credential":"a","action":"b","secret":"x","secret":null}', /duplicate field "secret"/],
    ['{"credential":"a","action":"b","ip":null}', /"ip" must be a string \(leave the field out/],
    [`{"credential":"${"a".repeat(129)}","action":"b"}`, /"credential" is too long/],
    [`{"credential":"a","action":"${"b".repeat(101)}"}`, /"action" is too long/],
    ['{"credential":"a","action":""}', /"action" is required/],
  ])("%s is an error line", (line, message) => {
    const a = answer(line);
    expect(a.line).toBe(7);
    expect(a.error.message).toMatch(message);
    expect(a).not.toHaveProperty("allowed");
  });

  it("quotes inside values are no duplicate", () => {
    expect(answer(JSON.stringify({ credential: 'a"b', action: 'c"d', secret: '"' }))).toMatchObject({ allowed: false, reason: "unknown_credential" });
  });
});

describe("envMilliseconds: a time setting from the environment", () => {
  it.each([
    [undefined, undefined],
    ["1", 1],
    ["300", 300],
    ["86400000", 86_400_000],
  ])("reads %j as %j", (value, ms) => {
    expect(envMilliseconds({ APICRED_X_MS: value }, "APICRED_X_MS")).toBe(ms);
  });

  it.each(["", " 300", "300 ", "0", "-5", "1e3", "5s", "3.5", "0x10", "86400001", "999999999", "\u001b[31m"])("refuses %j with exit 2", (value) => {
    let err: unknown;
    try {
      envMilliseconds({ APICRED_X_MS: value }, "APICRED_X_MS");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(/^\$APICRED_X_MS must be a whole number of milliseconds from 1 to 86400000, not "/);
  });
});

