// serve writes decisions with decision-json.ts instead of JSON.stringify: the text must be the same,
// byte for byte, for every decision decide() can make. Decisions of every reason are made here from a
// seeded random mix of stores and requests (odd names, quotes, non-ASCII, access keys, explain), and
// objects of other shapes must fall back to JSON.stringify's exact text.
import { describe, expect, it } from "vitest";
import { accessKeyFingerprint, hashAccessKey } from "../../src/core/access-key.js";
import { type Decision, decide, type Reason, Snapshot, STEPS } from "../../src/core/decide.js";
import { parseAddress } from "../../src/core/ip.js";
import { generateSecret, hashSecret } from "../../src/core/secrets.js";
import { type Credential, emptyStore, type StoreDoc } from "../../src/core/types.js";
import { decisionJson, decisionsJson } from "../../src/serve/decision-json.js";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const KEY = "k3y-For-The-API(1234)";
const SECRETS = [generateSecret(), generateSecret(), generateSecret()];
const NAMES = ["ci", 'quote"d', "back\\slash", "ünï\u00e7ode", "tab\there", "emoji\u{1F600}", "ctl\u0001"];

/** A small deterministic generator (mulberry32): the same cases every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function store(rnd: () => number): StoreDoc {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const doc = emptyStore();
  doc.admins.push({ id: "adm1", username: pick(NAMES), disabled: rnd() < 0.15, createdAt: "t" });
  doc.roles.push(
    { id: "r1", name: pick(NAMES), description: "", grants: ["GetInvoices", "Support:*"], createdAt: "t" },
    { id: "r2", name: pick(NAMES), description: "", grants: ["*"], createdAt: "t" },
    { id: "r3", name: "empty", description: "", grants: [], createdAt: "t" },
    { id: "r4", name: "reader", description: "", grants: ["Get*"], createdAt: "t" },
  );
  doc.actions.push({ name: "My\"Module\\Sync", category: "Custom", createdAt: "t" });
  doc.credentials = NAMES.map((name, i): Credential => ({
    identifier: String.fromCharCode(65 + i).repeat(32),
    name,
    adminId: rnd() < 0.1 ? "gone" : "adm1",
    description: "",
    roleIds: [["r1"], ["r2", "r4"], ["r3"], [], ["r1", "r2", "r4"]][Math.floor(rnd() * 5)]!,
    ips: rnd() < 0.3 ? ["198.51.100.0/24"] : [],
    expiresAt: rnd() < 0.2 ? (rnd() < 0.5 ? "2026-01-01T00:00:00.000Z" : "2027-01-01T00:00:00.000Z") : null,
    createdAt: "t",
    secretHash: hashSecret(SECRETS[i % 2]!),
    previousSecret: rnd() < 0.3 ? { hash: hashSecret(SECRETS[2]!), until: rnd() < 0.5 ? "2026-07-01T00:00:00.000Z" : "2026-05-01T00:00:00.000Z" } : null,
    disabled: rnd() < 0.1 ? true : undefined,
    rotatedAt: null,
  }));
  doc.ipAllowlist = ["203.0.113.0/24", "2001:db8::/32"].map((address) => ({ address, note: "", addedAt: "t" }));
  if (rnd() < 0.5) doc.accessKey = { hash: hashAccessKey(KEY), fingerprint: accessKeyFingerprint(KEY), setAt: "t" };
  return doc;
}

function decisions(seed: number, count: number): Decision[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: Decision[] = [];
  let snapshot = new Snapshot(store(rnd), { index: true });
  for (let i = 0; i < count; i++) {
    if (i % 50 === 0) snapshot = new Snapshot(store(rnd), { index: true });
    out.push(
      decide(snapshot, {
        credential: pick([...NAMES, "A".repeat(32), "nobody", SECRETS[0]!, 'x"y']),
        action: pick(["GetInvoices", "getinvoices", "AddClient", "OpenTicket", "NoSuchAction", 'bad"\\act\u00e9', "my\"module\\sync"]),
        ip: pick([undefined, "203.0.113.7", "198.51.100.9", "192.0.2.1", "2001:db8::1", "::ffff:203.0.113.9"].map((a) => (a === undefined ? undefined : parseAddress(a)))),
        secret: pick([undefined, SECRETS[0]!, SECRETS[1]!, SECRETS[2]!, "apc_short", ""]),
        accessKey: pick([undefined, undefined, KEY, "wrong-key-0123456789"]),
        now: NOW,
        explain: rnd() < 0.3,
        complete: rnd() < 0.7,
      }),
    );
  }
  return out;
}

describe("decisionJson", () => {
  const all = decisions(1, 4000);

  it("writes every decision exactly as JSON.stringify does, for every reason", () => {
    const reasons = new Set<Reason>();
    for (const d of all) {
      reasons.add(d.reason);
      expect(decisionJson(d)).toBe(JSON.stringify(d));
    }
    // The mix reaches every reason (else the comparison above proves less than it says).
    expect([...reasons].sort()).toEqual([...STEPS.map(([, r]) => r), "allowed"].sort());
    expect(all.some((d) => d.accessKey !== undefined)).toBe(true);
    expect(all.some((d) => d.steps.some((s) => s.detail !== undefined && s.result === "pass"))).toBe(true);
  });

  it("writes an array exactly as JSON.stringify does", () => {
    for (let i = 0; i < all.length; i += 97) expect(decisionsJson(all.slice(i, i + 97))).toBe(JSON.stringify(all.slice(i, i + 97)));
    expect(decisionsJson([])).toBe("[]");
  });

  it("falls back to JSON.stringify for objects of another shape (key order, extra keys, a detail key)", () => {
    const d = all.find((x) => x.allowed && x.accessKey === undefined)!;
    const { allowed, reason, ...rest } = d;
    const shapes: Decision[] = [
      { reason, allowed, ...rest },
      { ...d, extra: 1 } as Decision,
      { ...d, accessKey: undefined },
      { ...d, steps: d.steps.map((s, i) => (i === 3 ? { step: s.step, result: s.result, detail: undefined } : s)) },
      { ...d, steps: d.steps.map((s) => ({ result: s.result, step: s.step })) },
      { ...d, steps: [...d.steps].reverse() },
      { ...d, steps: d.steps.slice(1) },
    ];
    for (const s of shapes) expect(decisionJson(s)).toBe(JSON.stringify(s));
  });
});
