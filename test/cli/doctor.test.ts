// Black-box: `apicred doctor`: findings with severity and fix; exit 0 with none, 1 with some.
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ON_POSTGRES, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const auditPath = () => sb.store.replace(/\.json$/, ".audit.jsonl");

interface Finding {
  severity: string;
  code: string;
  message: string;
  fix: string;
  object: string;
}

function doctor(): { code: number; findings: Finding[] } {
  const r = sb.run(["doctor", "--json"]);
  return { code: r.code, findings: r.json().findings };
}

/** A healthy store: an allowlist entry, a role with grants, a credential holding it. */
function healthy(): void {
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "Billing:*"]);
  sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]);
  sb.ok(["ip", "add", "203.0.113.7"]);
}

/** Findings set up by editing the store's files by hand: they are about files by nature. */
const FILE_ONLY_FINDINGS = new Set(["an expired credential", "a missing audit log", "a damaged audit log", "a store readable by others"]);

/** Edits the store file by hand (to set up states the commands refuse, like a past expiry). */
function edit(fn: (doc: any) => void): void {
  const doc = sb.storeDoc();
  fn(doc);
  writeFileSync(sb.store, JSON.stringify(doc));
  chmodSync(sb.store, 0o600);
}

describe("doctor", () => {
  it("a healthy store: no findings, exit 0", () => {
    healthy();
    expect(doctor()).toEqual({ code: 0, findings: [] });
    const r = sb.run(["doctor"]);
    expect(r).toMatchObject({ code: 0, stdout: "no findings: nothing to fix\n" });
    expect(sb.run(["doctor", "--json"]).json()).toEqual({ findings: [], summary: { error: 0, warning: 0, info: 0 } });
  });

  it("a missing store is exit 5", () => {
    expect(sb.run(["doctor"]).code).toBe(5);
  });

  it("a fresh store: the API is closed, and it says so", () => {
    sb.ok(["init"]);
    const { code, findings } = doctor();
    expect(code).toBe(1);
    expect(findings).toEqual([
      {
        severity: "warning",
        code: "api_closed",
        object: "ip-allowlist",
        message: expect.stringMatching(/allowlist is empty and no access key is set: the API is closed, every request is denied/),
        fix: expect.stringMatching(/^apicred ip add /),
      },
    ]);
  });

  it("an access key set while the allowlist is empty", () => {
    sb.ok(["access-key", "set"]);
    const { findings } = doctor();
    expect(findings.map((f) => f.code)).toEqual(["access_key_only"]);
    expect(findings[0]!.message).toMatch(/only requests presenting the access key get through/);
  });

  const findingCases: [string, () => void, Partial<Finding>][] = [
    ["a role with no grants", () => sb.ok(["role", "create", "empty"]), { severity: "info", code: "role_without_grants", object: "role:empty", fix: "apicred role edit empty --allow <grant>  (or `apicred role delete empty`)" }],
    ["a credential with no roles", () => sb.ok(["credential", "create", "--admin", "alice", "--name", "bare"]), { code: "credential_without_roles", fix: "apicred credential edit bare --add-role <role>" }],
    ["a credential of a disabled admin", () => sb.ok(["admin", "disable", "alice"]), { code: "credential_admin_disabled", fix: "apicred admin enable alice  (or `apicred credential delete ci`)" }],
    ["an expired credential", () => edit((d) => (d.credentials[0].expiresAt = "2020-01-01T00:00:00.000Z")), { code: "credential_expired", message: expect.stringMatching(/expired at 2020-01-01T00:00:00.000Z: it is denied/), fix: expect.stringMatching(/^apicred credential edit ci --expires 90d/) }],
    ["a credential expiring within 14 days", () => sb.ok(["credential", "edit", "ci", "--expires", "10d"]), { code: "credential_expiring", message: expect.stringMatching(/within 14 days/) }],
    ["a grant naming a removed custom action", () => {
      sb.ok(["action", "add", "MyModuleSync", "--category", "Custom"]);
      sb.ok(["role", "edit", "billing", "--allow", "MyModuleSync"]);
      sb.ok(["action", "remove", "MyModuleSync"]);
    }, { code: "grant_not_in_catalog", object: "role:billing", fix: expect.stringMatching(/^apicred role edit billing --revoke 'MyModuleSync'/) }],
    ["a missing audit log", () => rmSync(auditPath()), { code: "audit_log_missing", message: expect.stringMatching(/store\.audit\.jsonl is missing/) }],
    ["a damaged audit log", () => writeFileSync(auditPath(), "{\"partial\n", { flag: "a" }), { severity: "info", code: "audit_log_damaged" }],
    ["a store readable by others", () => chmodSync(sb.store, 0o644), { code: "store_readable", object: "store", fix: expect.stringMatching(/^chmod 600 \/.*\/store\.json$/) }],
  ];
  it.each(findingCases.filter(([name]) => !(ON_POSTGRES && FILE_ONLY_FINDINGS.has(name))))("%s is a finding with a fix (exit 1)", (_name, setup, expected) => {
    healthy();
    setup();
    const { code, findings } = doctor();
    expect(code).toBe(1);
    expect(findings).toEqual([expect.objectContaining({ severity: "warning", ...expected })]);
    expect(findings[0]!.fix.length).toBeGreaterThan(0);
  });

  it("human output: severity, message, code and fix, then a count", () => {
    healthy();
    sb.ok(["role", "create", "empty"]);
    sb.ok(["admin", "disable", "alice"]);
    const r = sb.run(["doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("warning credential ci (");
    expect(r.stdout).toContain("[credential_admin_disabled]");
    expect(r.stdout).toContain("        fix: apicred admin enable alice");
    expect(r.stdout).toContain("info    role empty has no grants: it authorizes nothing [role_without_grants]");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("2 findings: 0 error(s), 1 warning(s), 1 info");
  });

  it.skipIf(ON_POSTGRES)("the readable-store warning is a finding, not repeated on stderr", () => {
    healthy();
    chmodSync(sb.store, 0o644);
    const r = sb.run(["doctor"]);
    expect(r.stdout).toContain("[store_readable]");
    expect(r.stderr).toBe("");
  });
});
