// Black-box: `apicred audit` reads the log the store layer writes.
import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ON_POSTGRES, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let log: string;
beforeEach(() => {
  sb = new Sandbox();
  log = join(sb.dir, "store.audit.jsonl");
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["admin", "disable", "alice"]);
});
afterEach(() => sb.cleanup());

describe("audit", () => {
  it("lists every change with time, user, command, object and change", () => {
    const events = sb.ok(["audit"]);
    expect(events.map((e: any) => [e.command, e.object, e.change])).toEqual([
      ["init", `store:${sb.location}`, { created: true }],
      ["admin add", "admin:alice", { added: true }],
      ["admin disable", "admin:alice", { disabled: true }],
    ]);
    for (const e of events) {
      expect(Date.parse(e.time)).not.toBeNaN();
      expect(e.user).toEqual(expect.any(String));
    }
    const human = sb.run(["audit"]);
    expect(human.stdout.trim().split("\n")).toHaveLength(3);
    expect(human.stdout).toContain("admin disable\tadmin:alice\t{\"disabled\":true}");
  });

  it("filters with --since (a duration ago or a date/time)", () => {
    expect(sb.ok(["audit", "--since", "1h"])).toHaveLength(3);
    expect(sb.ok(["audit", "--since", "2999-01-01"])).toHaveLength(0);
    expect(sb.ok(["audit", "--since", "2000-01-01T00:00Z"])).toHaveLength(3);
    const bad = sb.run(["audit", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since");
  });

  // The log file itself (PostgreSQL keeps the audit in a table that commits with each change).
  it.skipIf(ON_POSTGRES)("skips a partial trailing line and garbage with a warning, never fatal", () => {
    appendFileSync(log, '{"time":"2026-01-01T00:00:00.000Z","user":"x","comm');
    const r = sb.run(["audit", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toHaveLength(3);
    expect(r.stderr).toMatch(/skipped 1 unreadable line\(s\).*line 4/);
    appendFileSync(log, '\n[1,2]\n{"time":"2026-01-02T00:00:00.000Z","user":"u","command":"c","object":"o","change":{}}\n');
    const again = sb.run(["audit", "--json"]);
    expect(again.json()).toHaveLength(4);
    expect(again.stderr).toMatch(/skipped 2 unreadable/);
  });

  it.skipIf(ON_POSTGRES)("says so when the log is missing, and exits 5 without a store", () => {
    rmSync(log);
    const r = sb.run(["audit", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual([]);
    expect(r.stderr).toContain("no audit log");
    rmSync(sb.store);
    expect(sb.run(["audit"]).code).toBe(5);
  });
});

describe("audit --limit", () => {
  it("keeps the latest N events, in every mode", () => {
    const json = sb.ok(["audit", "--limit", "2"]);
    expect(json.map((e: any) => e.command)).toEqual(["admin add", "admin disable"]);
    const piped = sb.run(["audit", "--limit", "1"]);
    expect(piped.stdout.trim().split("\n")).toHaveLength(1);
    expect(piped.stdout).toContain("admin disable");
    expect(sb.ok(["audit"])).toHaveLength(3); // piped and JSON: all without --limit
  });

  it("refuses a limit that is not a whole number of at least 1", () => {
    for (const bad of ["0", "-1", "2x", "1.5"]) {
      const r = sb.run(["audit", "--limit", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--limit");
    }
  });
});
