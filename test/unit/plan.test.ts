import { describe, expect, it } from "vitest";
import { addAdmin, setAdminDisabled } from "../../src/core/admins.js";
import { addIp } from "../../src/core/allowlist.js";
import { buildCatalog } from "../../src/core/catalog.js";
import { createCredential } from "../../src/core/credentials.js";
import { addCustomAction, removeCustomAction } from "../../src/core/custom-actions.js";
import { UsageError } from "../../src/core/errors.js";
import { applyPlan, exportDoc, planApply } from "../../src/core/apply/index.js";
import { createRole, editRole } from "../../src/core/roles.js";
import { generateSecret, hashSecret, isIdentifier, secretFormatOk } from "../../src/core/secrets.js";
import { emptyStore, type StoreDoc } from "../../src/core/types.js";

const NOW = "2026-01-01T00:00:00.000Z";
const T = Date.parse(NOW);
const noop = () => {};

/** A store with one of everything, built through the core functions the commands use. */
function sample(): StoreDoc {
  const doc = emptyStore();
  addAdmin(doc, "alice", NOW, noop);
  addAdmin(doc, "bob", NOW, noop);
  addCustomAction(doc, "MyModuleSync", "Custom", NOW, noop);
  const catalog = buildCatalog(doc.actions);
  createRole(doc, catalog, { name: "billing", description: "read invoices", grants: ["GetInvoices", "Billing:*"] }, NOW, noop);
  createRole(doc, catalog, { name: "support", grants: ["Support:*"] }, NOW, noop);
  createCredential(doc, { admin: "alice", roles: ["billing"], name: "ci-deploy", ips: ["10.0.0.0/8"] }, NOW, noop);
  createCredential(doc, { admin: "bob", roles: ["support", "billing"], description: "unnamed one" }, NOW, noop);
  addIp(doc, "203.0.113.7", "Server", false, NOW, noop);
  addIp(doc, "10.0.0.0/8", "", false, NOW, noop);
  return doc;
}

function plan(doc: StoreDoc, input: unknown, prune = false) {
  return planApply(doc, input, { prune, source: "desired.json" }, T);
}

function apply(doc: StoreDoc, input: unknown, prune = false) {
  const events: { object: string; change: Record<string, unknown> }[] = [];
  const p = plan(doc, input, prune);
  const created = applyPlan(doc, p, NOW, (object, change) => events.push({ object, change }), undefined);
  return { plan: p, created, events };
}

/** The UsageError's message lines (after the first): one per problem. */
function problems(doc: StoreDoc, input: unknown, prune = false): string[] {
  try {
    plan(doc, input, prune);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe("invalid_document");
    expect((err as UsageError).message).toMatch(/^desired\.json has \d+ errors?; nothing was changed:/);
    return (err as UsageError).message.split("\n").slice(1).map((l) => l.trim());
  }
  throw new Error("expected a validation error");
}

const base = (extra: Record<string, unknown>) => ({ version: 1, admins: [{ username: "alice", disabled: false }], ...extra });

describe("exportDoc", () => {
  it("is sorted, complete and free of secrets, hashes, ids and timestamps", () => {
    const doc = sample();
    const e = exportDoc(doc);
    expect(Object.keys(e)).toEqual(["version", "admins", "actions", "roles", "credentials", "ipAllowlist"]);
    expect(e.admins).toEqual([{ username: "alice", disabled: false }, { username: "bob", disabled: false }]);
    expect(e.actions).toEqual([{ name: "MyModuleSync", category: "Custom" }]);
    expect(e.roles.map((r) => r.name)).toEqual(["billing", "support"]);
    expect(e.roles[0]).toEqual({ name: "billing", description: "read invoices", grants: ["Billing:*", "GetInvoices"] });
    expect(e.credentials.map((c) => c.name)).toEqual(["ci-deploy", null]); // named first, then unnamed
    expect(e.credentials[1]!.roles).toEqual(["billing", "support"]); // sorted by name
    expect(e.ipAllowlist.map((i) => i.address)).toEqual(["10.0.0.0/8", "203.0.113.7"]);
    const text = JSON.stringify(e);
    for (const c of doc.credentials) expect(text).not.toContain(c.secretHash);
    expect(text).not.toMatch(/apc_|secret|hash|createdAt|"id"/i);
  });

  it("does not depend on the store's order", () => {
    const a = sample();
    const b = structuredClone(a);
    for (const k of ["admins", "actions", "roles", "credentials", "ipAllowlist"] as const) (b[k] as unknown[]).reverse();
    expect(exportDoc(b)).toEqual(exportDoc(a));
  });
});

