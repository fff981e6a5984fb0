// Black-box: `apicred credential create | list | show | edit | rotate | delete` (alias cred, revoke).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing-read", "--allow", "Billing:*"]);
  sb.ok(["role", "create", "clients", "--allow", "Client:*"]);
});
afterEach(() => sb.cleanup());

const auditPath = () => `${sb.store.replace(/\.json$/, "")}.audit.jsonl`;
const storeDoc = () => sb.storeDoc();
const sha256 = (s: string) => createHash("sha256").update(s).digest("base64url");
const SECRET = /^apc_[0-9A-Za-z]{39}$/;
const IDENT = /^[A-Za-z0-9]{32}$/;

describe("credential create", () => {
  it("creates a credential and prints the secret once (JSON shape)", () => {
    const c = sb.ok(["credential", "create", "--admin", "ALICE", "--role", "billing-read", "--role", "Clients", "--name", "ci-deploy", "-d", "CI job", "--ip", "10.0.0.0/8,2001:DB8::1", "--expires", "90d"]);
    expect(c).toEqual({
      identifier: expect.stringMatching(IDENT),
      secret: expect.stringMatching(SECRET),
      name: "ci-deploy",
      admin: "alice",
      description: "CI job",
      roles: ["billing-read", "clients"],
      ips: ["10.0.0.0/8", "2001:db8::1"],
      expiresAt: expect.any(String),
      expired: false,
      status: "active",
      createdAt: expect.any(String),
      rotatedAt: null,
      previousSecretValidUntil: null,
    });
    const days = (Date.parse(c.expiresAt) - Date.parse(c.createdAt)) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
    expect(Object.keys(c)[0]).toBe("identifier");
    expect(Object.keys(c)[1]).toBe("secret");
  });

  it("human mode: identifier and secret on stdout, the one-time warning on stderr", () => {
    const r = sb.run(["cred", "create", "--admin", "alice"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^identifier  [A-Za-z0-9]{32}\nsecret      apc_[0-9A-Za-z]{39}\n$/);
    expect(r.stderr).toContain("created credential");
    expect(r.stderr).toContain("no roles: it authorizes nothing yet");
    expect(r.stderr).toMatch(/warning: this secret is shown only once/);
    expect(r.stderr).not.toMatch(/apc_/);
  });

  it("the secret appears nowhere after creation: not in the store, the audit log, list, show or rotate's old output", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "n1"]);
    const store = sb.storeText()!;
    expect(store).not.toContain(c.secret);
    expect(store).not.toContain(c.secret.slice(4, 30));
    expect(storeDoc().credentials[0].secretHash).toBe(sha256(c.secret));
    const outputs = [
      sb.run(["credential", "list"]),
      sb.run(["credential", "list", "--json"]),
      sb.run(["credential", "show", "n1"]),
      sb.run(["credential", "show", c.identifier, "--json"]),
      sb.run(["credential", "edit", "n1", "-d", "x", "--json"]),
      sb.run(["credential", "show", "nope"]),
      sb.run(["role", "show", "billing-read", "--json"]),
      sb.run(["status", "--json"]),
    ];
    const r = sb.ok(["credential", "rotate", "n1", "--grace", "1h"]);
    expect(r.secret).not.toBe(c.secret);
    outputs.push(sb.run(["credential", "show", "n1", "--json"]), sb.run(["credential", "delete", "n1", "--yes"]));
    for (const o of outputs) {
      expect(o.stdout + o.stderr).not.toContain(c.secret.slice(4, 30));
      expect(o.stdout + o.stderr).not.toContain(r.secret.slice(4, 30));
      expect(o.stdout + o.stderr).not.toContain(sha256(c.secret));
    }
    const log = sb.auditText();
    for (const s of [c.secret, r.secret]) {
      expect(log).not.toContain(s.slice(4, 30));
      expect(log).not.toContain(sha256(s));
    }
    expect(log).toContain('"command":"credential create"');
    expect(log).toContain('"command":"credential rotate"');
    expect(log).toContain('"command":"credential delete"');
  });

  it("without --admin and without a TTY: exit 2 naming --admin, nothing written", () => {
    const before = sb.storeText()!;
    const r = sb.run(["credential", "create", "--role", "billing-read", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.message).toBe("credential create: --admin is required when not running interactively");
    expect(r.stdout).toBe("");
    expect(sb.storeText()!).toBe(before);
  });

  it("an unknown admin is exit 3, a disabled one exit 2, an unknown role exit 3", () => {
    const unknown = sb.run(["credential", "create", "--admin", "alise"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/no admin "alise" \(did you mean alice\?\)/);
    sb.ok(["admin", "disable", "alice"]);
    const disabled = sb.run(["credential", "create", "--admin", "alice", "--json"]);
    expect(disabled.code).toBe(2);
    expect(JSON.parse(disabled.stderr).error).toEqual({ code: "admin_disabled", message: expect.stringMatching(/admin alice is disabled.*admin enable alice/) });
    sb.ok(["admin", "enable", "alice"]);
    const role = sb.run(["credential", "create", "--admin", "alice", "--role", "billing-reed"]);
    expect(role.code).toBe(3);
    expect(role.stderr).toMatch(/no role "billing-reed" \(did you mean billing-read\?\)/);
    expect(storeDoc().credentials).toHaveLength(0);
  });

  it.each([
    [["--ip", "010.0.0.1"], 2, /invalid IP address or CIDR range "010.0.0.1"/],
    [["--ip", "10.1"], 2, /invalid IP/],
    [["--ip", "fe80::1%eth0"], 2, /invalid IP/],
    [["--ip", "10.0.0.5/8"], 2, /host bits are set/],
    [["--expires", "2000-01-01"], 2, /--expires: .*not in the future/],
    [["--expires", "soon"], 2, /--expires: invalid date\/time "soon"/],
    [["--expires", "2030-02-30"], 2, /day 30 does not exist/],
    [["--name", "bad name"], 2, /invalid credential name/],
    [["--name", "A".repeat(32)], 2, /look like an identifier/],
    [["-d", "x".repeat(501)], 2, /description too long/],
  ])("rejects %j with exit %d", (flags, code, message) => {
    const r = sb.run(["credential", "create", "--admin", "alice", ...flags]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(storeDoc().credentials).toHaveLength(0);
  });

  it("IP limits: canonical, deduplicated, --normalize clears host bits, at most 100", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--ip", "10.0.0.1,10.0.0.1/32,::ffff:10.0.0.1,2001:0DB8:0:0::0/32", "--ip", "10.9.9.9/8", "--normalize"]);
    expect(c.ips).toEqual(["10.0.0.1", "2001:db8::/32", "10.0.0.0/8"]);
    const hundred = Array.from({ length: 100 }, (_, i) => `10.0.${i}.1`).join(",");
    expect(sb.ok(["credential", "create", "--admin", "alice", "--ip", hundred]).ips).toHaveLength(100);
    const r = sb.run(["credential", "create", "--admin", "alice", "--ip", hundred, "--ip", "192.0.2.1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too many IP restrictions \(101\); a credential takes at most 100/);
  });

  it("names are unique case-insensitively (exit 4); identifiers are unique", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "ci"]);
    const r = sb.run(["credential", "create", "--admin", "alice", "--name", "CI"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/a credential named "ci" already exists/);
  });
});

