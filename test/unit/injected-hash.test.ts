// `serve` hashes presented secrets with node:crypto, injected into the one decision engine through
// Snapshot (core keeps its pure-JS SHA-256 so `check` never loads node:crypto): the injected hash is
// the one used, once per decision even when the previous secret is tried too, and decides alike.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decide, Snapshot } from "../../src/core/decide.js";
import { parseAddress } from "../../src/core/ip.js";
import { generateSecret, hashSecret } from "../../src/core/secrets.js";
import { type Credential, emptyStore, type StoreDoc } from "../../src/core/types.js";
import { nativeSha256 } from "../../src/serve/native-sha256.js";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const SECRET = generateSecret();
const OLD = generateSecret();

function doc(): StoreDoc {
  const d = emptyStore();
  d.admins.push({ id: "adm1", username: "alice", disabled: false, createdAt: "t" });
  d.roles.push({ id: "r", name: "reader", description: "", grants: ["Get*"], createdAt: "t" });
  const c: Credential = {
    identifier: "A".repeat(32), name: "ci", adminId: "adm1", description: "", roleIds: ["r"], ips: [], expiresAt: null,
    createdAt: "t", secretHash: hashSecret(SECRET), previousSecret: { hash: hashSecret(OLD), until: "2026-07-01T00:00:00.000Z" }, rotatedAt: null,
  };
  d.credentials = [c];
  d.ipAllowlist = [{ address: "203.0.113.0/24", note: "", addedAt: "t" }];
  return d;
}

const ask = (snapshot: Snapshot, secret: string) =>
  decide(snapshot, { credential: "ci", action: "GetInvoices", ip: parseAddress("203.0.113.7"), secret, now: NOW, complete: true });

describe("an injected SHA-256", () => {
  it("is the one that verifies the secret, called once per decision (current, then previous, from one digest)", () => {
    const seen: string[] = [];
    const spy = (text: string) => {
      seen.push(text);
      return new Uint8Array(createHash("sha256").update(text).digest());
    };
    const snapshot = new Snapshot(doc(), { index: true, sha256: spy });
    expect(ask(snapshot, SECRET).reason).toBe("allowed");
    expect(ask(snapshot, OLD).reason).toBe("allowed"); // the previous secret, inside its grace
    expect(ask(snapshot, generateSecret()).reason).toBe("bad_secret");
    expect(seen.length).toBe(3);
  });

  it("a wrong hash function denies: the injected one is really used", () => {
    const snapshot = new Snapshot(doc(), { sha256: () => new Uint8Array(32) });
    expect(ask(snapshot, SECRET).reason).toBe("bad_secret");
  });

  it("node:crypto's decides exactly as the pure-JS default", () => {
    const native = new Snapshot(doc(), { index: true, sha256: nativeSha256 });
    const pure = new Snapshot(doc(), { index: true });
    for (const secret of [SECRET, OLD, generateSecret(), "apc_not-even-a-secret", ""]) expect(ask(native, secret)).toEqual(ask(pure, secret));
    expect(Buffer.from(nativeSha256("é")).toString("hex")).toBe(createHash("sha256").update("é", "utf8").digest("hex"));
  });

  it("node:crypto's is SHA-256 of the UTF-8 bytes for any text, a fresh 32-byte array each time", () => {
    // It reads the digest as a latin1 string and copies it: every byte value must survive that.
    const texts = ["", SECRET, "é", "\u{1F600}", "\u0000\u00ff", "x".repeat(1000)];
    for (let i = 0; i < 300; i++) texts.push(String.fromCharCode(...Array.from({ length: i % 50 }, (_, j) => (i * 131 + j * 977) % 0xd7ff)));
    for (const text of texts) {
      const digest = nativeSha256(text);
      expect(digest).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(digest).toString("hex")).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }
    const a = nativeSha256("a");
    nativeSha256("b");
    expect(Buffer.from(a).toString("hex")).toBe(createHash("sha256").update("a").digest("hex"));
  });
});
