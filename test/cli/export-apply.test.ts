// Black-box: `apicred export [--file F]` and `apicred apply --file F [--dry-run] [--prune]`.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const auditPath = () => sb.store.replace(/\.json$/, ".audit.jsonl");
const auditLines = () => ((sb.auditText() !== "") ? sb.auditText().trim().split("\n") : []);

function file(name: string, doc: unknown): string {
  const path = join(sb.dir, name);
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc));
  return path;
}

/** A store with one of everything, made with the ordinary commands. Returns the credential's secret. */
function populate(): string {
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["admin", "add", "bob"]);
  sb.ok(["action", "add", "MyModuleSync", "--category", "Custom"]);
  sb.ok(["role", "create", "billing", "-d", "read invoices", "--allow", "GetInvoices,Billing:*"]);
  sb.ok(["role", "create", "support", "--allow", "Support:*"]);
  const secret = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci-deploy", "--ip", "10.0.0.0/8", "--expires", "2099-01-01"]).secret;
  sb.ok(["credential", "create", "--admin", "bob", "--role", "support,billing"]);
  sb.ok(["ip", "add", "203.0.113.7", "--note", "Server"]);
  sb.ok(["ip", "add", "2001:db8::/32"]);
  return secret;
}

describe("export", () => {
  it("prints the SPEC document: sorted, custom actions only, no secret, hash or access key", () => {
    const secret = populate();
    sb.ok(["access-key", "set"]);
    const r = sb.run(["export"]);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(Object.keys(doc)).toEqual(["version", "admins", "actions", "roles", "credentials", "ipAllowlist"]);
    expect(doc.version).toBe(1);
    expect(doc.actions).toEqual([{ name: "MyModuleSync", category: "Custom" }]);
    expect(doc.roles[0]).toEqual({ name: "billing", description: "read invoices", grants: ["Billing:*", "GetInvoices"] });
    expect(doc.credentials[0]).toMatchObject({
      name: "ci-deploy", admin: "alice", description: "", roles: ["billing"], ips: ["10.0.0.0/8"], expiresAt: "2099-01-01T00:00:00.000Z",
    });
    expect(doc.credentials[1]).toMatchObject({ name: null, admin: "bob", roles: ["billing", "support"] });
    expect(doc.ipAllowlist).toEqual([{ address: "2001:db8::/32", note: "" }, { address: "203.0.113.7", note: "Server" }]);
    const store = sb.storeDoc();
    expect(r.stdout).not.toContain(secret);
    for (const c of store.credentials) expect(r.stdout).not.toContain(c.secretHash);
    expect(r.stdout).not.toContain(store.accessKey.hash);
    expect(r.stdout).not.toMatch(/accessKey|secret|hash/i);
    // --json prints the same document.
    expect(sb.ok(["export"])).toEqual(doc);
  });

  it("--file writes the same bytes atomically and reports counts", () => {
    populate();
    const out = join(sb.dir, "desired.json");
    const r = sb.ok(["export", "--file", out]);
    expect(r).toEqual({ file: out, admins: 2, actions: 1, roles: 2, credentials: 2, ipAllowlist: 2 });
    expect(readFileSync(out, "utf8")).toBe(sb.run(["export"]).stdout);
    expect(statSync(out).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("--file over a symlink replaces the file it points to and keeps the link", () => {
    populate();
    const real = join(sb.dir, "real.json");
    writeFileSync(real, "old\n");
    const link = join(sb.dir, "link.json");
    symlinkSync(real, link);
    sb.ok(["export", "--file", link]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe(sb.run(["export"]).stdout);
    expect(readdirSync(sb.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("--file in a missing folder is exit 2 and leaves nothing behind", () => {
    populate();
    const r = sb.run(["export", "--file", join(sb.dir, "nope", "x.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--file: cannot write .*nope\/x\.json: no such folder/);
  });

  it("a missing store is exit 5 (export only reads)", () => {
    const r = sb.run(["export"]);
    expect(r.code).toBe(5);
    expect((sb.storeText() !== undefined)).toBe(false);
  });
});

describe("apply", () => {
  it("round trip: export -> apply on an empty store -> export gives the same document", () => {
    populate();
    const exported = sb.run(["export"]).stdout;
    const desired = file("desired.json", exported);
    const other = new Sandbox();
    try {
      const r = other.ok(["apply", "--file", desired]);
      expect(r.dryRun).toBe(false);
      expect(r.changed).toBe(true);
      expect(r.summary).toEqual({ create: 9, update: 0, remove: 0 }); // 2 admins, 1 action, 2 roles, 2 credentials, 2 IPs
      expect(r.created).toHaveLength(2);
      expect(other.run(["export"]).stdout).toBe(exported);
    } finally {
      other.cleanup();
    }
  });

  it("secrets of created credentials are printed once, work with check, and are nowhere else", () => {
    const desired = file("d.json", {
      version: 1,
      admins: [{ username: "ops" }],
      roles: [{ name: "reader", grants: ["GetClients"] }],
      credentials: [{ name: "svc", admin: "ops", roles: ["reader"] }],
      ipAllowlist: [{ address: "192.0.2.1" }],
    });
    const r = sb.ok(["apply", "--file", desired]);
    expect(r.created).toEqual([{ name: "svc", identifier: expect.stringMatching(/^[A-Za-z0-9]{32}$/), secret: expect.stringMatching(/^apc_/) }]);
    const { identifier, secret } = r.created[0];
    expect(r.changes).toContainEqual({ op: "create", kind: "credential", name: "svc", identifier });
    const check = sb.run(["check", "svc", "GetClients", "--ip", "192.0.2.1", "--secret-file", "-", "--json"], { input: secret });
    expect(check.json()).toMatchObject({ allowed: true, reason: "allowed" });
    for (const text of [sb.storeText()!, sb.auditText(), sb.run(["export"]).stdout, sb.run(["apply", "--file", desired]).stdout]) {
      expect(text).not.toContain(secret);
    }
  });

  it("human output: a diff-like plan, the secrets once on stdout, the warning on stderr", () => {
    populate();
    const doc = sb.ok(["export"]);
    doc.credentials[0].roles = ["billing", "support"];
    doc.roles.push({ name: "extra", description: "", grants: ["GetClients"] });
    doc.credentials.push({ name: "new-one", admin: "alice", roles: ["extra"] });
    doc.ipAllowlist = doc.ipAllowlist.filter((e: { address: string }) => e.address !== "2001:db8::/32");
    const r = sb.run(["apply", "--file", file("d.json", doc), "--prune", "--yes"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContain("+ role extra");
    expect(lines).toContain("~ credential ci-deploy: roles billing -> billing,support");
    expect(lines).toContain("- ip 2001:db8::/32");
    expect(lines.some((l) => /^\+ credential new-one \([A-Za-z0-9]{32}\)$/.test(l))).toBe(true);
    expect(lines).toContain("applied: 2 created, 1 updated, 1 removed");
    expect(r.stdout).toMatch(/new-one\t[A-Za-z0-9]{32}\tapc_\w+/);
    expect(r.stderr).toMatch(/warning: this secret is shown only once/);
    expect(r.stderr).not.toMatch(/apc_/);
  });

  it("--dry-run prints the same plan, clearly labelled, and writes nothing", () => {
    populate();
    const doc = sb.ok(["export"]);
    doc.roles[0].grants.push("GetOrders");
    doc.credentials.push({ name: "new-one", admin: "alice" });
    doc.ipAllowlist = [];
    const desired = file("d.json", doc);
    const before = Buffer.from(sb.storeText()!);
    const auditBefore = Buffer.from(sb.auditText());
    const human = sb.run(["apply", "--file", desired, "--dry-run", "--prune"]);
    expect(human.code).toBe(0);
    expect(human.stdout.split("\n")[0]).toBe(`DRY RUN: nothing is written; apply --file ${desired} would make these changes:`);
    expect(human.stdout).toContain("~ role billing: grants Billing:*,GetInvoices -> Billing:*,GetInvoices,GetOrders");
    expect(human.stdout).toContain("+ credential new-one\n");
    expect(human.stdout).toContain("dry run: 1 to create, 1 to update, 2 to remove; nothing was written");
    expect(human.stdout).not.toMatch(/apc_/);
    const json = sb.ok(["apply", "--file", desired, "--dry-run", "--prune"]);
    expect(json).toMatchObject({ dryRun: true, changed: true, created: [], summary: { create: 1, update: 1, remove: 2 } });
    // Neither dry run wrote the store or the audit log.
    expect(Buffer.from(sb.storeText()!).equals(before)).toBe(true);
    expect(Buffer.from(sb.auditText()).equals(auditBefore)).toBe(true);
    // The real apply does what the dry run said.
    const real = sb.ok(["apply", "--file", desired, "--prune", "--yes"]);
    expect(real.summary).toEqual(json.summary);
    const line = (c: { op: string; kind: string; name: string }) => `${c.op} ${c.kind} ${c.name}`;
    expect(real.changes.map(line)).toEqual(json.changes.map(line));
    expect(Buffer.from(sb.storeText()!).equals(before)).toBe(false);
  });

  it("--dry-run on a missing store plans against an empty one and creates nothing", () => {
    const r = sb.ok(["apply", "--file", file("d.json", { version: 1, admins: [{ username: "a" }] }), "--dry-run"]);
    expect(r.changes).toEqual([{ op: "create", kind: "admin", name: "a" }]);
    expect((sb.storeText() !== undefined)).toBe(false);
    expect((sb.auditText() !== "")).toBe(false);
  });

  it("is idempotent: the second apply changes nothing and writes nothing", () => {
    populate();
    const desired = file("d.json", sb.run(["export"]).stdout);
    const first = sb.ok(["apply", "--file", desired]);
    expect(first.changed).toBe(false);
    const bytes = Buffer.from(sb.storeText()!);
    const audit = auditLines().length;
    const r = sb.run(["apply", "--file", desired]);
    expect(r.stdout).toBe("no changes; the store already matches\n");
    expect(Buffer.from(sb.storeText()!).equals(bytes)).toBe(true);
    expect(auditLines()).toHaveLength(audit);
  });

  it("--prune removes what the document leaves out (and only with --prune)", () => {
    populate();
    const desired = file("d.json", { version: 1, admins: [{ username: "alice" }], roles: [], ipAllowlist: [] });
    const keep = sb.ok(["apply", "--file", desired]);
    expect(keep.summary).toEqual({ create: 0, update: 0, remove: 0 });
    const r = sb.ok(["apply", "--file", desired, "--prune", "--yes"]);
    expect(r.changes).toEqual([
      { op: "remove", kind: "admin", name: "bob", credentialsRemoved: 1 },
      { op: "remove", kind: "role", name: "billing" },
      { op: "remove", kind: "role", name: "support" },
      { op: "remove", kind: "ip", name: "203.0.113.7" },
      { op: "remove", kind: "ip", name: "2001:db8::/32" },
    ]);
    const after = sb.ok(["export"]);
    expect(after.admins).toEqual([{ username: "alice", disabled: false }]);
    expect(after.roles).toEqual([]);
    expect(after.ipAllowlist).toEqual([]);
    expect(after.actions).toHaveLength(1); // no "actions" key: not managed
    expect(after.credentials).toEqual([expect.objectContaining({ name: "ci-deploy", roles: [] })]);
  });

  it("--prune that removes something needs --yes when not interactive: exit 2, nothing written", () => {
    populate();
    const desired = file("d.json", { version: 1, admins: [{ username: "alice" }], roles: [], ipAllowlist: [] });
    const bytes = Buffer.from(sb.storeText()!);
    const audit = auditLines().length;
    for (const json of [[], ["--json"]]) {
      const r = sb.run(["apply", "--file", desired, "--prune", ...json]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/apply: --yes required when not running interactively/);
    }
    // The document on stdin: stdin is not a terminal to answer on, so --yes is needed too.
    expect(sb.run(["apply", "--file", "-", "--prune"], { input: readFileSync(desired, "utf8") }).code).toBe(2);
    expect(Buffer.from(sb.storeText()!).equals(bytes)).toBe(true);
    expect(auditLines()).toHaveLength(audit);
    // --dry-run writes nothing, so it needs no --yes; nor does a --prune that removes nothing.
    expect(sb.ok(["apply", "--file", desired, "--prune", "--dry-run"]).summary.remove).toBe(5);
    const same = file("same.json", sb.run(["export"]).stdout);
    expect(sb.ok(["apply", "--file", same, "--prune"]).changed).toBe(false);
    expect(sb.ok(["apply", "--file", desired, "--prune", "--yes"]).summary.remove).toBe(5);
  });

  it.each<[string, unknown, RegExp]>([
    ["an unknown action in a grant", { version: 1, roles: [{ name: "r", grants: ["GetInvoicez"] }] }, /roles\[0\]\.grants\[0\]: unknown action "GetInvoicez"/],
    ["an unknown role", { version: 1, credentials: [{ name: "c", admin: "alice", roles: ["nope"] }] }, /credentials\[0\]\.roles\[0\]: no role "nope"/],
    ["an unknown admin", { version: 1, credentials: [{ name: "c", admin: "zed" }] }, /credentials\[0\]\.admin: no admin "zed"/],
    ["a bad IP", { version: 1, ipAllowlist: [{ address: "010.0.0.1" }] }, /ipAllowlist\[0\]\.address: /],
    ["a bad credential IP", { version: 1, credentials: [{ name: "c", admin: "alice", ips: ["10.1"] }] }, /credentials\[0\]\.ips\[0\]: /],
    ["a bad expiry", { version: 1, credentials: [{ name: "c", admin: "alice", expiresAt: "soon" }] }, /credentials\[0\]\.expiresAt: invalid date\/time "soon"/],
    ["a typo in a key", { version: 1, credential: [] }, /\(document\)\.credential: unknown field \(did you mean credentials\?\)/],
    ["a wrong version", { version: 2 }, /version: 2 was written by a newer apicred/],
    ["a duplicate role", { version: 1, roles: [{ name: "r" }, { name: "r" }] }, /roles\[1\]\.name: "r" is listed twice/],
    ["a taken credential name", { version: 1, credentials: [{ identifier: "Q".repeat(32), name: "ci-deploy", admin: "alice" }] }, /credentials\[0\]\.name: "ci-deploy" is already the name of credential/],
    ["a built-in action", { version: 1, actions: [{ name: "GetClients", category: "Custom" }] }, /actions\[0\]\.name: GetClients is a built-in WHMCS action/],
    ["not JSON", "{ version: 1", /--file: .*d\.json is not valid JSON at line 1, column \d+/],
    ["not an object", "[]", /\(document\): must be an object, not an array/],
  ])("%s is exit 2 with its path, and nothing is written", (_name, doc, message) => {
    populate();
    const desired = file("d.json", doc);
    const bytes = Buffer.from(sb.storeText()!);
    const audit = auditLines().length;
    for (const flags of [[], ["--dry-run"]]) {
      const r = sb.run(["apply", "--file", desired, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
      const j = sb.run(["apply", "--file", desired, ...flags, "--json"]);
      expect(j.code).toBe(2);
      expect(JSON.parse(j.stderr).error.code).toMatch(/^invalid_(document|json)$/);
    }
    expect(Buffer.from(sb.storeText()!).equals(bytes)).toBe(true);
    expect(auditLines()).toHaveLength(audit);
  });

  it("reports every error of the document at once", () => {
    sb.ok(["init"]);
    const r = sb.run(["apply", "--file", file("d.json", {
      version: 1,
      roles: [{ name: "r", grants: ["GetInvoicez", "Biling:*"] }],
      credentials: [{ name: "c", admin: "nobody", roles: ["r"], ips: ["1.2.3"] }],
    })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 4 errors; nothing was changed/);
    for (const path of ["roles[0].grants[0]", "roles[0].grants[1]", "credentials[0].admin", "credentials[0].ips[0]"]) {
      expect(r.stderr).toContain(`  ${path}: `);
    }
  });

  it("a missing --file or file is exit 2", () => {
    expect(sb.run(["apply"]).code).toBe(2);
    const r = sb.run(["apply", "--file", join(sb.dir, "nope.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.json: no such file/);
  });

  it("reads the document from stdin with --file -", () => {
    const r = sb.ok(["apply", "--file", "-"], { input: JSON.stringify({ version: 1, admins: [{ username: "a" }] }) });
    expect(r).toMatchObject({ file: "stdin", summary: { create: 1, update: 0, remove: 0 } });
  });

  it("bulk: 10,000 new credentials in one process, one store write and one audit append", async () => {
    sb.ok(["init"]);
    const n = 10_000;
    const desired = file("bulk.json", {
      version: 1,
      admins: [{ username: "ops" }],
      roles: Array.from({ length: 50 }, (_, i) => ({ name: `role-${i}`, grants: ["GetClients", "Support:*"] })),
      credentials: Array.from({ length: n }, (_, i) => ({ name: `cred-${i}`, admin: "ops", roles: [`role-${i % 50}`], ips: i % 3 ? [] : ["203.0.113.0/24"] })),
    });
    const before = auditLines().length;
    const run = await sb.spawn(["apply", "--file", desired, "--json"]); // async: the output is over spawnSync's buffer
    expect(run.code).toBe(0);
    const r = run.json();
    expect(r.created).toHaveLength(n);
    expect(new Set(r.created.map((c: { identifier: string }) => c.identifier)).size).toBe(n);
    // One write: every audit event of the apply carries the same timestamp (one update, one append).
    const events = auditLines().slice(before).map((l) => JSON.parse(l));
    expect(events).toHaveLength(1 + 50 + n);
    expect(new Set(events.map((e) => e.time)).size).toBe(1);
    expect(new Set(events.map((e) => e.command))).toEqual(new Set(["apply"]));
    expect((await sb.spawn(["credential", "list", "--json"])).json()).toHaveLength(n);
  });
});
