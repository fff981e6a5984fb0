// `apicred store copy` black-box (bin/apicred.js), file -> PostgreSQL -> file, against a real server.
// Verified the way a user would: the two files' `export` and bytes are equal, a secret issued before
// the copy still verifies after it, the audit log and usage came along, and no output holds the password.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type RunResult, Sandbox } from "../helpers/cli.js";
import { PASSWORD, usePostgres } from "../helpers/postgres.js";

const pg = usePostgres();
let box: Sandbox;
afterEach(() => box?.cleanup());

/** Runs apicred and checks that the password never appears in what it printed. */
function run(args: string[], input?: string): RunResult {
  const r = box.run(args, { input });
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  return r;
}

function populate(): { secret: string; identifier: string } {
  box.ok(["init"]);
  box.ok(["admin", "add", "ops"]);
  box.ok(["action", "add", "ModuleThing", "--category", "Addons"]);
  box.ok(["role", "create", "billing", "--allow", "Billing:*,ModuleThing", "-d", "money"]);
  box.ok(["ip", "add", "203.0.113.0/24"]);
  box.run(["access-key", "set", "--stdin"], { input: "an-access-key-0123456789\n" });
  const cred = box.ok(["credential", "create", "--admin", "ops", "--role", "billing", "--name", "web", "--ip", "203.0.113.7"]);
  box.ok(["credential", "create", "--admin", "ops", "--name", "other"]);
  // A disabled credential and a policy must survive every copy: losing either would widen access.
  box.ok(["credential", "create", "--admin", "ops", "--name", "off", "--expires", "30d"]);
  box.ok(["credential", "disable", "off"]);
  box.ok(["policy", "set", "--max-lifetime", "365d"]);
  return { secret: cred.secret, identifier: cred.identifier };
}