describe("credential list and show", () => {
  it("lists without secrets, filters by admin, role and --expiring, shows expired credentials", () => {
    sb.ok(["admin", "add", "bob"]);
    const a = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "a", "--expires", "10d"]);
    const b = sb.ok(["credential", "create", "--admin", "bob", "--role", "clients", "--name", "b", "--expires", "60d"]);
    const c = sb.ok(["credential", "create", "--admin", "bob", "--expires", "2s"]);
    const all = sb.ok(["credential", "list"]);
    expect(all.map((x: any) => x.identifier)).toEqual([a.identifier, b.identifier, c.identifier]);
    for (const x of all) expect(x).not.toHaveProperty("secret");
    const { secret: _s, ...aView } = a;
    expect(all[0]).toEqual({ ...aView, lastUsedAt: null, lastUsedIp: null });
    expect(sb.ok(["credential", "list", "--admin", "BOB"]).map((x: any) => x.name)).toEqual(["b", null]);
    expect(sb.ok(["credential", "list", "--role", "billing-read"]).map((x: any) => x.name)).toEqual(["a"]);
    expect(sb.ok(["credential", "list", "--expiring", "30d"]).map((x: any) => x.identifier)).toEqual([a.identifier, c.identifier]);
    expect(sb.run(["credential", "list", "--expiring", "soon"]).code).toBe(2);
    expect(sb.run(["credential", "list", "--admin", "nobody"]).code).toBe(3);
    expect(sb.run(["credential", "list", "--role", "nothing"]).code).toBe(3);

    // Wait for the 2s credential to expire.
    const deadline = Date.parse(c.expiresAt);
    while (Date.now() <= deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const expired = sb.ok(["credential", "show", c.identifier]);
    expect(expired).toMatchObject({ expired: true, status: "expired" });
    const tsv = sb.run(["credential", "list", "--admin", "bob"]).stdout.trim().split("\n");
    expect(tsv[1]!.split("\t")).toEqual([c.identifier, "", "bob", "", "expired", c.expiresAt, "never"]);
    expect(sb.run(["credential", "show", c.identifier]).stdout).toMatch(/status\s+expired/);
  });

  it("show resolves an identifier or a name (any case); unknown is exit 3 with a suggestion", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--name", "ci-deploy"]);
    expect(sb.ok(["credential", "show", "CI-Deploy"]).identifier).toBe(c.identifier);
    expect(sb.ok(["cred", "show", c.identifier]).name).toBe("ci-deploy");
    const r = sb.run(["credential", "show", "ci-deplo"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no credential "ci-deplo" \(did you mean ci-deploy\?\)/);
  });

  it("a secret pasted where a credential belongs is never echoed back", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--name", "ci"]);
    for (const args of [["credential", "show", c.secret], ["credential", "rotate", c.secret], ["credential", "delete", c.secret, "-y"], ["credential", "edit", c.secret, "-d", "x"]]) {
      const r = sb.run(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/that looks like a secret \(apc_…\); pass the identifier or the name/);
      expect(r.stderr + r.stdout).not.toContain(c.secret.slice(4, 20));
    }
    const named = sb.run(["credential", "create", "--admin", "alice", "--name", c.secret]);
    expect(named.code).toBe(2);
    expect(named.stderr).not.toContain(c.secret.slice(4, 20));
    expect(sb.auditText()).not.toContain(c.secret.slice(4, 20));
  });

  it("shows admin_disabled while its admin is disabled; removing the admin deletes its credentials", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice"]);
    sb.ok(["admin", "disable", "alice"]);
    expect(sb.ok(["credential", "show", c.identifier]).status).toBe("admin_disabled");
    sb.ok(["admin", "enable", "alice"]);
    expect(sb.ok(["credential", "show", c.identifier]).status).toBe("active");
    expect(sb.ok(["admin", "remove", "alice", "--yes"]).deletedCredentials).toBe(1);
    sb.ok(["admin", "add", "alice"]);
    expect(sb.ok(["credential", "list"])).toEqual([]);
    expect(sb.run(["credential", "show", c.identifier]).code).toBe(3);
  });
});

