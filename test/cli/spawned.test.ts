// One black-box test per noun: bin/apicred.js started as a process, the way a shell does (most CLI
// tests run in-process through Sandbox.run). Every noun changes or reads the store by a real process
// here, and each read-only command is run both ways and must print byte for byte the same: the
// in-process harness answers exactly as the binary does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let secret: string;
let identifier: string;

/** Runs spawned, asserts success and returns the parsed --json output. */
function okSpawned(args: string[], env: Record<string, string> = {}): any {
  const r = sb.runSpawned([...args, "--json"], { env });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.json();
}

beforeAll(() => {
  sb = new Sandbox();
  expect(okSpawned(["init"])).toMatchObject({ created: true });
  expect(okSpawned(["admin", "add", "alice"])).toMatchObject({ username: "alice" });
  expect(okSpawned(["action", "add", "MyThing", "--category", "Custom"])).toMatchObject({ name: "MyThing", custom: true });
  expect(okSpawned(["role", "create", "ops", "--allow", "GetClients"])).toMatchObject({ name: "ops", grants: ["GetClients"] });
  const cred = okSpawned(["credential", "create", "--admin", "alice", "--role", "ops", "--name", "ci"]);
  secret = cred.secret;
  identifier = cred.identifier;
  expect(okSpawned(["ip", "add", "10.0.0.0/8"])).toMatchObject({ address: "10.0.0.0/8" });
  expect(okSpawned(["policy", "set", "--max-lifetime", "90d"])).toMatchObject({});
});
afterAll(() => sb.cleanup());

describe("every noun as a process", () => {
  it("check answers from a process: allowed 0, denied 1, secret from the environment", () => {
    expect(sb.runSpawned(["check", "ci", "GetClients", "--ip", "10.1.2.3", "-q"], { env: { APICRED_SECRET: secret } }).code).toBe(0);
    expect(sb.runSpawned(["check", "ci", "GetInvoices", "--ip", "10.1.2.3", "-q"], { env: { APICRED_SECRET: secret } }).code).toBe(1);
    const batch = sb.runSpawned(["check", "--batch"], { input: `${JSON.stringify({ credential: identifier, action: "GetClients", ip: "10.1.2.3" })}\n` });
    expect(batch.code).toBe(0);
    expect(JSON.parse(batch.stdout.split("\n")[0]!)).toMatchObject({ allowed: true });
  });

  it("a command that only mentions check runs from the full bundle; check's help is the full one", () => {
    expect(okSpawned(["role", "create", "check", "--allow", "GetClients"])).toMatchObject({ name: "check" });
    expect(sb.runSpawned(["--field", "grants", "role", "show", "check"])).toMatchObject({ code: 0, stdout: "GetClients\n" });
    expect(okSpawned(["role", "delete", "check", "--yes"])).toMatchObject({ deleted: "check" });
    for (const help of [["check", "--help"], ["check", "-qh"], ["help", "check"]]) {
      const r = sb.runSpawned(help);
      expect(r.code, help.join(" ")).toBe(0);
      expect(r.stdout, help.join(" ")).toContain("Examples:\n  apicred check ci-deploy GetInvoices");
    }
  });

  it("scan finds the live secret on stdin; access-key set reads stdin", () => {
    const scan = sb.runSpawned(["scan", "--json"], { input: `token=${secret}\n` });
    expect(scan.code).not.toBe(0);
    expect(scan.json().findings).toMatchObject([{ live: true, identifier }]);
    expect(scan.stdout).not.toContain(secret);
    expect(sb.runSpawned(["access-key", "set", "--stdin", "--json"], { input: `${"k".repeat(40)}\n` }).code).toBe(0);
  });

  it("export writes a file by a relative path in its cwd; apply reads it back; store copy copies by relative paths", () => {
    expect(okSpawned(["export", "--file", "doc.json"])).toMatchObject({ file: "doc.json" });
    expect(okSpawned(["apply", "--file", "doc.json", "--yes"])).toBeTruthy();
    expect(sb.runSpawned(["store", "copy", "--from", "store.json", "--to", "copy.json", "--yes"]).code).toBe(0);
    expect(sb.runSpawned(["credential", "list", "--json", "--store", "copy.json"]).json()).toMatchObject([{ identifier }]);
  });

  it.each([
    [["status"]],
    [["admin", "list"]],
    [["action", "list", "--category", "Custom"]],
    [["role", "show", "ops"]],
    [["credential", "list"]],
    [["cred", "show", "ci", "--json"]],
    [["ip", "list"]],
    [["ip", "test", "10.9.9.9"]],
    [["access-key", "status"]],
    [["who-can", "GetClients"]],
    [["policy", "show"]],
    [["export"]],
    [["doctor", "--json"]],
    [["completion", "bash"]],
    [["help", "role", "create"]],
    [["help", "exit-codes"]],
    [["--version"]],
    [["__complete", "role", "show", ""]],
    [["role", "show", "nope"]],
    [["credential", "frobnicate"]],
  ])("%j prints the same from a process and in-process", (args) => {
    const spawned = sb.runSpawned(args);
    const inProcess = sb.run(args);
    expect({ code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr }).toEqual({
      code: spawned.code,
      stdout: spawned.stdout,
      stderr: spawned.stderr,
    });
  });

  it("the audit log records every process's change", () => {
    const audit = sb.runSpawned(["audit", "--json"]);
    expect(audit.code).toBe(0);
    const commands = (audit.json() as { command: string }[]).map((e) => e.command);
    expect(commands).toEqual(expect.arrayContaining(["init", "admin add", "action add", "role create", "credential create", "ip add", "policy set"]));
  });
});
