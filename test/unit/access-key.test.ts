import { describe, expect, it } from "vitest";
import {
  accessKeyFingerprint,
  accessKeyStatus,
  allowlistStep,
  generateAccessKey,
  hashAccessKey,
  phpLine,
  setAccessKey,
  unsetAccessKey,
  validateAccessKey,
  verifyAccessKey,
} from "../../src/core/access-key.js";
import { addIp, allowlistMatcher, removeIps, setIpNote } from "../../src/core/allowlist.js";
import { UsageError } from "../../src/core/errors.js";
import { compileMatcher, credentialIpStep, parseAddress } from "../../src/core/ip.js";
import { emptyStore, type AuditChange } from "../../src/core/types.js";

const WHMCS_CHARS = /^[A-Za-z0-9!@#$%.()*[\]\-_]+$/;

function recorder() {
  const changes: AuditChange[] = [];
  return { changes, record: (object: string, change: Record<string, unknown>) => void changes.push({ object, change }) };
}

describe("generateAccessKey", () => {
  it("makes 40-character keys of WHMCS-accepted characters with at least 192 bits", () => {
    const keys = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const k = generateAccessKey();
      expect(k).toHaveLength(40);
      expect(k).toMatch(WHMCS_CHARS);
      expect(() => validateAccessKey(k)).not.toThrow();
      keys.add(k);
    }
    expect(keys.size).toBe(500);
    expect(40 * Math.log2(62)).toBeGreaterThanOrEqual(192);
  });

  it("uses every base62 character roughly evenly (no modulo bias toward the first ones)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const ch of generateAccessKey()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 40) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });
});

describe("validateAccessKey", () => {
  it.each([
    "abcdefghijklmnop",
    "Abcdefghijklmnop!@#$%.()*[]-_",
    "0123456789012345",
    "x".repeat(256),
  ])("accepts %j", (key) => {
    expect(validateAccessKey(key)).toBe(key);
  });

  it.each([
    ["", /empty/],
    ["short", /5 characters long; it needs at least 16/],
    ["abcdefghijklmno", /15 characters/],
    ["x".repeat(257), /at most 256/],
    ["abcdefghijklmnop q", /whitespace at position 17/],
    ["abcdefghijklmnop\n", /whitespace at position 17/],
    ["abcdefghijklmnop'", /quote or backslash at position 17/],
    ["abcdefghijklmnop\\", /quote or backslash/],
    ["abcdefghijklmnop&", /does not accept at position 17/],
    ["abcdefghijklmnopé", /does not accept/],
    ["abcdefghijklmnop+", /does not accept/],
  ])("rejects %j", (key, message) => {
    let err: unknown;
    try {
      validateAccessKey(key);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(message);
    if (key.length > 3) expect((err as UsageError).message).not.toContain(key.slice(0, 16));
  });
});

describe("hash, fingerprint and verify", () => {
  const key = "Abcdefghijklmnop!@#$%.()*[]-_";

  it("hashes with SHA-256 base64url", () => {
    expect(hashAccessKey(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashAccessKey(key)).toBe(hashAccessKey(key));
    expect(hashAccessKey(key)).not.toBe(hashAccessKey(`${key}x`));
  });

  it("fingerprints with 8 hex characters that are neither the key nor a prefix of its hash", () => {
    const fp = accessKeyFingerprint(key);
    expect(fp).toMatch(/^[0-9a-f]{8}$/);
    expect(key).not.toContain(fp);
    expect(Buffer.from(hashAccessKey(key), "base64url").toString("hex")).not.toContain(fp);
    expect(accessKeyFingerprint(`${key}x`)).not.toBe(fp);
  });

  it("verifies only the right key", () => {
    const doc = emptyStore();
    const { record } = recorder();
    setAccessKey(doc, key, "2026-01-01T00:00:00.000Z", record);
    expect(verifyAccessKey(doc.accessKey, key)).toBe(true);
    expect(verifyAccessKey(doc.accessKey, `${key}x`)).toBe(false);
    expect(verifyAccessKey(doc.accessKey, "")).toBe(false);
    expect(verifyAccessKey(null, key)).toBe(false);
    expect(verifyAccessKey({ hash: "short", fingerprint: "x", setAt: "" }, key)).toBe(false);
  });

  it("prints the configuration.php line", () => {
    expect(phpLine("abc(def)ghi[jkl]")).toBe("$api_access_key = 'abc(def)ghi[jkl]';");
  });
});

describe("setAccessKey and unsetAccessKey", () => {
  it("store only the hash and fingerprint, and never put either in the audit log", () => {
    const doc = emptyStore();
    const { changes, record } = recorder();
    const key = generateAccessKey();
    const stored = setAccessKey(doc, key, "2026-01-01T00:00:00.000Z", record);
    expect(stored).toEqual({ hash: hashAccessKey(key), fingerprint: accessKeyFingerprint(key), setAt: "2026-01-01T00:00:00.000Z" });
    expect(JSON.stringify(doc)).not.toContain(key);
    setAccessKey(doc, generateAccessKey(), "2026-01-02T00:00:00.000Z", record, "rotate");
    expect(unsetAccessKey(doc, record)).toBe(true);
    expect(doc.accessKey).toBeNull();
    expect(unsetAccessKey(doc, record)).toBe(false);
    expect(changes.map((c) => c.change)).toEqual([
      { set: true, replaced: false },
      { rotated: true, replaced: true },
      { unset: true },
    ]);
    expect(JSON.stringify(changes)).not.toContain(stored.hash);
    expect(JSON.stringify(changes)).not.toContain(stored.fingerprint);
  });

  it("refuses an invalid key without touching the store", () => {
    const doc = emptyStore();
    expect(() => setAccessKey(doc, "short", "now", recorder().record)).toThrow(UsageError);
    expect(doc.accessKey).toBeNull();
  });
});

describe("the allowlist step and the access key rule", () => {
  const doc = emptyStore();
  const key = generateAccessKey();
  setAccessKey(doc, key, "2026-01-01T00:00:00.000Z", recorder().record);

  it("classifies the presented key", () => {
    expect(accessKeyStatus(doc.accessKey, undefined)).toBe("not_given");
    expect(accessKeyStatus(doc.accessKey, key)).toBe("valid");
    expect(accessKeyStatus(doc.accessKey, "wrongwrongwrongwrong")).toBe("invalid");
    expect(accessKeyStatus(null, key)).toBe("invalid"); // no key set: a presented key bypasses nothing
  });

  // [client ip, allowlist, key status, result, via]
  const CASES: [string | undefined, string[], "not_given" | "valid" | "invalid", string, string | undefined][] = [
    [undefined, [], "valid", "skipped", undefined],
    [undefined, ["10.0.0.0/8"], "not_given", "skipped", undefined],
    ["10.1.1.1", ["10.0.0.0/8"], "not_given", "pass", "allowlist"],
    ["10.1.1.1", ["10.0.0.0/8"], "invalid", "pass", "allowlist"],
    ["10.1.1.1", ["10.0.0.0/8"], "valid", "pass", "allowlist"],
    ["8.8.8.8", ["10.0.0.0/8"], "not_given", "fail", undefined],
    ["8.8.8.8", ["10.0.0.0/8"], "invalid", "fail", undefined],
    ["8.8.8.8", ["10.0.0.0/8"], "valid", "pass", "access_key"],
    ["8.8.8.8", [], "not_given", "fail", undefined], // empty allowlist denies every IP
    ["8.8.8.8", [], "valid", "pass", "access_key"],
    ["::ffff:10.0.0.1", ["10.0.0.0/8"], "not_given", "pass", "allowlist"],
    ["10.0.0.1", ["::/0"], "not_given", "fail", undefined],
  ];
  it.each(CASES)("ip %s, allowlist %j, key %s → %s", (ip, list, keyStatus, result, via) => {
    const address = ip === undefined ? undefined : parseAddress(ip);
    const entry = address === undefined ? undefined : compileMatcher(list)(address);
    const outcome = allowlistStep(address?.canonical, entry, keyStatus);
    expect(outcome.result).toBe(result);
    expect(outcome.via).toBe(via);
    expect(outcome.accessKey).toBe(keyStatus);
    if (result === "fail") expect(outcome.detail).toMatch(/is not on the allowlist/);
    if (keyStatus === "invalid" && result === "fail") expect(outcome.detail).toMatch(/access key given is invalid/);
  });

  it("does not bypass a credential's own IP limits (that step takes no key)", () => {
    const address = parseAddress("8.8.8.8");
    expect(allowlistStep(address.canonical, undefined, "valid").result).toBe("pass");
    expect(credentialIpStep(address, ["10.0.0.0/8"]).result).toBe("fail");
    expect(credentialIpStep.length).toBe(2); // (address, ips[, matcher]): no access-key parameter
  });
});

describe("allowlist core", () => {
  it("adds canonically, finds duplicates in any spelling, notes and removes", () => {
    const doc = emptyStore();
    const { changes, record } = recorder();
    addIp(doc, "2001:0DB8::/32", "v6", false, "t1", record);
    expect(doc.ipAllowlist).toEqual([{ address: "2001:db8::/32", note: "v6", addedAt: "t1" }]);
    expect(() => addIp(doc, "2001:db8:0::/32", "", false, "t2", record)).toThrow(/already on the IP allowlist/);
    addIp(doc, "10.0.0.7/8", "", true, "t3", record);
    expect(doc.ipAllowlist[1]!.address).toBe("10.0.0.0/8");
    expect(() => addIp(doc, "::ffff:10.0.0.0/104", "", false, "t4", record)).toThrow(/as 10\.0\.0\.0\/8/);
    expect(() => addIp(doc, "10.0.0.7/8", "", false, "t5", record)).toThrow(/host bits/);
    expect(() => addIp(doc, "1.2.3.4", "a\nb", false, "t5", record)).toThrow(/one line/);
    expect(setIpNote(doc, "::ffff:10.0.0.0/104", "office", record).note).toBe("office");
    expect(allowlistMatcher(doc)("10.9.9.9")).toBe("10.0.0.0/8");
    expect(() => removeIps(doc, ["10.0.0.0/8", "1.1.1.1"], record)).toThrow(/not on the IP allowlist/);
    expect(doc.ipAllowlist).toHaveLength(2); // all or nothing
    expect(removeIps(doc, ["10.0.0.0/8", "2001:db8::/32"], record)).toHaveLength(2);
    expect(doc.ipAllowlist).toEqual([]);
    expect(changes.map((c) => c.object)).toEqual([
      "ip:2001:db8::/32",
      "ip:10.0.0.0/8",
      "ip:10.0.0.0/8",
      "ip:10.0.0.0/8",
      "ip:2001:db8::/32",
    ]);
    expect(changes[1]!.change).toEqual({ added: true, normalizedFrom: "10.0.0.7/8" });
  });
});