describe("credential edit", () => {
  let id: string;
  beforeEach(() => {
    id = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "ci", "--ip", "10.0.0.1", "--expires", "30d"]).identifier;
  });

  it("changes name, description, roles, IPs and expiry", () => {
    expect(sb.ok(["credential", "edit", "ci", "--name", "ci2", "-d", "new"])).toMatchObject({ name: "ci2", description: "new", changed: true });
    expect(sb.ok(["credential", "edit", id, "--add-role", "clients"]).roles).toEqual(["billing-read", "clients"]);
    expect(sb.ok(["credential", "edit", id, "--remove-role", "billing-read"]).roles).toEqual(["clients"]);
    expect(sb.ok(["credential", "edit", id, "--role", "billing-read,clients"]).roles).toEqual(["billing-read", "clients"]);
    expect(sb.ok(["credential", "edit", id, "--role", ""]).roles).toEqual([]);
    expect(sb.ok(["credential", "edit", id, "--ip", "192.0.2.0/24", "--ip", "::1"]).ips).toEqual(["192.0.2.0/24", "::1"]);
    expect(sb.ok(["credential", "edit", id, "--clear-ips"]).ips).toEqual([]);
    const e = sb.ok(["credential", "edit", id, "--expires", "2099-01-01T00:00:00Z"]);
    expect(e.expiresAt).toBe("2099-01-01T00:00:00.000Z");
    expect(sb.ok(["credential", "edit", id, "--no-expiry"]).expiresAt).toBeNull();
    expect(sb.ok(["credential", "edit", id, "--name", ""]).name).toBeNull();
    const log = sb.auditText();
    expect(log).toContain('"change":{"name":"ci2","description":"new"}');
  });

  it("keeps the secret: edit never prints or changes it", () => {
    const before = storeDoc().credentials[0].secretHash;
    const r = sb.run(["credential", "edit", "ci", "-d", "x", "--json"]);
    expect(r.json()).not.toHaveProperty("secret");
    expect(storeDoc().credentials[0].secretHash).toBe(before);
  });

  it.each([
    [[], 2, /nothing to change/],
    [["--ip", "10.0.0.2", "--clear-ips"], 2, /--ip and --clear-ips cannot be combined/],
    [["--expires", "1d", "--no-expiry"], 2, /--expires and --no-expiry cannot be combined/],
    [["--role", "clients", "--add-role", "clients"], 2, /--role replaces every role/],
    [["--ip", "1.2.3"], 2, /invalid IP/],
    [["--expires", "-1d"], 2, /invalid date\/time/],
    [["--expires", "2001-01-01"], 2, /not in the future/],
    [["--add-role", "nope"], 3, /no role "nope"/],
    [["--name", "bad name"], 2, /invalid credential name/],
  ])("rejects %j with exit %d and changes nothing", (flags, code, message) => {
    const before = sb.storeText()!;
    const r = sb.run(["credential", "edit", "ci", ...flags]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(sb.storeText()!).toBe(before);
  });

  it("a name taken by another credential is exit 4; an unknown credential exit 3", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "other"]);
    expect(sb.run(["credential", "edit", "ci", "--name", "OTHER"]).code).toBe(4);
    expect(sb.ok(["credential", "edit", "ci", "--name", "CI"]).name).toBe("CI");
    expect(sb.run(["credential", "edit", "nope", "-d", "x"]).code).toBe(3);
  });
});