describe("round trip and idempotence", () => {
  it("export -> apply on an empty store -> export gives the same document", () => {
    const src = sample();
    const e = exportDoc(src);
    const dst = emptyStore();
    const { created } = apply(dst, structuredClone(e));
    expect(exportDoc(dst)).toEqual(e);
    // Identifiers from the document are kept; secrets are fresh and never the source's.
    expect(created.map((c) => c.identifier).sort()).toEqual(src.credentials.map((c) => c.identifier).sort());
    for (const c of created) {
      expect(secretFormatOk(c.secret)).toBe(true);
      const stored = dst.credentials.find((x) => x.identifier === c.identifier)!;
      expect(stored.secretHash).toBe(hashSecret(c.secret));
      expect(src.credentials.find((x) => x.identifier === c.identifier)!.secretHash).not.toBe(stored.secretHash);
    }
  });

  it("applying the same document twice changes nothing the second time", () => {
    const doc = emptyStore();
    const input = exportDoc(sample());
    expect(apply(doc, input).plan.changes.length).toBeGreaterThan(0);
    const second = apply(doc, input);
    expect(second.plan.changes).toEqual([]);
    expect(second.events).toEqual([]);
  });

  it("a store's own export is a no-op on it, stale grants included", () => {
    const doc = sample();
    createRole(doc, buildCatalog(doc.actions), { name: "mod", grants: ["MyModuleSync"] }, NOW, noop);
    removeCustomAction(doc, "MyModuleSync", noop); // the grant stays, granting nothing
    const e = exportDoc(doc);
    expect(e.roles.find((r) => r.name === "mod")!.grants).toEqual(["MyModuleSync"]);
    expect(plan(doc, e).changes).toEqual([]);
    // ... but on a store that never had it, the same grant is an unknown action.
    expect(problems(emptyStore(), e)).toContainEqual(expect.stringMatching(/^roles\[1\]\.grants\[0\]: unknown action "MyModuleSync"/));
  });

  it("names and spellings are matched ignoring case; grants are canonicalised", () => {
    const doc = sample();
    const e = exportDoc(doc);
    e.roles[0]!.grants = ["getinvoices", "billing:*"];
    e.credentials[0]!.roles = ["BILLING"];
    e.credentials[0]!.admin = "ALICE";
    expect(plan(doc, e).changes).toEqual([]);
  });
});

