import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestsEqual, matchesStoredHash, sha256, sha256Base64url } from "../../src/core/sha256.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("sha256", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    ["a".repeat(1000), createHash("sha256").update("a".repeat(1000)).digest("hex")],
  ])("FIPS 180 vector %#", (input, digest) => {
    expect(hex(sha256(input))).toBe(digest);
  });

  it("agrees with node:crypto on every length around the block edges and on random text", () => {
    const inputs: string[] = [];
    for (let n = 0; n < 200; n++) inputs.push("x".repeat(n));
    for (let i = 0; i < 2000; i++) inputs.push(randomBytes(1 + (i % 150)).toString("latin1"));
    inputs.push("héllo wörld ✓ 🔑", "apc_" + randomBytes(40).toString("base64url"));
    for (const input of inputs) {
      expect(sha256Base64url(input)).toBe(createHash("sha256").update(input, "utf8").digest("base64url"));
    }
  });
});

describe("constant-time comparison", () => {
  it.each([
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[1, 2, 3], [0, 2, 3], false],
    [[1, 2, 3], [1, 2], false],
    [[], [], true],
  ])("%j vs %j", (a, b, equal) => {
    expect(digestsEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(equal);
  });

  it("matches a stored base64url hash, and nothing else", () => {
    const stored = createHash("sha256").update("secret").digest("base64url");
    expect(matchesStoredHash("secret", stored)).toBe(true);
    expect(matchesStoredHash("secreT", stored)).toBe(false);
    expect(matchesStoredHash("secret", stored.slice(0, -2))).toBe(false);
  });
});