describe("store copy", { timeout: 120_000 }, () => {
  it("copies a file store to PostgreSQL and back: export, bytes, secrets, audit and usage survive", async () => {
    box = new Sandbox();
    const { secret, identifier } = populate();
    const usage = { version: 1, credentials: { [identifier]: { lastUsedAt: "2026-03-01T10:00:00.000Z", lastUsedIp: "203.0.113.7" } } };
    writeFileSync(join(box.dir, "store.usage.json"), JSON.stringify(usage), { mode: 0o600 });
    const url = await pg.database();
    const back = join(box.dir, "back.json");

    const there = run(["store", "copy", "--from", box.store, "--to", url, "--json"]);
    expect(there.code).toBe(0);
    const sourceAudit = box.ok(["audit"]);
    expect(there.json()).toEqual({
      from: box.store,
      to: url.replace(`:${PASSWORD}@`, "@"),
      counts: { admins: 1, roles: 1, credentials: 3, customActions: 1, ipAllowlist: 1, accessKey: true },
      auditEvents: sourceAudit.length,
      usage: 1,
    });
    const home = run(["store", "copy", "--from", url, "--to", back, "--json"]);
    expect(home.code).toBe(0);
    expect(home.json().auditEvents).toBe(sourceAudit.length + 2); // + PostgreSQL's records of its creation and the copy

    // The same store, byte for byte (hashes included), and the same export. Only the id of the last
    // change differs: the copy is itself a change of the target, with its own audit event.
    const document = (path: string) => readFileSync(path, "utf8").replace(/,\n {2}"lastChange": "[0-9a-f]{16}"\n/, "\n");
    expect(readFileSync(back, "utf8")).toMatch(/"lastChange": "[0-9a-f]{16}"\n\}\n$/);
    expect(document(back)).toBe(document(box.store));
    expect(box.ok(["--store", back, "export"])).toEqual(box.ok(["export"]));
    // On PostgreSQL itself, the disabled credential is denied and the policy holds.
    expect(run(["--store", url, "check", "off", "GetInvoices", "--json"]).json().reason).toBe("credential_disabled");
    expect(run(["--store", url, "policy", "show", "--json"]).json().maxLifetime).toBe("365d");
    // A secret issued before the copies verifies against the copy; a wrong one does not.
    const check = (store: string, s: string) =>
      spawnSync(process.execPath, [BIN, "--store", store, "check", "web", "GetInvoices", "--ip", "203.0.113.7", "--secret-file", "-", "--json"], {
        env: box.env(), input: s, encoding: "utf8",
      });
    expect(check(back, secret).status).toBe(0);
    expect(check(back, `${secret.slice(0, -2)}zz`).status).toBe(1);
    // The audit log: the source's events, then the copy into PostgreSQL, then the copy back.
    const pgUrl = url.replace(`:${PASSWORD}@`, "@");
    const audit = box.ok(["--store", back, "audit"]);
    expect(audit.slice(0, sourceAudit.length)).toEqual(sourceAudit);
    expect(audit.slice(sourceAudit.length).map((e: { command: string; object: string; change: unknown }) => [e.command, e.object, e.change])).toEqual([
      ["store copy", `store:${pgUrl}`, { created: true }],
      ["store copy", "store", { copiedFrom: box.store }],
      ["store copy", `store:${back}`, { created: true }],
      ["store copy", "store", { copiedFrom: pgUrl }],
    ]);
    expect(JSON.parse(readFileSync(join(box.dir, "back.usage.json"), "utf8"))).toEqual(usage);
    // And in PostgreSQL itself: rows, not a blob.
    expect(await pg.sql(url, "SELECT name, disabled FROM apicred.credentials ORDER BY pos")).toEqual([
      { name: "web", disabled: false },
      { name: "other", disabled: false },
      { name: "off", disabled: true },
    ]);
    expect(await pg.sql(url, "SELECT value FROM apicred.meta WHERE key = 'policy'")).toEqual([{ value: { maxLifetime: "365d" } }]);
    expect(await pg.sql(url, "SELECT ip FROM apicred.credential_ips")).toEqual([{ ip: "203.0.113.7" }]);
    expect(await pg.sql(url, "SELECT count(*)::int AS n FROM apicred.audit")).toEqual([{ n: sourceAudit.length + 2 }]);
  });

  it("a target holding anything needs --yes (exit 2 without a terminal); an empty one does not", async () => {
    box = new Sandbox();
    populate();
    const url = await pg.database();
    const other = join(box.dir, "other.json");
    box.ok(["--store", other, "init"]);
    box.ok(["--store", other, "admin", "add", "someone"]);
    // An initialised but empty PostgreSQL store is no obstacle.
    expect(run(["store", "copy", "--from", join(box.dir, "empty.json"), "--to", url]).code).toBe(5); // no such source
    expect(run(["store", "copy", "--from", other, "--to", url]).code).toBe(0);
    const refused = run(["store", "copy", "--from", box.store, "--to", url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await pg.sql(url, "SELECT username FROM apicred.admins")).toEqual([{ username: "someone" }]);
    expect(run(["store", "copy", "--from", box.store, "--to", url, "--yes"]).code).toBe(0);
    expect(await pg.sql(url, "SELECT username FROM apicred.admins")).toEqual([{ username: "ops" }]);
    expect(await pg.sql(url, "SELECT count(*)::int AS n FROM apicred.credentials")).toEqual([{ n: 3 }]);
    // The other way: a non-empty file target.
    expect(run(["store", "copy", "--from", url, "--to", other]).code).toBe(2);
    expect(box.ok(["--store", other, "admin", "list"]).map((a: { username: string }) => a.username)).toEqual(["someone"]);
    expect(run(["store", "copy", "--from", url, "--to", other, "--yes"]).code).toBe(0);
    expect(box.ok(["--store", other, "export"])).toEqual(box.ok(["export"]));
    expect(run(["store", "copy", "--from", box.store, "--to", box.store]).code).toBe(2);
  });

  it("a wrong password or an unreachable server is exit 5 naming the host, never the password", async () => {
    box = new Sandbox();
    populate();
    const url = await pg.database();
    const wrong = url.replace(PASSWORD, "Wrong-pw-31337");
    const r = box.run(["store", "copy", "--from", box.store, "--to", wrong]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`127.0.0.1:${pg.server.port}/`);
    expect(r.stderr).not.toContain("Wrong-pw-31337");
    const dead = run(["store", "copy", "--from", `postgresql://u:${PASSWORD}@127.0.0.1:1/db`, "--to", join(box.dir, "x.json")]);
    expect(dead.code).toBe(5);
    expect(dead.stderr).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/db/);
  });

  it("a check on a file store never loads the PostgreSQL client; a PostgreSQL store does", async () => {
    box = new Sandbox();
    populate();
    const url = await pg.database();
    const trace = (args: string[]) => {
      const file = join(box.dir, `trace-${Math.random()}`);
      writeFileSync(file, "");
      spawnSync(process.execPath, ["-r", join(import.meta.dirname, "../helpers/trace-require.cjs"), BIN, ...args], {
        env: box.env({ APICRED_TRACE_REQUIRE: file }), encoding: "utf8",
      });
      return readFileSync(file, "utf8").split("\n");
    };
    const check = trace(["check", "web", "GetInvoices"]);
    expect(check.length).toBeGreaterThan(1);
    expect(check.filter((m) => m === "pg" || m.endsWith("pg.cjs"))).toEqual([]);
    expect(trace(["store", "copy", "--from", box.store, "--to", url])).toContain("./pg.cjs");
  });
});
