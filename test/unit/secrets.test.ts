import { inspect } from "node:util";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  BASE62,
  base62,
  checksum,
  crc32,
  generateIdentifier,
  generateSecret,
  hashSecret,
  isIdentifier,
  SECRET_LENGTH,
  secretFormatOk,
  secretFormatProblem,
  VerifiedHashes,
  verifySecret,
} from "../../src/core/secrets.js";
import { sha256 } from "../../src/core/sha256.js";

describe("crc32", () => {
  it.each([
    ["", 0],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
    ["a", 0xe8b7be43],
  ])("crc32(%j) = %d", (text, value) => {
    expect(crc32(text)).toBe(value);
  });

  it("agrees with zlib on random secret bodies", () => {
    for (let i = 0; i < 200; i++) {
      const body = generateSecret().slice(4, 37);
      expect(crc32(body)).toBe(zlibCrc32(body));
    }
  });
});

describe("base62", () => {
  it.each([
    [0, 6, "000000"],
    [61, 1, "z"],
    [62, 2, "10"],
    [0xffffffff, 6, "4gfFC3"],
  ])("base62(%d, %d) = %s", (value, width, text) => {
    expect(base62(value, width)).toBe(text);
  });

  it("fits every CRC32 in 6 characters", () => {
    expect(62 ** 6).toBeGreaterThan(2 ** 32);
    expect(base62(0xffffffff, 6)).toHaveLength(6);
  });
});

describe("generation", () => {
  it("identifiers are 32 characters of [A-Za-z0-9] and unique", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = generateIdentifier();
      expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(isIdentifier(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(1000);
  });

  it("secrets are apc_ + 33 random base62 + a 6-character checksum, at least 192 random bits", () => {
    expect(33 * Math.log2(62)).toBeGreaterThanOrEqual(192);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = generateSecret();
      expect(s).toMatch(/^apc_[0-9A-Za-z]{39}$/);
      expect(s).toHaveLength(SECRET_LENGTH);
      expect(s.slice(37)).toBe(checksum(s.slice(4, 37)));
      expect(secretFormatOk(s)).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(1000);
  });

  it("uses the whole alphabet, roughly evenly", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const ch of generateSecret().slice(4, 37)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 33) / 62;
    for (const ch of BASE62) {
      expect(counts.get(ch)!).toBeGreaterThan(expected * 0.75);
      expect(counts.get(ch)!).toBeLessThan(expected * 1.25);
    }
  });
});

describe("format check without a lookup", () => {
  const good = generateSecret();
  const body = good.slice(4, 37);
  const swap = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);

  it.each([
    ["wrong prefix", `apx_${good.slice(4)}`, /does not start with apc_/],
    ["no prefix", good.slice(4), /does not start with apc_/],
    ["truncated", good.slice(0, -1), /42 characters, not 43 \(truncated\?\)/],
    ["too long", `${good}x`, /44 characters, not 43$/],
    ["bad character", `apc_${body.slice(0, 10)}-${body.slice(11)}${good.slice(37)}`, /outside \[A-Za-z0-9\]/],
    ["one body character changed", swap(good, 10), /checksum does not match/],
    ["checksum changed", swap(good, 40), /checksum does not match/],
    ["empty", "", /does not start with apc_/],
  ])("%s", (_label, secret, problem) => {
    const p = secretFormatProblem(secret) ?? "";
    expect(p).toMatch(problem);
    expect(p).not.toContain(secret.length > 8 ? secret : "\u0000");
    expect(secretFormatOk(secret)).toBe(false);
  });

  it("catches every single-character substitution in the body", () => {
    for (let i = 4; i < 37; i++) expect(secretFormatOk(swap(good, i))).toBe(false);
  });

  it("catches every transposition of two different adjacent characters (CRC32 finds short bursts)", () => {
    let tried = 0;
    for (let i = 4; i < 42; i++) {
      if (good[i] === good[i + 1]) continue;
      const t = good.slice(0, i) + good[i + 1] + good[i] + good.slice(i + 2);
      expect(secretFormatProblem(t)).toMatch(/checksum does not match/);
      tried++;
    }
    expect(tried).toBeGreaterThan(20);
  });
});

