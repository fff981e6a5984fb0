// Black-box on a real pseudo-terminal (util-linux `script`): the confirmations of `apply --prune` and
// `access-key set --stdin`, which never prompts (stdin carries the key).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());


describe.skipIf(lacking("script"))("apply --prune on a terminal", () => {
  function setup(): string {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["admin", "add", "bob"]);
    sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
    sb.ok(["role", "create", "support", "--allow", "Support:*"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]);
    sb.ok(["credential", "create", "--admin", "bob", "--role", "support"]);
    sb.ok(["ip", "add", "203.0.113.7"]);
    sb.ok(["ip", "add", "10.0.0.0/8"]);
    const desired = join(sb.dir, "d.json");
    writeFileSync(desired, JSON.stringify({ version: 1, admins: [{ username: "alice" }], roles: [], ipAllowlist: [] }));
    return desired;
  }
  const question = (file: string) => `Remove 1 admin (with 1 credential of theirs), 2 roles and 2 allowlist entries that ${file} does not list?`;
  // The terminal wraps the question at 80 columns.
  const unwrapped = (screen: string) => screen.replace(/\s+/g, " ");

  it("asks, naming what it removes; no keeps the store as it was", async () => {
    const desired = setup();
    const before = readFileSync(sb.store);
    const r = await onTty(sb, ["apply", "--file", desired, "--prune"], [["does not list?", "n\r"]]);
    expect(unwrapped(r.screen)).toContain(question(desired));
    expect(r.code).toBe(2);
    expect(r.screen).toContain("cancelled, nothing changed");
    expect(readFileSync(sb.store).equals(before)).toBe(true);
  });

  it("yes applies the removals", async () => {
    const desired = setup();
    const r = await onTty(sb, ["apply", "--file", desired, "--prune"], [["does not list?", "y\r"]]);
    expect(unwrapped(r.screen)).toContain(question(desired));
    expect(r.code).toBe(0);
    expect(r.screen).toContain("applied: 0 created, 0 updated, 5 removed");
    expect(sb.ok(["admin", "list"]).map((a: { username: string }) => a.username)).toEqual(["alice"]);
  });
});

describe.skipIf(lacking("script"))("access-key set --stdin on a terminal", () => {
  const KEY = "Abcdefghijklmnop!@#$%.()*[]-_";

  it("over an existing key without --yes: exit 2 at once naming --yes, before reading anything", async () => {
    sb.ok(["init"]);
    const first = sb.ok(["access-key", "set"]);
    const r = await onTty(sb, ["access-key", "set", "--stdin"], [], 8_000);
    expect(r.code).toBe(2);
    expect(r.screen).toMatch(/--yes required to replace the access key/);
    expect(r.screen).not.toContain("end with Ctrl-D");
    expect(sb.ok(["access-key", "status"]).fingerprint).toBe(first.fingerprint);
  });

  it("with --yes: reads the typed key to Ctrl-D and sets it, with no prompt", async () => {
    sb.ok(["init"]);
    const first = sb.ok(["access-key", "set"]);
    const r = await onTty(sb, ["access-key", "set", "--stdin", "--yes"], [["end with Ctrl-D", `${KEY}\r\x04`]]);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/access key replaced \(fingerprint [0-9a-f]{8}\)/);
    expect(r.screen).not.toMatch(/Replace the access key/);
    expect(sb.ok(["access-key", "status"]).fingerprint).not.toBe(first.fingerprint);
  });
});
