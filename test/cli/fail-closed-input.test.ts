// Black-box: SPEC "Fail closed" for input (issue 10). Whatever cannot be read as intended is an error,
// never a silent default: blank values, unknown or duplicate JSON keys, padded secrets, Unicode case
// folding, unbounded reads (FIFOs, /dev/zero, huge files), over-long batch lines and arguments, and
// invalid UTF-8. Every test here failed (or hung) before the fix.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ON_POSTGRES, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let id: string;
let secret: string;
let key: string;

beforeAll(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices,GetTickets"]);
  const created = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "kelvin-ci"]);
  id = created.identifier;
  secret = created.secret;
  sb.ok(["ip", "add", "203.0.113.0/24"]);
  key = sb.ok(["access-key", "set"]).accessKey;
});
afterAll(() => sb.cleanup());

const storeBytes = () => readFileSync(sb.store, "utf8");
const KELVIN = "\u212A"; // KELVIN SIGN: String#toLowerCase makes it "k"

/** Runs with a hard time limit, so a hang fails the test instead of stalling the suite. */
function timed(args: string[], options: { env?: Record<string, string>; input?: string; stdin?: number; timeout?: number } = {}) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: sb.env(options.env),
    input: options.stdin === undefined ? (options.input ?? "") : undefined,
    stdio: options.stdin === undefined ? "pipe" : [options.stdin, "pipe", "pipe"],
    encoding: "utf8",
    timeout: options.timeout ?? 15_000,
    cwd: sb.dir,
    maxBuffer: 1 << 26,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

function batch(lines: string[]): any[] {
  const r = sb.run(["check", "--batch"], { input: `${lines.join("\n")}\n` });
  expect(r.code).toBe(0);
  return r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
}

describe("blank or padded values are exit 2 everywhere, and nothing is written", () => {
  it.each([
    [["credential", "create", "--admin", "alice", "--ip", ""], /invalid IP address or CIDR range "": it is empty/],
    [["credential", "create", "--admin", "alice", "--ip", " "], /invalid IP address or CIDR range " ": /],
    [["credential", "create", "--admin", "alice", "--ip", ","], /invalid IP address or CIDR range "": it is empty/],
    [["credential", "create", "--admin", "alice", "--ip", "10.0.0.1,"], /invalid IP address or CIDR range "": it is empty/],
    [["credential", "create", "--admin", "alice", "--ip", " 10.9.8.7"], /" 10.9.8.7": remove the surrounding whitespace/],
    [["credential", "create", "--admin", "alice", "--role", ""], /--role: an empty value/],
    [["credential", "create", "--admin", "alice", "--role", "billing,"], /--role: an empty value/],
    [["credential", "create", "--admin", "alice", "--name", ""], /--name: an empty value/],
    [["credential", "create", "--admin", "alice", "--name", "  "], /--name: a blank value/],
    [["credential", "create", "--admin", ""], /--admin: an empty value/],
    [["credential", "create", "--admin", "alice", "--expires", ""], /--expires: an empty value/],
    [["credential", "edit", "kelvin-ci", "--ip", ""], /invalid IP address or CIDR range "": it is empty/],
    [["credential", "edit", "kelvin-ci", "--ip", ","], /invalid IP address or CIDR range "": it is empty/],
    [["credential", "edit", "kelvin-ci", "--ip", "10.0.0.1, 10.0.0.2"], /" 10.0.0.2": remove the surrounding whitespace/],
    [["credential", "edit", "kelvin-ci", "--add-role", ""], /--add-role: an empty value/],
    [["credential", "edit", "kelvin-ci", "--name", " "], /--name: a blank value/],
    [["credential", "show", ""], /<cred>: an empty value/],
    [["credential", "list", "--admin", ""], /--admin: an empty value/],
    [["role", "create", "r2", "--allow", ""], /--allow: an empty value/],
    [["role", "create", "r2", "--allow", "GetInvoices, GetTickets"], /--allow: the value has surrounding whitespace/],
    [["role", "create", ""], /<name>: an empty value/],
    [["role", "edit", "billing", "--revoke", ""], /--revoke: an empty value/],
    [["role", "show", " "], /<name>: a blank value/],
    [["admin", "add", ""], /<username>: an empty value/],
    [["admin", "disable", ""], /<username>: an empty value/],
    [["ip", "add", ""], /invalid IP address or CIDR range "": it is empty/],
    [["ip", "remove", " "], /invalid IP address/],
    [["action", "add", "MyThing", "--category", ""], /--category: an empty value/],
    [["action", "list", "--category", " "], /--category: a blank value/],
    [["check", "", "GetInvoices"], /<cred>: an empty value/],
    [["check", "kelvin-ci", ""], /<action>: an empty value/],
    [["check", "kelvin-ci", "GetInvoices", "--secret-file", ""], /--secret-file: an empty value/],
    [["apply", "--file", ""], /--file: an empty value/],
  ])("%j", (args, message) => {
    const before = storeBytes();
    const r = sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(storeBytes()).toBe(before);
  });

  it("the documented empty values still work: -d \"\" clears, credential edit --name \"\" / --role \"\" remove", () => {
    const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "temp", "-d", "x"]);
    expect(sb.ok(["credential", "edit", c.identifier, "-d", "", "--name", ""])).toMatchObject({ name: null, description: "" });
    expect(sb.ok(["credential", "edit", c.identifier, "--role", ""]).roles).toEqual([]);
    sb.ok(["credential", "delete", c.identifier, "--yes"]);
  });
});