describe("plan", () => {
  it("creates, updates and keeps what is not listed without --prune", () => {
    const doc = sample();
    const e = exportDoc(doc);
    e.roles[0]!.grants.push("GetOrders");
    e.roles.push({ name: "new-role", description: "", grants: ["*"] });
    e.credentials[0]!.roles = ["billing", "support"];
    e.credentials.push({ name: "fresh", admin: "alice", roles: ["new-role"] } as never);
    e.ipAllowlist = [{ address: "192.0.2.0/24", note: "new" }, { address: "203.0.113.7", note: "Server (renamed)" }];
    e.admins[1]!.disabled = true;
    const p = plan(doc, e);
    expect(p.changes).toEqual([
      { op: "update", kind: "admin", name: "bob", fields: [{ field: "disabled", from: false, to: true }] },
      { op: "update", kind: "role", name: "billing", fields: [{ field: "grants", from: ["Billing:*", "GetInvoices"], to: ["Billing:*", "GetInvoices", "GetOrders"] }] },
      { op: "create", kind: "role", name: "new-role" },
      { op: "update", kind: "credential", name: "ci-deploy", identifier: doc.credentials[0]!.identifier, fields: [{ field: "roles", from: ["billing"], to: ["billing", "support"] }] },
      { op: "create", kind: "credential", name: "fresh", identifier: null },
      { op: "create", kind: "ip", name: "192.0.2.0/24" },
      { op: "update", kind: "ip", name: "203.0.113.7", fields: [{ field: "note", from: "Server", to: "Server (renamed)" }] },
    ]);
    expect(p.counts).toEqual({ create: 3, update: 4, remove: 0 });
    // Without --prune, 10.0.0.0/8 (not listed) stays.
    const { created, plan: applied } = apply(doc, e);
    expect(doc.ipAllowlist.map((i) => i.address).sort()).toEqual(["10.0.0.0/8", "192.0.2.0/24", "203.0.113.7"]);
    expect(created).toHaveLength(1);
    expect(applied.changes[4]!.identifier).toBe(created[0]!.identifier); // filled in when applied
    expect(isIdentifier(created[0]!.identifier)).toBe(true);
  });

  it("--prune removes what the listed sections leave out; absent sections are not managed", () => {
    const doc = sample();
    const bobsId = doc.credentials[1]!.identifier;
    const input = {
      version: 1,
      admins: [{ username: "alice" }],
      roles: [{ name: "billing", description: "read invoices", grants: ["Billing:*", "GetInvoices"] }],
      ipAllowlist: [{ address: "203.0.113.7", note: "Server" }],
    }; // no "actions", no "credentials": kept as they are
    const p = plan(doc, input, true);
    expect(p.changes).toEqual([
      { op: "remove", kind: "admin", name: "bob", credentialsRemoved: 1 },
      { op: "remove", kind: "role", name: "support" },
      { op: "remove", kind: "ip", name: "10.0.0.0/8" },
    ]);
    const { events } = apply(doc, input, true);
    expect(doc.admins.map((a) => a.username)).toEqual(["alice"]);
    expect(doc.credentials.map((c) => c.name)).toEqual(["ci-deploy"]); // bob's went with bob
    expect(doc.actions).toHaveLength(1);
    expect(events.map((e) => e.object)).toEqual(["role:support", "admin:bob", "ip:10.0.0.0/8"]);
    expect(doc.credentials.some((c) => c.identifier === bobsId)).toBe(false);
  });

  it("--prune on credentials removes unlisted ones; a credential matched by name keeps its identifier", () => {
    const doc = sample();
    const ci = doc.credentials[0]!;
    const input = { version: 1, credentials: [{ name: "ci-deploy", admin: "alice", roles: ["billing"], ips: ["10.0.0.0/8"] }] };
    const p = plan(doc, input, true);
    expect(p.changes).toEqual([{ op: "remove", kind: "credential", name: doc.credentials[1]!.identifier, identifier: doc.credentials[1]!.identifier }]);
    apply(doc, input, true);
    expect(doc.credentials).toEqual([ci]);
  });

  it("an identifier not in the store is created with that identifier; neither name nor identifier warns", () => {
    const doc = sample();
    const id = "A".repeat(32);
    const p = plan(doc, base({ credentials: [{ identifier: id, admin: "alice" }, { admin: "alice" }] }));
    expect(p.changes.filter((c) => c.kind === "credential")).toEqual([
      { op: "create", kind: "credential", name: id, identifier: id },
      { op: "create", kind: "credential", name: "(unnamed)", identifier: null },
    ]);
    expect(p.warnings).toEqual([expect.stringMatching(/^credentials\[1\] has neither a name nor an identifier/)]);
  });

  it("matches by identifier before name, so a credential can be renamed", () => {
    const doc = sample();
    const ci = doc.credentials[0]!;
    const input = base({ credentials: [{ identifier: ci.identifier, name: "ci-renamed", admin: "alice", roles: ["billing"], ips: ["10.0.0.0/8"] }] });
    expect(plan(doc, input).changes).toEqual([
      { op: "update", kind: "credential", name: "ci-renamed", identifier: ci.identifier, fields: [{ field: "name", from: "ci-deploy", to: "ci-renamed" }] },
    ]);
  });

  it("omitted optional fields mean their defaults (the document is the whole desired state)", () => {
    const doc = sample();
    const ci = doc.credentials[0]!;
    const p = plan(doc, base({ credentials: [{ identifier: ci.identifier, admin: "alice" }] }));
    expect(p.changes[0]!.fields!.map((f) => f.field)).toEqual(["name", "roles", "ips"]);
  });

  it("moves a credential to another admin before --prune removes its old admin", () => {
    const doc = sample();
    const bobs = doc.credentials[1]!;
    const input = base({ credentials: [{ identifier: bobs.identifier, admin: "alice", description: "unnamed one", roles: ["billing", "support"] }] });
    apply(doc, input, true);
    expect(doc.admins.map((a) => a.username)).toEqual(["alice"]);
    expect(doc.credentials.map((c) => c.identifier)).toEqual([bobs.identifier]);
    expect(doc.credentials[0]!.adminId).toBe(doc.admins[0]!.id);
  });

  it("warns about credentials that will be denied (disabled admin, expired)", () => {
    const doc = emptyStore();
    const p = plan(doc, {
      version: 1,
      admins: [{ username: "off", disabled: true }],
      credentials: [{ name: "a", admin: "off" }, { name: "b", admin: "off", expiresAt: "2020-01-01" }],
    });
    expect(p.warnings).toEqual([
      expect.stringMatching(/credential a belongs to admin off, which is disabled/),
      expect.stringMatching(/credential b belongs to admin off/),
      expect.stringMatching(/credential b expired at 2020-01-01T00:00:00.000Z/),
    ]);
    apply(doc, p.changes.length ? { version: 1, admins: [{ username: "off", disabled: true }], credentials: [{ name: "a", admin: "off" }] } : {});
    expect(doc.admins[0]!.disabled).toBe(true);
    expect(doc.credentials).toHaveLength(1);
  });

  it("records one audit change per object, never a secret or a hash", () => {
    const doc = emptyStore();
    const { created, events } = apply(doc, exportDoc(sample()));
    expect(events.map((e) => e.object).sort()).toEqual(
      ["admin:alice", "admin:bob", "action:MyModuleSync", "role:billing", "role:support", "ip:203.0.113.7", "ip:10.0.0.0/8",
        ...created.map((c) => `credential:${c.identifier}`)].sort(),
    );
    const text = JSON.stringify(events);
    for (const c of created) expect(text).not.toContain(c.secret);
    for (const c of doc.credentials) expect(text).not.toContain(c.secretHash);
  });
});

