// Black-box: global behaviour, init/status, admin and action commands, concurrency.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

describe("global behaviour", () => {
  it("prints the version and help with exit 0", () => {
    expect(sb.run(["--version"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const help = sb.run(["--help"]);
    expect(help.code).toBe(0);
    for (const word of ["--store", "--json", "--no-color", "--yes", "--no-input", "admin", "action", "init", "status"]) {
      expect(help.stdout).toContain(word);
    }
    expect(sb.run(["admin", "--help"]).code).toBe(0);
    expect(sb.run(["admin", "help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: apicred admin") });
  });

  it.each([
    [["bogus"], /unknown command 'bogus'/],
    [["admin", "add"], /missing required argument 'username'/],
    [["admin", "list", "--bogus"], /unknown option '--bogus'/],
    [["action", "add", "X"], /required option '--category <category>' not specified/],
    [["admin"], /Usage: apicred admin/],
  ])("usage errors exit 2 without a stack trace: %j", (args, message) => {
    const r = sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it("reports errors as one JSON object on stderr with --json", () => {
    const r = sb.run(["admin", "list", "--bogus", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: "usage_error", message: expect.stringContaining("--bogus") } });
    const missing = sb.run(["--json", "admin", "list"]);
    expect(missing.code).toBe(5);
    expect(JSON.parse(missing.stderr).error.code).toBe("store_missing");
  });

  it("takes --store over $APICRED_STORE, and XDG_CONFIG_HOME as the default", () => {
    const other = join(sb.dir, "other.json");
    expect(sb.ok(["init", "--store", other]).store).toBe(other);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(sb.store)).toBe(false);
    const xdg = sb.run(["init", "--json"], { env: { APICRED_STORE: undefined, XDG_CONFIG_HOME: join(sb.dir, "cfg") } });
    expect(xdg.json().store).toBe(join(sb.dir, "cfg", "apicred", "store.json"));
  });

  it("prints no colour codes with NO_COLOR or --no-color", () => {
    sb.ok(["init"]);
    sb.ok(["admin", "add", "x"]);
    sb.ok(["admin", "disable", "x"]);
    const forced = { NO_COLOR: undefined, FORCE_COLOR: "1" };
    expect(sb.run(["admin", "list"], { env: forced }).stdout).toContain("\u001b[");
    expect(sb.run(["admin", "list", "--no-color"], { env: forced }).stdout).not.toContain("\u001b[");
    expect(sb.run(["admin", "list"], { env: { FORCE_COLOR: "1" } }).stdout).not.toContain("\u001b[");
  });
});

describe("init and status", () => {
  it("read-only commands on a missing store exit 5 and create nothing", () => {
    for (const args of [["status"], ["admin", "list"], ["action", "list"], ["action", "categories"]]) {
      const r = sb.run(args);
      expect(r.code, args.join(" ")).toBe(5);
      expect(r.stderr).toContain(sb.store);
      expect(r.stderr).toContain("apicred init");
    }
    expect(readdirSync(sb.dir)).toEqual([]);
  });

  it("init creates the store 0600 and is idempotent", () => {
    expect(sb.ok(["init"])).toEqual({ store: sb.store, created: true });
    expect(statSync(sb.store).mode & 0o777).toBe(0o600);
    const before = readFileSync(sb.store, "utf8");
    expect(sb.ok(["init"])).toEqual({ store: sb.store, created: false });
    expect(readFileSync(sb.store, "utf8")).toBe(before);
  });

  it("status reports counts and says the API is closed", () => {
    sb.ok(["init"]);
    sb.ok(["admin", "add", "alice"]);
    const status = sb.ok(["status"]);
    expect(status).toMatchObject({
      store: sb.store,
      version: 1,
      counts: { admins: 1, roles: 0, credentials: 0, customActions: 0, ipAllowlist: 0 },
      accessKey: false,
    });
    expect(status.warnings.join("\n")).toMatch(/API is closed/);
    const human = sb.run(["status"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/admins\s+1/);
    expect(human.stderr).toMatch(/API is closed/);
  });

  it("refuses a corrupt store with exit 5 and leaves it untouched", () => {
    writeFileSync(sb.store, "{ corrupt", { mode: 0o600 });
    for (const args of [["status"], ["admin", "add", "bob"], ["init"]]) {
      const r = sb.run(args);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(sb.store);
      expect(r.stderr).toContain("not valid JSON");
    }
    expect(readFileSync(sb.store, "utf8")).toBe("{ corrupt");
  });

  it("refuses a newer store and a group-writable one; warns about a world-readable one", () => {
    writeFileSync(sb.store, JSON.stringify({ version: 9 }), { mode: 0o600 });
    expect(sb.run(["status"])).toMatchObject({ code: 5, stderr: expect.stringContaining("newer apicred") });
    rmSync(sb.store);
    sb.ok(["init"]);
    chmodSync(sb.store, 0o666);
    expect(sb.run(["status"])).toMatchObject({ code: 5, stderr: expect.stringContaining(`chmod 600 ${sb.store}`) });
    chmodSync(sb.store, 0o644);
    const r = sb.run(["status", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("readable by group or others");
  });
});

describe("admin", () => {
  beforeEach(() => sb.ok(["init"]));

  it("adds, lists, disables, enables and removes", () => {
    expect(sb.ok(["admin", "add", "alice"])).toEqual({ username: "alice", disabled: false, credentials: 0 });
    sb.ok(["admin", "add", "bob"]);
    expect(sb.run(["admin", "add", "ALICE"])).toMatchObject({ code: 4, stderr: expect.stringContaining("already exists") });
    expect(sb.ok(["admin", "disable", "alice"])).toMatchObject({ username: "alice", disabled: true, changed: true });
    expect(sb.ok(["admin", "disable", "alice"])).toMatchObject({ changed: false });
    expect(sb.ok(["admin", "list"]).map((a: any) => [a.username, a.disabled, a.credentials])).toEqual([
      ["alice", true, 0],
      ["bob", false, 0],
    ]);
    expect(sb.run(["admin", "list"]).stdout).toMatch(/^alice\tdisabled\t0\t\S+\nbob\tenabled\t0\t\S+\n$/);
    sb.ok(["admin", "enable", "Alice"]);
    expect(sb.ok(["admin", "remove", "alice", "--yes"])).toEqual({ removed: "alice", deletedCredentials: 0 });
    expect(sb.ok(["admin", "list"]).map((a: any) => a.username)).toEqual(["bob"]);
  });

  it.each([
    [["admin", "add", "bad name"], 2],
    [["admin", "add", "-x"], 2],
    [["admin", "disable", "ghost"], 3],
    [["admin", "enable", "ghost"], 3],
    [["admin", "remove", "ghost", "--yes"], 3],
  ])("%j exits %i", (args, code) => {
    expect(sb.run(args).code).toBe(code);
  });

  it("remove needs --yes without a terminal, and changes nothing", () => {
    sb.ok(["admin", "add", "alice"]);
    const r = sb.run(["admin", "remove", "alice"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--yes required when not running interactively");
    expect(sb.ok(["admin", "list"])).toHaveLength(1);
  });

  it("records every change in the audit log", () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["admin", "disable", "alice"]);
    const lines = readFileSync(join(sb.dir, "store.audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.command, l.object])).toEqual([
      ["init", `store:${sb.store}`],
      ["admin add", "admin:alice"],
      ["admin disable", "admin:alice"],
    ]);
  });
});

describe("action", () => {
  beforeEach(() => sb.ok(["init"]));

  it("lists the catalog, by category, and its categories", () => {
    expect(sb.ok(["action", "list"])).toHaveLength(162);
    const billing = sb.ok(["action", "list", "--category", "billing"]);
    expect(billing).toHaveLength(24);
    expect(billing[0]).toEqual({ name: "AcceptQuote", category: "Billing", custom: false });
    const categories = sb.ok(["action", "categories"]);
    expect(categories).toHaveLength(16);
    expect(categories.reduce((n: number, c: any) => n + c.actions, 0)).toBe(162);
    expect(sb.run(["action", "list", "--category", "Biling"])).toMatchObject({
      code: 3,
      stderr: expect.stringContaining("did you mean Billing?"),
    });
  });

  it("adds and removes custom actions", () => {
    expect(sb.ok(["action", "add", "MyModuleSync", "--category", "billing"])).toEqual({
      name: "MyModuleSync",
      category: "Billing",
      custom: true,
    });
    expect(sb.ok(["action", "list", "--custom"])).toEqual([{ name: "MyModuleSync", category: "Billing", custom: true }]);
    expect(sb.ok(["action", "list", "--category", "Billing"])).toHaveLength(25);
    expect(sb.run(["action", "add", "mymodulesync", "--category", "Custom"]).code).toBe(4);
    expect(sb.run(["action", "add", "GETCLIENTS", "--category", "Custom"]).code).toBe(4);
    expect(sb.run(["action", "add", "bad name", "--category", "Custom"]).code).toBe(2);
    expect(sb.ok(["action", "remove", "mymodulesync"])).toEqual({ removed: "MyModuleSync" });
    expect(sb.run(["action", "remove", "MyModuleSync"]).code).toBe(3);
    const builtin = sb.run(["action", "remove", "getclients"]);
    expect(builtin.code).toBe(2);
    expect(builtin.stderr).toContain("GetClients is a built-in WHMCS action");
  });
});

describe("the lock", () => {
  it("a store locked by a live process too long is exit 5 naming the lock; nothing is written", async () => {
    sb.ok(["init"]);
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(`${sb.store}.lock`, `${holder.pid}\n${hostname()}\n0\n`);
      const before = readFileSync(sb.store, "utf8");
      const r = sb.run(["admin", "add", "late"], { env: { APICRED_LOCK_TIMEOUT_MS: "300" } });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`${sb.store}.lock`);
      expect(r.stderr).toContain(String(holder.pid));
      expect(readFileSync(sb.store, "utf8")).toBe(before);
    } finally {
      holder.kill();
    }
  });
});

describe("concurrency", () => {
  it("30 parallel writers all land; the store stays valid, 0600, with no leftovers", async () => {
    sb.ok(["init"]);
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => sb.spawn(["admin", "add", `user${i}`, "--json"])),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(sb.store, "utf8"));
    expect(doc.admins).toHaveLength(30);
    expect(statSync(sb.store).mode & 0o777).toBe(0o600);
    expect(readdirSync(sb.dir).sort()).toEqual(["store.audit.jsonl", "store.json"]);
    const audit = readFileSync(join(sb.dir, "store.audit.jsonl"), "utf8").trim().split("\n");
    expect(audit).toHaveLength(31);
    for (const line of audit) JSON.parse(line);
  });
});