describe("JSON with unknown or duplicate keys is rejected", () => {
  it("a batch line with a misspelt key is an error line, never `allowed`", () => {
    const answers = batch([
      JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", ip: "203.0.113.7", secert: "apc_wrong" }),
      JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", ip: "203.0.113.7" }),
    ]);
    expect(answers[0]).toEqual({
      error: { code: "invalid_input", message: expect.stringMatching(/line 1: unknown field "secert" \(did you mean "secret"\?\)/) },
      line: 1,
    });
    expect(answers[0]).not.toHaveProperty("allowed");
    expect(answers[1]).toMatchObject({ allowed: true, reason: "allowed" });
  });

  it("a batch line with a duplicate key is an error line (JSON.parse would keep the last)", () => {
    const dup = `{"credential":"kelvin-ci","action":"GetInvoices","ip":"198.51.100.1","ip":"203.0.113.7"}`;
    const escaped = JSON.stringify({ credential: "kelvin-ci", action: 'Get"Invoices' });
    const answers = batch([dup, escaped]);
    expect(answers[0]).toMatchObject({ error: { code: "invalid_input", message: expect.stringContaining('duplicate field "ip"') }, line: 1 });
    // A quote inside a value is no duplicate: answered normally.
    expect(answers[1]).toMatchObject({ allowed: false, reason: "unknown_action" });
  });

  it("a batch field that is null or not a string is an error line, not `not given`", () => {
    const answers = batch([
      JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", ip: null }),
      JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", secret: 5 }),
    ]);
    expect(answers[0].error.message).toMatch(/"ip" must be a string/);
    expect(answers[1].error.message).toMatch(/"secret" must be a string/);
  });

  it("an apply file with a duplicate key is exit 2 naming the key and where, and nothing is written", () => {
    const file = join(sb.dir, "dup.json");
    writeFileSync(file, `{"version":1,\n"admins":[{"username":"zed"}],\n"admins":[{"username":"alice"}]}`);
    const before = storeBytes();
    const r = sb.run(["apply", "--file", file, "--prune", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/duplicate key "admins" at line 3, column 1 \(byte \d+\)/);
    expect(storeBytes()).toBe(before);
  });

  it("a duplicate key deep inside an apply file names its path", () => {
    const file = join(sb.dir, "dup2.json");
    writeFileSync(file, `{"version":1,"roles":[{"name":"x","grants":[],"grants":["*"]}]}`);
    const r = sb.run(["apply", "--file", file, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/duplicate key "grants" at line 1, column \d+ \(byte \d+\), in roles\[0\]/);
  });
});

describe("secrets are compared exactly, the same way in single and batch mode", () => {
  const single = (env: Record<string, string>, extra: string[] = [], input?: string) =>
    sb.run(["check", "kelvin-ci", "GetInvoices", "--json", ...extra], { env, input }).json();

  it("an empty secret is a given, wrong secret (bad_secret) from a file, stdin, the environment and a batch line", () => {
    const empty = join(sb.dir, "empty-secret");
    writeFileSync(empty, "");
    expect(single({}, ["--secret-file", empty]).reason).toBe("bad_secret");
    expect(single({}, ["--secret-file", "-"], "").reason).toBe("bad_secret");
    expect(single({}, ["--secret-file", "-"], "\n").reason).toBe("bad_secret");
    expect(single({ APICRED_SECRET: "" }).reason).toBe("bad_secret");
    expect(batch([JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", secret: "" })])[0].reason).toBe("bad_secret");
  });

  it("one trailing \\n or \\r\\n is dropped from a file or stdin; nothing else is trimmed anywhere", () => {
    const file = join(sb.dir, "secret");
    for (const [text, reason] of [
      [`${secret}\n`, "allowed"],
      [`${secret}\r\n`, "allowed"],
      [`${secret}\n\n`, "bad_secret"],
      [` ${secret}\n`, "bad_secret"],
      [`${secret} \n`, "bad_secret"],
      [`${secret}\t`, "bad_secret"],
    ] as const) {
      writeFileSync(file, text);
      expect(single({}, ["--secret-file", file]).reason, JSON.stringify(text)).toBe(reason);
      expect(single({}, ["--secret-file", "-"], text).reason, JSON.stringify(text)).toBe(reason);
    }
    expect(single({ APICRED_SECRET: ` ${secret}` }).reason).toBe("bad_secret");
    expect(batch([JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices", secret: ` ${secret}` })])[0].reason).toBe("bad_secret");
  });

  it("the access key follows the same rule: an empty or padded key is invalid, never a usage error", () => {
    const run = (env: Record<string, string>) =>
      sb.run(["check", "kelvin-ci", "GetInvoices", "--ip", "198.51.100.9", "--json"], { env }).json();
    expect(run({ APICRED_ACCESS_KEY: "" })).toMatchObject({ reason: "ip_not_allowed", accessKey: "invalid" });
    expect(run({ APICRED_ACCESS_KEY: `${key} ` })).toMatchObject({ reason: "ip_not_allowed", accessKey: "invalid" });
    expect(run({ APICRED_ACCESS_KEY: key })).toMatchObject({ reason: "allowed", accessKey: "valid" });
  });
});

describe("categories and case folding", () => {
  it("a custom action joins a built-in category whose name has a space, in its canonical spelling", () => {
    expect(sb.ok(["action", "add", "PmSync", "--category", "project management"])).toMatchObject({ category: "Project Management" });
    expect(sb.ok(["action", "add", "PmSync2", "--category", "Project Management"])).toMatchObject({ category: "Project Management" });
    const bad = sb.run(["action", "add", "PmSync3", "--category", "New Cat"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a new category takes 1-40 letters/);
  });

  it("ASCII-only case folding: the Kelvin sign does not match k", () => {
    const r = sb.run(["role", "create", "kelvin", "--allow", `GetTic${KELVIN}ets`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown action/);
    const d = sb.run(["check", "kelvin-ci", `GetTic${KELVIN}ets`, "--json"]);
    expect(d.code).toBe(1);
    expect(d.json()).toMatchObject({ allowed: false, reason: "unknown_action" });
    expect(sb.run(["check", "kelvin-ci", "gettickets", "-q"]).code).toBe(0);
    // Names too: "Kelvin-ci" with a Kelvin sign is not the credential kelvin-ci.
    expect(sb.run(["check", `${KELVIN}elvin-ci`, "GetTickets", "--json"]).json().reason).toBe("unknown_credential");
    const answers = batch([JSON.stringify({ credential: "kelvin-ci", action: `GetTic${KELVIN}ets` })]);
    expect(answers[0].reason).toBe("unknown_action");
  });
});

describe("bounded reads", () => {
  const fifo = () => {
    const path = join(sb.dir, `fifo-${Math.random().toString(36).slice(2)}`);
    expect(spawnSync("mkfifo", [path]).status).toBe(0);
    return path;
  };

  it("a FIFO nobody writes ends with exit 2 within seconds (--secret-file, --access-key-file, apply --file)", () => {
    for (const args of [
      ["check", "kelvin-ci", "GetInvoices", "--secret-file", fifo()],
      ["check", "kelvin-ci", "GetInvoices", "--access-key-file", fifo()],
      ["apply", "--file", fifo(), "--dry-run"],
    ]) {
      const r = timed(args, { env: { APICRED_READ_TIMEOUT_MS: "700" } });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/nothing to read for 0\.7 s/);
      expect(r.ms).toBeLessThan(8000);
    }
  });

  it.skipIf(ON_POSTGRES)("a store that is a FIFO is exit 5 at once, for check and for every other command, never a wait", () => {
    const store = fifo();
    for (const args of [["check", "kelvin-ci", "GetInvoices"], ["role", "list"]]) {
      const r = spawnSync(process.execPath, [BIN, "--store", store, ...args], { env: sb.env(), encoding: "utf8", timeout: 15_000 });
      expect(r.status, args.join(" ")).toBe(5);
      expect(r.stderr).toContain("is not a regular file");
    }
  });

  it("a malformed time setting in the environment is exit 2 naming it, never the default", () => {
    const r = sb.run(["admin", "add", "timing"], { env: { APICRED_LOCK_TIMEOUT_MS: "5s" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('$APICRED_LOCK_TIMEOUT_MS must be a whole number of milliseconds from 1 to 86400000, not "5s"');
    expect(sb.run(["admin", "list", "--json"]).json().map((a: { username: string }) => a.username)).not.toContain("timing");
  });

  it("a stdin pipe that stays open and silent ends with exit 2", async () => {
    const child = spawn(process.execPath, [BIN, "check", "kelvin-ci", "GetInvoices", "--secret-file", "-"], {
      env: sb.env({ APICRED_READ_TIMEOUT_MS: "500" }),
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const killer = setTimeout(() => child.kill(), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(killer);
    child.stdin.destroy();
    expect(code).toBe(2);
    expect(stderr).toMatch(/--secret-file - \(stdin\): nothing to read/);
  });

  it("a FIFO that is written is read", async () => {
    const path = fifo();
    const child = spawn(process.execPath, [BIN, "check", "kelvin-ci", "GetInvoices", "--secret-file", path, "-q"], { env: sb.env() });
    const killer = setTimeout(() => child.kill(), 10_000);
    setTimeout(() => writeFileSync(path, `${secret}\n`), 200);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
  });

  it("/dev/zero, a folder or a file over the size limit is exit 2 without reading it all", () => {
    const big = join(sb.dir, "big-secret");
    writeFileSync(big, "a".repeat(5000));
    const folder = join(sb.dir, "a-folder");
    mkdirSync(folder, { recursive: true });
    for (const [args, message] of [
      [["check", "kelvin-ci", "GetInvoices", "--secret-file", "/dev/zero"], /not a regular file or a pipe/],
      [["check", "kelvin-ci", "GetInvoices", "--access-key-file", "/dev/zero"], /not a regular file or a pipe/],
      [["apply", "--file", "/dev/zero"], /not a regular file or a pipe/],
      [["check", "kelvin-ci", "GetInvoices", "--secret-file", big], /more than 4 KiB/],
      [["check", "kelvin-ci", "GetInvoices", "--secret-file", folder], /it is a folder/],
      [["apply", "--file", folder], /it is a folder/],
    ] as const) {
      const r = timed([...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const zero = openSync("/dev/zero", "r");
    try {
      const r = timed(["check", "kelvin-ci", "GetInvoices", "--secret-file", "-"], { stdin: zero });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a regular file or a pipe/);
      const b = timed(["check", "--batch"], { stdin: zero });
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/stdin is a device/);
    } finally {
      closeSync(zero);
    }
  });
});

describe("check --batch: bounded lines", () => {
  it("an over-long line is one error line, skipped as it streams, and the batch goes on", () => {
    const ok = JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices" });
    const input = `${ok}\n${"x".repeat(32 * 1024 * 1024)}\n${ok}\n{"credential":"${"y".repeat(70_000)}"}\n${ok}\n`;
    const r = timed(["check", "--batch"], { input, timeout: 20_000 });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0].allowed).toBe(true);
    expect(lines[1]).toEqual({ error: { code: "line_too_long", message: "line 2: longer than 65536 bytes; skipped" }, line: 2 });
    expect(lines[2]).toMatchObject({ allowed: true });
    expect(lines[3]).toMatchObject({ error: { code: "line_too_long" }, line: 4 });
    expect(lines[4]).toMatchObject({ allowed: true });
    expect(r.ms).toBeLessThan(8000); // 11.5 s before, quadratic
  });

  it("a stream of zeros without a newline is answered with one error line, in bounded memory", async () => {
    const child = spawn(process.execPath, [BIN, "check", "--batch"], { env: sb.env() });
    const killer = setTimeout(() => child.kill(), 20_000); // before the fix it buffered forever
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < 64; i++) if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once("drain", r));
    child.stdin.end(`\n${JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices" })}\n`);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { error: { code: "line_too_long", message: "line 1: longer than 65536 bytes; skipped" }, line: 1 },
      expect.objectContaining({ allowed: true }),
    ]);
  });
});

describe("length limits: checked before any lookup, suggestions bounded", () => {
  it("a 100 KiB argument is exit 2 at once, not a slow 'did you mean'", () => {
    const huge = "a".repeat(100 * 1024);
    for (const args of [
      ["credential", "show", huge],
      ["role", "show", huge],
      ["admin", "disable", huge],
      ["action", "remove", huge],
      ["check", huge, "GetInvoices"],
      ["role", "create", "r3", "--allow", huge],
    ]) {
      const r = timed(args);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(/too long \(102400 characters; at most \d+\)/);
      expect(r.stderr.length).toBeLessThan(500);
    }
  });

  it("a 2 MB grant in an apply file is exit 2 within seconds (over 20 s before)", () => {
    const file = join(sb.dir, "huge-grant.json");
    writeFileSync(file, JSON.stringify({ version: 1, roles: [{ name: "huge", grants: ["G".repeat(2_000_000)] }] }));
    const r = timed(["apply", "--file", file, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/roles\[0\]\.grants\[0\]: grant: too long/);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(r.ms).toBeLessThan(5000);
  });
});

describe("invalid UTF-8 is refused, naming the byte offset", () => {
  it("in an apply file: exit 2, not a silent U+FFFD", () => {
    const file = join(sb.dir, "latin1.json");
    writeFileSync(file, Buffer.concat([Buffer.from('{"version":1,"admins":[{"username":"caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]));
    const r = sb.run(["apply", "--file", file, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid UTF-8 \(first invalid byte at offset 39\)/);
  });

  it("in a secret file: exit 2", () => {
    const file = join(sb.dir, "bad-secret");
    writeFileSync(file, Buffer.concat([Buffer.from(secret.slice(0, 10)), Buffer.from([0xff])]));
    const r = sb.run(["check", "kelvin-ci", "GetInvoices", "--secret-file", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid UTF-8 \(first invalid byte at offset 10\)/);
  });

  it("in a batch line: an error line for that line, and the batch goes on", () => {
    const ok = JSON.stringify({ credential: "kelvin-ci", action: "GetInvoices" });
    const input = Buffer.concat([Buffer.from(`${ok}\n{"credential":"kelvin-ci","action":"Get`), Buffer.from([0xc3, 0x28]), Buffer.from(`"}\n${ok}\n`)]);
    const r = spawnSync(process.execPath, [BIN, "check", "--batch"], { env: sb.env(), input });
    expect(r.status).toBe(0);
    const lines = r.stdout.toString().trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].allowed).toBe(true);
    expect(lines[1]).toEqual({ error: { code: "invalid_utf8", message: "line 2: not valid UTF-8 (first invalid byte at offset 39 of the line)" }, line: 2 });
    expect(lines[2].allowed).toBe(true);
  });
});
