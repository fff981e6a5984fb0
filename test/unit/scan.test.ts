// findSecrets: positions (1-based line, byte column), only checksum-valid tokens, every occurrence.
import { describe, expect, it } from "vitest";
import { findSecrets, looksBinary, maskSecret } from "../../src/core/scan.js";
import { generateSecret } from "../../src/core/secrets.js";

const A = generateSecret();
const B = generateSecret();
const hits = (text: string) => findSecrets(Buffer.from(text, "utf8")).map((h) => [h.line, h.column, h.secret]);

describe("findSecrets", () => {
  it("reports line and column of each secret, in order", () => {
    expect(hits(`${A}\nx = "${B}"\n\n  ${A}`)).toEqual([[1, 1, A], [2, 6, B], [4, 3, A]]);
  });

  it("ignores apc_ that is not a secret: short, wrong characters, bad checksum", () => {
    const altered = `${A.slice(0, -1)}${A.endsWith("0") ? "1" : "0"}`;
    expect(hits(`apc_ apc_short apc_${"-".repeat(39)} ${altered}`)).toEqual([]);
  });

  it("finds secrets glued to other text and back to back (the checksum is the precision)", () => {
    expect(hits(`KEY=x${A}${B}`)).toEqual([[1, 6, A], [1, 49, B]]);
  });

  it("counts columns in bytes after multi-byte text, and handles CRLF", () => {
    expect(hits(`é ${A}\r\n${B}`)).toEqual([[1, 4, A], [2, 1, B]]);
  });

  it("masks to the prefix and four characters", () => {
    expect(maskSecret(A)).toBe(`${A.slice(0, 8)}…`);
  });

  it("calls a NUL in the first 8 KiB binary, not one after it", () => {
    expect(looksBinary(Buffer.from([65, 0, 66]))).toBe(true);
    expect(looksBinary(Buffer.concat([Buffer.alloc(8192, 65), Buffer.from([0])]))).toBe(false);
  });
});