describe("validation: every error, with its JSON path", () => {
  it.each<[string, unknown, RegExp[]]>([
    ["not an object", [], [/^\(document\): must be an object, not an array$/]],
    ["no version", { admins: [] }, [/^version: is required \(1\)$/]],
    ["newer version", { version: 2 }, [/^version: 2 was written by a newer apicred/]],
    ["unknown top-level key", { version: 1, role: [] }, [/^\(document\)\.role: unknown field \(did you mean roles\?\)/]],
    ["section not an array", { version: 1, roles: {} }, [/^roles: must be an array, not an object$/]],
    ["admin not an object", { version: 1, admins: ["alice"] }, [/^admins\[0\]: must be an object, not a string$/]],
    ["bad username", { version: 1, admins: [{ username: "-x" }] }, [/^admins\[0\]\.username: invalid admin username "-x"/]],
    ["disabled not boolean", { version: 1, admins: [{ username: "a", disabled: "yes" }] }, [/^admins\[0\]\.disabled: must be true or false, not a string$/]],
    ["duplicate admin", { version: 1, admins: [{ username: "a" }, { username: "A" }] }, [/^admins\[1\]\.username: "A" is listed twice \(also at admins\[0\]/]],
    ["unknown admin field", { version: 1, admins: [{ username: "a", password: "x" }] }, [/^admins\[0\]\.password: unknown field; allowed: username, disabled$/]],
    ["built-in action", { version: 1, actions: [{ name: "getclients", category: "Custom" }] }, [/^actions\[0\]\.name: getclients is a built-in WHMCS action/]],
    ["bad action name", { version: 1, actions: [{ name: "1x", category: "Custom" }] }, [/^actions\[0\]: invalid action name "1x"/]],
    ["action without category", { version: 1, actions: [{ name: "Ping" }] }, [/^actions\[0\]\.category: is required \(a string\)$/]],
    ["unknown action in a grant", { version: 1, roles: [{ name: "r", grants: ["GetClients", "GetInvoicez"] }] }, [/^roles\[0\]\.grants\[1\]: unknown action "GetInvoicez" in grant \(did you mean GetInvoice\?\)$/]],
    ["unknown category in a grant", { version: 1, roles: [{ name: "r", grants: ["Biling:*"] }] }, [/^roles\[0\]\.grants\[0\]: unknown category "Biling" in grant \(did you mean Billing:\*\?\)$/]],
    ["grant not a string", { version: 1, roles: [{ name: "r", grants: [7] }] }, [/^roles\[0\]\.grants\[0\]: must be a string, not a number$/]],
    ["bad role name", { version: 1, roles: [{ name: "a b" }] }, [/^roles\[0\]\.name: invalid role name "a b"/]],
    ["duplicate role", { version: 1, roles: [{ name: "r" }, { name: "R" }] }, [/^roles\[1\]\.name: "R" is listed twice/]],
    ["description too long", { version: 1, roles: [{ name: "r", description: "x".repeat(501) }] }, [/^roles\[0\]\.description: description too long/]],
    ["credential without admin", base({ credentials: [{ name: "c" }] }), [/^credentials\[0\]\.admin: is required \(a string\)$/]],
    ["credential of an unknown admin", base({ credentials: [{ name: "c", admin: "alcie" }] }), [/^credentials\[0\]\.admin: no admin "alcie" \(did you mean alice\?\)$/]],
    ["unknown role", base({ credentials: [{ name: "c", admin: "alice", roles: ["nope"] }] }), [/^credentials\[0\]\.roles\[0\]: no role "nope"$/]],
    ["bad identifier", base({ credentials: [{ identifier: "short", admin: "alice" }] }), [/^credentials\[0\]\.identifier: "short" is not an identifier/]],
    ["identifier-shaped name", base({ credentials: [{ name: "B".repeat(32), admin: "alice" }] }), [/^credentials\[0\]\.name: invalid credential name/]],
    ["bad ip", base({ credentials: [{ name: "c", admin: "alice", ips: ["10.0.0.1", "010.0.0.1"] }] }), [/^credentials\[0\]\.ips\[1\]: /]],
    ["host bits set", base({ credentials: [{ name: "c", admin: "alice", ips: ["10.0.0.5/8"] }] }), [/^credentials\[0\]\.ips\[0\]: .*host bits are set after \/8; the network is 10\.0\.0\.0\/8$/]],
    ["too many ips", base({ credentials: [{ name: "c", admin: "alice", ips: Array.from({ length: 101 }, (_, i) => `10.0.${i}.1`) }] }), [/^credentials\[0\]\.ips: too many IP restrictions \(101\)/]],
    ["bad expiry", base({ credentials: [{ name: "c", admin: "alice", expiresAt: "90d" }] }), [/^credentials\[0\]\.expiresAt: invalid date\/time "90d"/]],
    ["expiry not a string", base({ credentials: [{ name: "c", admin: "alice", expiresAt: 5 }] }), [/^credentials\[0\]\.expiresAt: must be a string or null, not a number$/]],
    ["duplicate credential name", base({ credentials: [{ name: "c", admin: "alice" }, { name: "C", admin: "alice" }] }), [/^credentials\[1\]\.name: "C" is listed twice/]],
    ["duplicate identifier", base({ credentials: [{ identifier: "A".repeat(32), admin: "alice" }, { identifier: "A".repeat(32), admin: "alice" }] }), [/^credentials\[1\]\.identifier: A{32} is listed twice/]],
    ["bad allowlist entry", { version: 1, ipAllowlist: [{ address: "1.2.3" }] }, [/^ipAllowlist\[0\]\.address: /]],
    ["duplicate allowlist entry", { version: 1, ipAllowlist: [{ address: "10.0.0.1" }, { address: "10.0.0.1/32" }] }, [/^ipAllowlist\[1\]\.address: 10\.0\.0\.1 is listed twice \(also at ipAllowlist\[0\]/]],
    ["note with a newline", { version: 1, ipAllowlist: [{ address: "10.0.0.1", note: "a\nb" }] }, [/^ipAllowlist\[0\]\.note: /]],
  ])("%s", (_name, input, expected) => {
    const got = problems(emptyStore(), input);
    expect(got).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(got[i]).toMatch(re));
  });

  it("collects every error at once, across sections", () => {
    const got = problems(emptyStore(), {
      version: 1,
      admins: [{ username: "ops" }, { username: "bad name" }],
      roles: [{ name: "r", grants: ["GetInvoicez", "Nope:*"] }],
      credentials: [{ name: "c", admin: "nobody", roles: ["r", "zzz"], ips: ["junk"] }],
      ipAllowlist: [{ address: "300.1.1.1" }],
    });
    expect(got.map((l) => l.split(":")[0])).toEqual([
      "admins[1].username",
      "roles[0].grants[0]",
      "roles[0].grants[1]",
      "credentials[0].admin",
      "credentials[0].roles[1]",
      "credentials[0].ips[0]",
      "ipAllowlist[0].address",
    ]);
  });

  it("a name held by a credential the document does not list is a conflict unless --prune", () => {
    const doc = sample();
    const input = { version: 1, credentials: [{ identifier: "C".repeat(32), name: "ci-deploy", admin: "alice" }] };
    expect(problems(doc, input)).toEqual([
      expect.stringMatching(/^credentials\[0\]\.name: "ci-deploy" is already the name of credential \w{32}, which this document does not list/),
    ]);
    expect(plan(doc, input, true).counts).toEqual({ create: 1, update: 0, remove: 2 });
  });

  it("references to what --prune removes are errors that say so", () => {
    const doc = sample();
    const got = problems(doc, { version: 1, admins: [{ username: "alice" }], roles: [], credentials: [{ name: "x", admin: "bob", roles: ["billing"] }] }, true);
    expect(got).toEqual([
      expect.stringMatching(/^credentials\[0\]\.admin: no admin "bob" \(it is not in the document's admins, so --prune removes it\)/),
      expect.stringMatching(/^credentials\[0\]\.roles\[0\]: no role "billing" \(it is not in the document's roles, so --prune removes it\)/),
    ]);
  });

  it("never echoes a value that looks like a secret (apc_…), wherever in a credential it was pasted", () => {
    const secret = generateSecret();
    const got = problems(sample(), base({
      credentials: [
        { identifier: secret, admin: "alice" },
        { identifier: ` ${secret}`, admin: "alice" },
        { name: secret, admin: "alice" },
        { name: secret, admin: "alice" },
        { name: ` ${secret}`, admin: "alice" },
        { name: "c", admin: secret },
        { name: "d", admin: "alice", roles: [secret] },
      ],
    }));
    expect(got.map((l) => l.split(":")[0])).toEqual([
      "credentials[0].identifier",
      "credentials[1].identifier",
      "credentials[2].name",
      "credentials[3].name",
      "credentials[3].name",
      "credentials[4].name",
      "credentials[5].admin",
      "credentials[6].roles[0]",
    ]);
    expect(got[0]).toMatch(/identifier: looks like a secret \(apc_…\), not an identifier/);
    expect(got[6]).toMatch(/admin: no admin \(a value that looks like a secret, apc_…, not shown\)/);
    for (const line of got) expect(line).not.toContain(secret.slice(4, 20));
  });

  it("two entries matching one stored credential are an error", () => {
    const doc = sample();
    const ci = doc.credentials[0]!;
    const got = problems(doc, base({ credentials: [{ identifier: ci.identifier, admin: "alice" }, { name: "ci-deploy", admin: "alice" }] }));
    expect(got).toEqual([expect.stringMatching(/^credentials\[1\]: matches the same credential \(\w{32}\) as credentials\[0\]$/)]);
  });

  it("lists at most 200 errors and counts the rest", () => {
    const input = { version: 1, admins: Array.from({ length: 250 }, () => ({ username: "-" })) };
    const lines = problems(emptyStore(), input);
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toBe("… and 50 more");
  });

  it("validation leaves the store untouched", () => {
    const doc = sample();
    const before = structuredClone(doc);
    problems(doc, base({ roles: [{ name: "r", grants: ["bogus"] }], credentials: [{ name: "c", admin: "x" }] }));
    expect(doc).toEqual(before);
  });
});

describe("bulk", () => {
  it("plans and applies 20,000 new credentials in linear time", () => {
    const doc = emptyStore();
    addAdmin(doc, "ops", NOW, noop);
    setAdminDisabled(doc, "ops", false, noop);
    const input = {
      version: 1,
      roles: [{ name: "r", grants: ["GetClients"] }],
      credentials: Array.from({ length: 20_000 }, (_, i) => ({ name: `c-${i}`, admin: "ops", roles: ["r"], ips: i % 2 ? ["10.0.0.0/8"] : [] })),
    };
    const t = performance.now();
    const { created, events } = apply(doc, input);
    const ms = performance.now() - t;
    expect(created).toHaveLength(20_000);
    expect(new Set(created.map((c) => c.identifier)).size).toBe(20_000);
    expect(events).toHaveLength(20_001);
    // A guard against quadratic matching (minutes here), not a benchmark: generous, so a loaded
    // machine never fails it. The bench (test/bench/bench.mjs) measures apply.
    expect(ms).toBeLessThan(30_000);
    expect(plan(doc, input).changes).toEqual([]);
  }, 90_000);
});

describe("the plan is data, applied through the commands' mutators", () => {
  it("is plain JSON naming store objects by key, and applies the same after a JSON round trip", () => {
    const doc = sample();
    const wanted = exportDoc(doc);
    wanted.roles[0]!.description = "invoices only";
    wanted.credentials[0]!.admin = "bob";
    const p = plan(doc, { ...wanted, ipAllowlist: [] }, true);
    const copy = JSON.parse(JSON.stringify(p));
    expect(copy).toEqual(p);
    expect(p.work.roles.update).toEqual([{ key: "billing", name: "billing", description: "invoices only", grants: wanted.roles[0]!.grants }]);
    expect(p.work.ips.remove).toEqual(["203.0.113.7", "10.0.0.0/8"]);
    const events: string[] = [];
    applyPlan(doc, copy, NOW, (object) => events.push(object));
    expect(exportDoc(doc)).toEqual({ ...wanted, ipAllowlist: [] });
  });

  it("records a credential or role update in the shape `credential edit` and `role edit` write", () => {
    const doc = sample();
    const wanted = exportDoc(doc);
    const ci = wanted.credentials.find((c) => c.name === "ci-deploy")!;
    Object.assign(ci, { name: "ci", admin: "bob", disabled: true });
    wanted.roles.find((r) => r.name === "support")!.grants = ["GetTickets"];
    const { events } = apply(doc, wanted);
    const [credential] = events.filter((e) => e.object.startsWith("credential:"));
    expect(credential!.change).toEqual({ name: "ci", admin: "bob", disabled: true });
    const edited = sample();
    const byEdit: { object: string; change: Record<string, unknown> }[] = [];
    editRole(edited, buildCatalog(edited.actions), "support", { set: ["GetTickets"] }, (object, change) => byEdit.push({ object, change }));
    expect(events.filter((e) => e.object === "role:support")).toEqual(byEdit);
  });

  it("renames an admin or action only in case, recording renamedFrom", () => {
    const doc = sample();
    const wanted = exportDoc(doc);
    wanted.admins[0]!.username = "Alice";
    wanted.actions[0]!.name = "mymodulesync";
    const { events } = apply(doc, wanted);
    expect(events).toEqual([
      { object: "admin:Alice", change: { renamedFrom: "alice" } },
      { object: "action:mymodulesync", change: { renamedFrom: "MyModuleSync" } },
    ]);
  });
});

describe("credential names move in a batch", () => {
  it("swaps two names, clears one, and takes the name of one --prune removes", () => {
    const doc = emptyStore();
    addAdmin(doc, "alice", NOW, noop);
    addAdmin(doc, "bob", NOW, noop);
    createCredential(doc, { admin: "alice", name: "a" }, NOW, noop);
    createCredential(doc, { admin: "alice", name: "b" }, NOW, noop);
    createCredential(doc, { admin: "alice", name: "c" }, NOW, noop);
    createCredential(doc, { admin: "bob", name: "d" }, NOW, noop);
    const wanted = exportDoc(doc);
    const [a, b, c] = wanted.credentials;
    Object.assign(a!, { name: "b" });
    Object.assign(b!, { name: "d" });
    Object.assign(c!, { name: null });
    wanted.admins = wanted.admins.filter((x) => x.username === "alice");
    wanted.credentials = [a!, b!, c!];
    const { events } = apply(doc, wanted, true);
    const records = events.filter((e) => e.object.startsWith("credential:")).map((e) => e.change);
    expect(records).toEqual([{ deleted: true, name: "d" }, { name: "b" }, { name: "d" }, { name: null }]);
    expect(doc.credentials.map((x) => x.name)).toEqual(["b", "d", null]);
    expect(events.at(-1)).toEqual({ object: "admin:bob", change: { removed: true, deletedCredentials: 0 } });
  });
});