describe("credential rotate", () => {
  it("issues a new secret for the same identifier and roles; without --grace the old hash is gone", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "ci"]);
    const r = sb.ok(["credential", "rotate", "ci"]);
    expect(r).toMatchObject({ identifier: c.identifier, roles: ["billing-read"], secret: expect.stringMatching(SECRET), previousSecretValidUntil: null, rotatedAt: expect.any(String) });
    expect(r.secret).not.toBe(c.secret);
    const stored = storeDoc().credentials[0];
    expect(stored.secretHash).toBe(sha256(r.secret));
    expect(stored.previousSecret).toBeNull();
    expect(sb.storeText()!).not.toContain(sha256(c.secret));
  });

  it("with --grace keeps the old hash until the grace ends", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--name", "ci"]);
    const r = sb.ok(["cred", "rotate", c.identifier, "--grace", "2h"]);
    const stored = storeDoc().credentials[0];
    expect(stored.previousSecret).toEqual({ hash: sha256(c.secret), until: r.previousSecretValidUntil });
    expect(Date.parse(r.previousSecretValidUntil) - Date.parse(r.rotatedAt)).toBe(2 * 3_600_000);
    expect(sb.ok(["credential", "show", "ci"]).previousSecretValidUntil).toBe(r.previousSecretValidUntil);
    // A second rotation replaces the grace: only the secret just rotated out still works.
    const r2 = sb.ok(["credential", "rotate", "ci", "--grace", "1h"]);
    expect(storeDoc().credentials[0].previousSecret.hash).toBe(sha256(r.secret));
    expect(sb.storeText()!).not.toContain(sha256(c.secret));
    expect(r2.secret).not.toBe(r.secret);
  });

  it("end to end with check: the old secret works during the grace, then never; the new one at once", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "ci"]);
    const r = sb.ok(["credential", "rotate", "ci", "--grace", "2s"]);
    const check = (secret: string) => {
      writeFileSync(join(sb.dir, "secret.txt"), secret, { mode: 0o600 });
      return sb.run(["check", "ci", "GetInvoices", "--secret-file", join(sb.dir, "secret.txt"), "--json"]);
    };
    expect(check(r.secret).code).toBe(0);
    const during = check(c.secret);
    expect(during.code).toBe(0);
    expect(during.json()).toMatchObject({ allowed: true, reason: "allowed" });
    while (Date.now() <= Date.parse(r.previousSecretValidUntil)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const after = check(c.secret);
    expect(after.code).toBe(1);
    expect(after.json()).toMatchObject({ allowed: false, reason: "bad_secret" });
    expect(check(r.secret).code).toBe(0);
    const mistyped = r.secret.slice(0, 10) + (r.secret[10] === "x" ? "y" : "x") + r.secret.slice(11);
    expect(check(mistyped).json()).toMatchObject({ allowed: false, reason: "bad_secret" });
  });

  it("human mode prints the new secret once with the warning; bad input is exit 2/3", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "ci"]);
    const h = sb.run(["credential", "rotate", "ci", "--grace", "30m"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^identifier  [A-Za-z0-9]{32}\nsecret      apc_[0-9A-Za-z]{39}\n$/);
    expect(h.stderr).toMatch(/the old secret keeps working until \d{4}-/);
    expect(h.stderr).toMatch(/warning: this secret is shown only once/);
    expect(sb.run(["credential", "rotate", "ci", "--grace", "forever"]).code).toBe(2);
    expect(sb.run(["credential", "rotate", "nope"]).code).toBe(3);
  });
});

