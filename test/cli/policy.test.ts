// Black-box: `apicred policy show | set --max-lifetime | unset --max-lifetime`, enforced by credential
// create, edit, rotate and apply (exit 2), reported by doctor, carried by export/apply, audited.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ON_POSTGRES, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let legacySecret: string;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  // Created before the policy: it never expires.
  legacySecret = sb.ok(["credential", "create", "--admin", "alice", "--name", "legacy"]).secret;
});
afterEach(() => sb.cleanup());

const audit = () => sb.auditText().trim().split("\n").map((l) => JSON.parse(l));

describe("policy set | show | unset", () => {
  it("shows none at first; set stores it, reports violators, audits", () => {
    expect(sb.ok(["policy", "show"])).toEqual({ maxLifetime: null, violators: [] });
    const set = sb.run(["policy", "set", "--max-lifetime", "365D"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe("max-lifetime  365d\n");
    expect(set.stderr).toMatch(/1 existing credential breaks it: legacy/);
    const show = sb.ok(["policy", "show"]);
    expect(show.maxLifetime).toBe("365d");
    expect(show.violators).toEqual([{ identifier: expect.any(String), name: "legacy", problem: expect.stringMatching(/never expires/) }]);
    expect(audit().at(-1)).toMatchObject({ command: "policy set", object: "policy", change: { maxLifetime: "365d", previous: null } });
    expect(sb.ok(["policy", "set", "--max-lifetime", "365d"]).changed).toBe(false);
  });

  it("unset removes it; idempotent", () => {
    sb.ok(["policy", "set", "--max-lifetime", "90d"]);
    expect(sb.ok(["policy", "unset", "--max-lifetime"])).toMatchObject({ changed: true, maxLifetime: null });
    expect(sb.ok(["policy", "unset", "--max-lifetime"]).changed).toBe(false);
    expect(sb.storeDoc()).not.toHaveProperty("policy");
    expect(sb.ok(["credential", "create", "--admin", "alice"]).expiresAt).toBeNull();
  });

  it("bad input is exit 2", () => {
    expect(sb.run(["policy", "set"]).code).toBe(2);
    expect(sb.run(["policy", "set", "--max-lifetime", "soon"]).code).toBe(2);
    expect(sb.run(["policy", "set", "--max-lifetime", "10m"]).stderr).toMatch(/shorter than an hour/);
    expect(sb.run(["policy", "unset"]).code).toBe(2);
    expect(sb.run(["policy", "frobnicate"]).code).toBe(2);
  });

  // A hand-edited store file.
  it.skipIf(ON_POSTGRES)("a store holding an unreadable policy is refused (exit 5), never ignored", () => {
    const doc = sb.storeDoc();
    doc.policy = { maxLifetime: "a year" };
    writeFileSync(sb.store, JSON.stringify(doc, null, 2));
    const r = sb.run(["policy", "show"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/policy\.maxLifetime/);
  });
});

describe("enforcement", () => {
  beforeEach(() => sb.ok(["policy", "set", "--max-lifetime", "30d"]));

  it("create: refused without an expiry or beyond the limit (exit 2); accepted within", () => {
    const none = sb.run(["credential", "create", "--admin", "alice", "--name", "x"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/never expires, but the policy allows at most 30d; pass --expires 30d or sooner/);
    expect(sb.run(["credential", "create", "--admin", "alice", "--expires", "31d"]).code).toBe(2);
    expect(sb.ok(["credential", "create", "--admin", "alice", "--name", "x", "--expires", "30d"]).name).toBe("x");
    expect(sb.ok(["credential", "list"]).map((c: { name: string }) => c.name).sort()).toEqual(["legacy", "x"]);
  });

  it("edit: refused when it leaves the credential breaking it, accepted when it fixes it", () => {
    const r = sb.run(["credential", "edit", "legacy", "-d", "still here"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/add --expires 30d/);
    expect(sb.ok(["credential", "show", "legacy"]).description).toBe("");
    expect(sb.ok(["credential", "edit", "legacy", "-d", "fixed", "--expires", "7d"]).changed).toBe(true);
    expect(sb.run(["credential", "edit", "legacy", "--no-expiry"]).code).toBe(2);
  });

  it("rotate: refused for a credential that breaks it, with the fix; the old secret keeps working", () => {
    const r = sb.run(["credential", "rotate", "legacy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apicred credential edit legacy --expires 30d/);
    expect(r.stdout).toBe("");
    const whois = sb.run(["credential", "whois"], { input: legacySecret });
    expect(whois.code).toBe(0);
    sb.ok(["credential", "edit", "legacy", "--expires", "10d"]);
    expect(sb.run(["credential", "rotate", "legacy", "--json"]).code).toBe(0);
  });

  it("disable and enable are never blocked by the policy (incident response)", () => {
    expect(sb.run(["credential", "disable", "legacy"]).code).toBe(0);
    expect(sb.run(["credential", "enable", "legacy"]).code).toBe(0);
  });

  it("doctor reports the credentials that break it", () => {
    const r = sb.run(["doctor", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: "credential_breaks_policy", severity: "warning" }));
    sb.ok(["credential", "edit", "legacy", "--expires", "10d"]);
    expect(sb.run(["doctor", "--json"]).json().findings.map((f: { code: string }) => f.code)).not.toContain("credential_breaks_policy");
  });

  it("export carries it; apply refuses new or changed credentials that break it (exit 2), keeps unchanged ones", () => {
    const doc = JSON.parse(sb.run(["export"]).stdout);
    expect(doc.policy).toEqual({ maxLifetime: "30d" });
    const file = join(sb.dir, "doc.json");
    // Unchanged legacy credential: a no-op apply even though it breaks the policy.
    writeFileSync(file, JSON.stringify(doc));
    expect(sb.ok(["apply", "--file", file]).changed).toBe(false);
    doc.credentials.push({ name: "new", admin: "alice" });
    writeFileSync(file, JSON.stringify(doc));
    const r = sb.run(["apply", "--file", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/credentials\[1\]\.expiresAt: it never expires, but the policy allows at most 30d/);
    doc.credentials[1].expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    writeFileSync(file, JSON.stringify(doc));
    expect(sb.ok(["apply", "--file", file]).summary.create).toBe(1);
  });

  it("apply sets, changes and removes the policy; the document's policy governs its credentials", () => {
    const file = join(sb.dir, "doc.json");
    writeFileSync(file, JSON.stringify({ version: 1, policy: { maxLifetime: "1y" }, credentials: [{ name: "legacy", admin: "alice" }, { name: "n", admin: "alice", expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString() }] }));
    const r = sb.ok(["apply", "--file", file]);
    expect(r.changes[0]).toEqual({ op: "update", kind: "policy", name: "maxLifetime", fields: [{ field: "maxLifetime", from: "30d", to: "1y" }] });
    expect(sb.ok(["policy", "show"]).maxLifetime).toBe("1y");
    writeFileSync(file, JSON.stringify({ version: 1, policy: {} }));
    sb.ok(["apply", "--file", file]);
    expect(sb.ok(["policy", "show"]).maxLifetime).toBeNull();
    for (const bad of [{ maxLifetime: "forever" }, { maxLifetime: 30 }, { max: "30d" }, "30d"]) {
      writeFileSync(file, JSON.stringify({ version: 1, policy: bad }));
      const res = sb.run(["apply", "--file", file]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/policy/);
    }
  });
});
