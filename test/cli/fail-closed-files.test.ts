// Black-box: the store's files fail closed (issue 10, "Data loss" and "Files"): a write that cannot
// complete leaves the store byte-identical, nothing writes over the store's own files, a blank
// --store is refused, the audit log never loses (or invents) a change, planted links and unsafe
// folders are refused or reported, temp files of killed writers are cleaned, and a lock that cannot
// belong to a live apicred is taken over.
import { spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let audit: string;
beforeEach(() => {
  sb = new Sandbox();
  audit = join(sb.dir, "store.audit.jsonl");
});
afterEach(() => {
  chmodSync(sb.dir, 0o700);
  sb.cleanup();
});

/** A valid store of about 120 KB: init, one admin, then custom actions written in by hand. */
function bigStore(): void {
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  const doc = JSON.parse(readFileSync(sb.store, "utf8"));
  for (let i = 0; i < 800; i++) {
    doc.actions.push({ name: `Custom${i}${"x".repeat(100)}`, category: "Custom", createdAt: "2026-01-01T00:00:00.000Z" });
  }
  writeFileSync(sb.store, JSON.stringify(doc));
  chmodSync(sb.store, 0o600);
  expect(statSync(sb.store).size).toBeGreaterThan(110_000);
}

/** Runs apicred under `ulimit -f 100` (51,200 bytes) with SIGXFSZ ignored, as the issue reproduces it. */
function underFileLimit(args: string[]) {
  const quoted = args.map((a) => `'${a}'`).join(" ");
  return spawnSync("sh", ["-c", `trap "" XFSZ; ulimit -f 100; exec "${process.execPath}" "${BIN}" ${quoted}`], {
    env: sb.env(),
    cwd: sb.dir,
    encoding: "utf8",
    timeout: 20_000,
  });
}

const temps = () => readdirSync(sb.dir).filter((n) => n.endsWith(".tmp"));
const auditObjects = () => sb.ok(["audit"]).map((e: { object: string }) => e.object);

describe("a write that cannot complete (file-size limit)", () => {
  it("is exit 5; the store stays byte-identical, no temp file is left, and audit does not show the change", () => {
    bigStore();
    const before = readFileSync(sb.store);
    const r = underFileLimit(["admin", "add", "bob"]);
    expect(r.status, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/cannot write store .*store\.json.*EFBIG/);
    expect(readFileSync(sb.store).equals(before)).toBe(true);
    expect(temps()).toEqual([]);
    expect(sb.ok(["admin", "list"]).map((a: { username: string }) => a.username)).toEqual(["alice"]);
    // The events were appended before the failed write: the log keeps them, `audit` leaves them out.
    expect(readFileSync(audit, "utf8")).toContain('"admin:bob"');
    expect(auditObjects()).toEqual([`store:${sb.store}`, "admin:alice"]);
    const r2 = sb.run(["audit", "--json"]);
    expect(r2.stderr).toContain("left out 1 change(s)");
    // The next change lands and is shown; bob's never-landed change still is not.
    sb.ok(["admin", "add", "carol"]);
    expect(auditObjects()).toEqual([`store:${sb.store}`, "admin:alice", "admin:carol"]);
  });

  it("export --file fails and leaves the file it would replace as it was", () => {
    bigStore();
    const out = join(sb.dir, "export.json");
    writeFileSync(out, "previous export\n");
    const r = underFileLimit(["export", "--file", out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("EFBIG");
    expect(readFileSync(out, "utf8")).toBe("previous export\n");
    expect(temps()).toEqual([]);
  });
});

describe("export --file never writes over the store's own files", () => {
  it.each([
    ["the store", "store.json"],
    ["the store by a relative path", "./store.json"],
    ["the audit log", "store.audit.jsonl"],
    ["the lock file", "store.json.lock"],
    ["the usage file", "store.usage.json"],
  ])("refuses %s with exit 2", (_what, file) => {
    sb.ok(["init"]);
    const before = readFileSync(sb.store);
    const log = readFileSync(audit);
    const r = sb.run(["export", "--file", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--file: .* is the (store|audit log|lock file|usage file)/);
    expect(readFileSync(sb.store).equals(before)).toBe(true);
    expect(readFileSync(audit).equals(log)).toBe(true);
    expect(existsSync(join(sb.dir, "store.json.lock"))).toBe(false);
    expect(existsSync(join(sb.dir, "store.usage.json"))).toBe(false);
  });

  it("compares real paths: through a symlink, a symlinked folder, a hard link, or a store that is a link", () => {
    sb.ok(["init"]);
    const before = readFileSync(sb.store);
    symlinkSync(sb.store, join(sb.dir, "link.json"));
    symlinkSync(sb.dir, join(sb.dir, "alias"));
    linkSync(sb.store, join(sb.dir, "hard.json"));
    for (const file of ["link.json", "alias/store.json", "alias/store.audit.jsonl", "hard.json"]) {
      const r = sb.run(["export", "--file", file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toContain("export to another file");
    }
    // The store named through a link: its real file is protected too, and the files beside it.
    const viaLink = { env: { APICRED_STORE: join(sb.dir, "alias", "store.json") } };
    expect(sb.run(["export", "--file", sb.store], viaLink).code).toBe(2);
    expect(sb.run(["export", "--file", join(sb.dir, "store.audit.jsonl")], viaLink).code).toBe(2);
    expect(readFileSync(sb.store).equals(before)).toBe(true);
    // Anything else is written as before.
    expect(sb.run(["export", "--file", "elsewhere.json"]).code).toBe(0);
  });
});

describe("the store path", () => {
  it.each([[""], ["   "]])("--store %j is exit 2, never the store of $APICRED_STORE", (value) => {
    sb.ok(["init"]);
    const before = readFileSync(sb.store);
    const r = sb.run(["--store", value, "admin", "add", "bob"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--store: the path is empty");
    expect(sb.run(["--store", value, "status"]).code).toBe(2);
    expect(readFileSync(sb.store).equals(before)).toBe(true);
  });

  it("APICRED_STORE set but blank is exit 2, never the default store", () => {
    const xdg = { XDG_CONFIG_HOME: join(sb.dir, "config") };
    sb.ok(["init"], { env: { ...xdg, APICRED_STORE: undefined } });
    const r = sb.run(["admin", "add", "bob"], { env: { ...xdg, APICRED_STORE: "" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("APICRED_STORE is set but empty");
    expect(sb.run(["status"], { env: { ...xdg, APICRED_STORE: " " } }).code).toBe(2);
    expect(sb.ok(["admin", "list"], { env: { ...xdg, APICRED_STORE: undefined } })).toEqual([]);
  });

  it("a folder that can never be created (/proc/self/x) is exit 5 quickly, not an endless mkdir", () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [BIN, "--store", "/proc/self/x/store.json", "admin", "add", "bob"], {
      env: sb.env(),
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(r.status, "killed by the timeout: the writer spun").toBe(5);
    expect(r.stderr).toContain("cannot create the folder for the store /proc/self/x/store.json");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("the audit log", () => {
  it("a change whose events cannot be appended does not land (exit 5)", () => {
    sb.ok(["init"]);
    const before = readFileSync(sb.store);
    const log = readFileSync(audit);
    chmodSync(audit, 0o600);
    // Replace the log by a folder: appending fails whatever the user's privileges.
    writeFileSync(join(sb.dir, "saved.jsonl"), log);
    spawnSync("rm", [audit]);
    mkdirSync(audit);
    const r = sb.run(["admin", "add", "bob"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("nothing changed");
    expect(readFileSync(sb.store).equals(before)).toBe(true);
  });

  it("leaves out a change that never landed (a writer that died between append and rename)", () => {
    sb.ok(["init"]);
    sb.ok(["admin", "add", "alice"]);
    const lines = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const head = JSON.parse(readFileSync(sb.store, "utf8")).lastChange;
    expect(lines.at(-1).changeId).toBe(head);
    // What a writer killed after its append leaves: events made on the current store, which it never replaced.
    const ghost = { time: "2026-01-01T00:00:00.000Z", user: "x", command: "admin add", object: "admin:ghost", change: { added: true }, changeId: "00000000000000aa", parentId: head };
    appendFileSync(audit, `${JSON.stringify(ghost)}\n`);
    expect(auditObjects()).toEqual([`store:${sb.store}`, "admin:alice"]);
    sb.ok(["admin", "add", "bob"]); // made on the same store state: the ghost is now certainly dead
    expect(auditObjects()).toEqual([`store:${sb.store}`, "admin:alice", "admin:bob"]);
    // Events of an older apicred (no change id) are always shown.
    appendFileSync(audit, `${JSON.stringify({ time: "2026-01-02T00:00:00.000Z", user: "u", command: "c", object: "o", change: {} })}\n`);
    expect(auditObjects()).toEqual([`store:${sb.store}`, "admin:alice", "admin:bob", "o"]);
  });

  it("a planted symlink is refused (exit 5) and its target is never touched", () => {
    sb.ok(["init"]);
    const victim = join(sb.dir, "victim");
    writeFileSync(victim, "precious\n");
    spawnSync("rm", [audit]);
    symlinkSync("victim", audit);
    const before = readFileSync(sb.store);
    const r = sb.run(["admin", "add", "bob"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("is a symbolic link");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(sb.store).equals(before)).toBe(true);
    expect(sb.run(["audit"]).code).toBe(5);
    // A dangling link is not created through either.
    spawnSync("rm", [audit, victim]);
    symlinkSync("victim", audit);
    expect(sb.run(["admin", "add", "bob"]).code).toBe(5);
    expect(existsSync(victim)).toBe(false);
  });

  it("gets the store's permission rules: created 0600, writable by others refused, readable warned", () => {
    sb.ok(["init"]);
    expect(statSync(audit).mode & 0o777).toBe(0o600);
    chmodSync(audit, 0o620);
    const before = readFileSync(sb.store);
    const r = sb.run(["admin", "add", "bob"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`chmod 600 ${audit}`);
    expect(readFileSync(sb.store).equals(before)).toBe(true);
    expect(sb.run(["audit"]).code).toBe(5);
    chmodSync(audit, 0o644);
    const ok = sb.run(["admin", "add", "bob"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`the audit log ${audit} is readable by group or others`);
    const findings = sb.run(["doctor", "--json"]).json().findings;
    expect(findings).toContainEqual(expect.objectContaining({ code: "audit_log_readable", object: "audit-log", fix: `chmod 600 ${audit}` }));
  });
});

describe("a store folder writable by group or others", () => {
  it("is warned about on every command and is a doctor finding", () => {
    sb.ok(["init"]);
    chmodSync(sb.dir, 0o777);
    const warning = `the folder ${sb.dir} of store ${sb.store} is writable by group or others`;
    for (const args of [["status"], ["admin", "list"], ["admin", "add", "bob"], ["check", "nope", "GetClients", "--ip", "10.0.0.1"]]) {
      expect(sb.run(args).stderr, args.join(" ")).toContain(warning);
    }
    const findings = sb.run(["doctor", "--json"]).json().findings;
    expect(findings).toContainEqual(expect.objectContaining({ code: "store_folder_writable", severity: "warning", fix: `chmod go-w ${sb.dir}` }));
    chmodSync(sb.dir, 0o700);
    expect(sb.run(["status"]).stderr).not.toContain("writable by group or others");
  });
});

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

describe("temp files left by a killed writer", () => {
  it("the next writer removes those of dead processes; doctor reports the others", async () => {
    sb.ok(["init"]);
    const dead = join(sb.dir, `.store.json.${await deadPid()}.0123456789ab.tmp`);
    const live = join(sb.dir, `.store.json.${process.pid}.ba9876543210.tmp`);
    const other = join(sb.dir, `.elsewhere.json.${await deadPid()}.0123456789ab.tmp`);
    for (const f of [dead, live, other]) writeFileSync(f, '{"half":');
    const first = sb.run(["doctor", "--json"]).json().findings.filter((f: { code: string }) => f.code === "store_temp_file");
    expect(first).toHaveLength(2);
    expect(first.map((f: { message: string }) => f.message)).toEqual(expect.arrayContaining([
      expect.stringContaining(`${dead} was left by a writer that died`),
      expect.stringContaining(`${live} belongs to pid ${process.pid}, which is running`),
    ]));
    sb.ok(["admin", "add", "bob"]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true); // not a temp file of this store
    const after = sb.run(["doctor", "--json"]).json().findings.filter((f: { code: string }) => f.code === "store_temp_file");
    expect(after).toEqual([expect.objectContaining({ fix: `if no apicred is running: rm ${live}` })]);
  });
});

/** The start time of a process as the lock records it (/proc/<pid>/stat field 22). */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

describe("the lock", () => {
  const lock = () => `${sb.store}.lock`;

  it.each([
    ["empty", ""],
    ["garbage", "\u0000\u0000not a lock"],
  ])("a lock with %s content (a crash between creating and writing it) is taken over within seconds", (_what, content) => {
    sb.ok(["init"]);
    writeFileSync(lock(), content);
    const started = Date.now();
    const r = sb.run(["admin", "add", "bob"]); // the default 10 s timeout
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(existsSync(lock())).toBe(false);
  });

  it("a live pid reused by an unrelated process (its start time differs) is taken over", () => {
    sb.ok(["init"]);
    const wrong = String(Number(startTime(process.pid)) + 1);
    writeFileSync(lock(), `${process.pid}\n${hostname()}\n${Date.now()}\n${wrong}\n0123456789abcdef\n`);
    const r = sb.run(["admin", "add", "bob"], { env: { APICRED_LOCK_TIMEOUT_MS: "3000" } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock())).toBe(false);
  });

  it("a live holder with its own start time still blocks (exit 5 after the timeout)", async () => {
    sb.ok(["init"]);
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      await new Promise((r) => holder.on("spawn", r));
      writeFileSync(lock(), `${holder.pid}\n${hostname()}\n${Date.now()}\n${startTime(holder.pid!)}\n0123456789abcdef\n`);
      const before = readFileSync(sb.store);
      const r = sb.run(["admin", "add", "bob"], { env: { APICRED_LOCK_TIMEOUT_MS: "300" } });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`held by pid ${holder.pid}`);
      expect(readFileSync(sb.store).equals(before)).toBe(true);
    } finally {
      holder.kill();
    }
  });
});

describe("a hand-edited store is read as written or not at all", () => {
  /** A credential limited to 10.0.0.0/8, an allowlist open to all, and its secret in a file. */
  function limited(): { id: string; secretFile: string } {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
    sb.ok(["ip", "add", "0.0.0.0/0"]);
    const created = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci", "--ip", "10.0.0.0/8"]);
    const secretFile = join(sb.dir, "secret");
    writeFileSync(secretFile, created.secret, { mode: 0o600 });
    return { id: created.identifier, secretFile };
  }
  const check = (ref: string, secretFile: string) => sb.runSpawned(["check", ref, "GetInvoices", "--ip", "192.0.2.1", "--secret-file", secretFile, "--json"]);

  it("a key written twice is exit 5 naming its line, for check by identifier or name and every other read; never last-wins", () => {
    const { id, secretFile } = limited();
    expect(check(id, secretFile).json()).toMatchObject({ allowed: false, reason: "ip_not_allowed_for_credential" });
    const text = readFileSync(sb.store, "utf8");
    // JSON.parse would keep the empty list: the credential would lose its IP limit.
    writeFileSync(sb.store, text.replace('"ips":["10.0.0.0/8"]', '"ips":["10.0.0.0/8"],"ips":[]'));
    for (const r of [check(id, secretFile), check("ci", secretFile), sb.runSpawned(["credential", "list", "--json"]), sb.runSpawned(["check", "--batch"], { input: `{"credential":"ci","action":"GetInvoices"}\n` })]) {
      expect(r.code, r.stdout).toBe(5);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/store_invalid|is invalid/);
      expect(r.stderr).toMatch(/duplicate key \\?"ips\\?" at line \d+, column \d+ \(in credentials\[0\]\)/);
    }
  });

  it("an IP entry that cannot be read is the store's fault (exit 5), not the request's (exit 2)", () => {
    const { id, secretFile } = limited();
    writeFileSync(sb.store, readFileSync(sb.store, "utf8").replace('"ips":["10.0.0.0/8"]', '"ips":["10.0.0.0/33"]'));
    const r = check(id, secretFile);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: "store_invalid", message: expect.stringContaining('the IP limits of credential ci hold an invalid IP address or CIDR range "10.0.0.0/33"') });
    // A batch answers that line with the store's error and goes on, like any line it cannot decide.
    const batch = sb.runSpawned(["check", "--batch", "--json"], { input: `{"credential":"ci","action":"GetInvoices","ip":"10.1.1.1"}\n{"credential":"nope","action":"GetInvoices"}\n` });
    const lines = batch.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0].error).toMatchObject({ code: "store_invalid" });
    expect(lines[1]).toMatchObject({ allowed: false, reason: "unknown_credential" });
  });

  it("an unknown key is exit 5 naming it, escaped for the terminal", () => {
    const { id, secretFile } = limited();
    const text = readFileSync(sb.store, "utf8");
    writeFileSync(sb.store, text.replace('"ips":["10.0.0.0/8"]', '"ips":[],"Disabled\\u001b[2J":true'));
    const r = sb.runSpawned(["check", id, "GetInvoices", "--ip", "10.1.1.1", "--secret-file", secretFile]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('credentials[0] has an unknown key "Disabled\\x1b[2J"');
    expect(r.stderr).not.toContain("\u001b");
  });
});