describe("hash and verification", () => {
  const secret = generateSecret();
  const other = generateSecret();
  const now = new Date("2030-01-01T00:00:00Z");

  it("hashes with SHA-256 as base64url (43 characters, no secret in it)", () => {
    const h = hashSecret(secret);
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h).toBe(hashSecret(secret));
    expect(h).not.toBe(hashSecret(other));
    expect(h).not.toContain(secret.slice(4, 20));
  });

  const cred = (current: string, previous: { secret: string; until: string } | null = null) => ({
    secretHash: hashSecret(current),
    previousSecret: previous && { hash: hashSecret(previous.secret), until: previous.until },
  });

  it.each([
    ["current secret", cred(secret), secret, { ok: true, via: "current" }],
    ["another valid secret", cred(secret), other, { ok: false, why: "mismatch" }],
    ["malformed secret", cred(secret), secret.slice(0, -2), { ok: false, why: "malformed" }],
    ["mistyped secret", cred(secret), secret.slice(0, 10) + (secret[10] === "x" ? "y" : "x") + secret.slice(11), { ok: false, why: "malformed" }],
    ["previous secret within grace", cred(other, { secret, until: "2030-01-01T00:00:01Z" }), secret, { ok: true, via: "previous" }],
    ["new secret within grace", cred(other, { secret, until: "2030-01-01T00:00:01Z" }), other, { ok: true, via: "current" }],
    ["previous secret at the end of grace", cred(other, { secret, until: "2030-01-01T00:00:00Z" }), secret, { ok: false, why: "previous_expired" }],
    ["previous secret after grace", cred(other, { secret, until: "2029-12-31T00:00:00Z" }), secret, { ok: false, why: "previous_expired" }],
    ["new secret after grace", cred(other, { secret, until: "2029-12-31T00:00:00Z" }), other, { ok: true, via: "current" }],
    ["corrupt stored hash", { secretHash: "short", previousSecret: null }, secret, { ok: false, why: "mismatch" }],
  ])("%s", (_label, c, candidate, verdict) => {
    const v = verifySecret(c, candidate, now);
    expect(v).toMatchObject(verdict);
    if (!v.ok) {
      expect(v.detail).not.toContain(candidate);
      expect(v.detail).not.toContain(c.secretHash);
    }
  });

  it("accepts the time as a number too", () => {
    const c = cred(other, { secret, until: "2030-01-01T00:00:01Z" });
    expect(verifySecret(c, secret, now.getTime())).toEqual({ ok: true, via: "previous" });
    expect(verifySecret(c, secret, now.getTime() + 1000).ok).toBe(false);
  });

  it("with remembered hashes (a long-lived snapshot) every verdict is the one without them, the first time and again", () => {
    const verified = new VerifiedHashes();
    const notASecret = "password1";
    const cases: [ReturnType<typeof cred>, string][] = [
      [cred(secret), secret],
      [cred(secret), other],
      [cred(secret), secret.slice(0, -2)],
      [cred(other), secret],
      [cred(other, { secret, until: "2030-01-01T00:00:01Z" }), secret],
      [cred(other, { secret, until: "2030-01-01T00:00:01Z" }), other],
      [cred(other, { secret, until: "2029-12-31T00:00:00Z" }), secret],
      // A hand-made store holding the hash of a string that is no apicred secret: malformed still.
      [{ secretHash: hashSecret(notASecret), previousSecret: null }, notASecret],
      [{ secretHash: "short", previousSecret: null }, secret],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [c, candidate] of cases) expect(verifySecret(c, candidate, now, sha256, verified)).toEqual(verifySecret(c, candidate, now));
    }
  });

  it("remembers only a hash that a well-formed secret matched, and never the secret", () => {
    const verified = new VerifiedHashes();
    verifySecret(cred(secret), other, now, sha256, verified);
    verifySecret({ secretHash: hashSecret("password1"), previousSecret: null }, "password1", now, sha256, verified);
    verifySecret(cred(other, { secret, until: "2030-01-01T00:00:01Z" }), secret, now, sha256, verified);
    expect(verified.matches(hashSecret(secret), sha256(secret))).toBe(false);
    expect(verified.matches(hashSecret("password1"), sha256("password1"))).toBe(false);
    verifySecret(cred(secret), secret, now, sha256, verified);
    expect(verified.matches(hashSecret(secret), sha256(secret))).toBe(true);
    expect(verified.matches(hashSecret(secret), sha256(other))).toBe(false);
    expect(inspect(verified, { depth: 9, showHidden: true })).not.toContain(secret.slice(4));
  });

  it("verifies fast enough for the check hot path", () => {
    const c = cred(secret);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 10_000; i++) verifySecret(c, secret, now);
    const perCallUs = Number(process.hrtime.bigint() - start) / 1e3 / 10_000;
    expect(perCallUs).toBeLessThan(50);
  });
});