describe("credential delete / revoke", () => {
  it("needs --yes without a TTY, deletes several at once, reports them", () => {
    const a = sb.ok(["credential", "create", "--admin", "alice", "--name", "a"]);
    const b = sb.ok(["credential", "create", "--admin", "alice"]);
    sb.ok(["credential", "create", "--admin", "alice", "--name", "keep"]);
    const refused = sb.run(["credential", "delete", "a", "--json"]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr).error.message).toBe("credential delete: --yes required when not running interactively");
    expect(sb.ok(["credential", "list"])).toHaveLength(3);
    expect(sb.ok(["credential", "revoke", "A", b.identifier, a.identifier, "--yes"])).toEqual({ deleted: [a.identifier, b.identifier], count: 2 });
    expect(sb.ok(["credential", "list"]).map((x: any) => x.name)).toEqual(["keep"]);
  });

  it("one unknown reference deletes nothing (exit 3); rm is an alias", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "a"]);
    const r = sb.run(["cred", "delete", "a", "nope", "-y"]);
    expect(r.code).toBe(3);
    expect(sb.ok(["credential", "list"])).toHaveLength(1);
    expect(sb.run(["cred", "rm", "a", "-y"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^deleted credential a \([A-Za-z0-9]{32}\)\n$/) });
  });
});
