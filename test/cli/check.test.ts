// Black-box: `apicred check` and `check --batch` against a real store.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, ON_POSTGRES, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let id: string;
let secret: string;
let key: string;

beforeAll(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices", "--allow", "Support:*"]);
  const created = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci-deploy"]);
  id = created.identifier;
  secret = created.secret;
  sb.ok(["ip", "add", "203.0.113.0/24", "--note", "servers"]);
  key = sb.ok(["access-key", "set"]).accessKey;
});
afterAll(() => sb.cleanup());

describe("check", () => {
  it("allows, exit 0, naming the role and grant", () => {
    const r = sb.run(["check", "ci-deploy", "getinvoices", "--ip", "203.0.113.7"]);
    // Piped, stdout is the one line scripts read; what was not checked is a note on stderr.
    expect(r).toMatchObject({ code: 0, stdout: "allowed (role billing grants GetInvoices)\n", stderr: "note: secret not checked: pass --secret-file\n" });
  });

  it("denies, exit 1, with the reason and detail", () => {
    const r = sb.run(["check", id, "GetInvoices", "--ip", "198.51.100.9"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("denied: ip_not_allowed — 198.51.100.9 is not on the allowlist\n");
  });

  it("prints SPEC.md's JSON shape", () => {
    const r = sb.run(["check", id, "GetInvoices", "--ip", "198.51.100.9", "--json"]);
    expect(r.code).toBe(1);
    const d = r.json();
    expect(Object.keys(d)).toEqual(["allowed", "reason", "credential", "action", "ip", "matched", "steps"]);
    expect(d).toMatchObject({ allowed: false, reason: "ip_not_allowed", credential: id, action: "GetInvoices", ip: "198.51.100.9", matched: [] });
    expect(d.steps.map((s: any) => [s.step, s.result])).toEqual([
      ["credential", "pass"], ["secret", "skipped"], ["enabled", "pass"], ["admin", "pass"], ["expiry", "pass"], ["ip_allowlist", "fail"],
      ["credential_ip", "pass"], ["action", "pass"], ["roles", "pass"], ["grant", "pass"],
    ]);
    expect(d.steps[5].detail).toBe("198.51.100.9 is not on the allowlist");
    expect(d.steps.filter((s: any) => "detail" in s)).toHaveLength(1);
    const explained = sb.run(["check", id, "GetInvoices", "--ip", "198.51.100.9", "--json", "--explain"]).json();
    expect(explained.steps[0]).toEqual({ step: "credential", result: "pass", detail: "credential ci-deploy" });
  });

  it("--explain adds the step table; -q prints nothing", () => {
    const r = sb.run(["check", "ci-deploy", "AddClient", "--explain"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("denied: action_not_allowed");
    expect(r.stdout).toMatch(/^ip_allowlist\tskipped\tno --ip given$/m);
    expect(r.stdout).toMatch(/^grant\tfail\t/m);
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "-q"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(sb.run(["check", "ci-deploy", "AddClient", "-q"])).toMatchObject({ code: 1, stdout: "", stderr: "" });
  });

  it("an unknown credential or action is a denial (1), not an error", () => {
    expect(sb.run(["check", "nope", "GetInvoices", "--json"]).json().reason).toBe("unknown_credential");
    expect(sb.run(["check", "nope", "GetInvoices"]).code).toBe(1);
    const r = sb.run(["check", "ci-deploy", "GetInvoicez", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().reason).toBe("unknown_action");
  });

  it("reads the secret from $APICRED_SECRET, a file, or stdin — never argv", () => {
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "-q"], { env: { APICRED_SECRET: secret } }).code).toBe(0);
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "--json"], { env: { APICRED_SECRET: `${secret}x` } }).json().reason).toBe("bad_secret");
    const file = join(sb.dir, "secret.txt");
    writeFileSync(file, `${secret}\n`);
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "--secret-file", file, "-q"]).code).toBe(0);
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "--secret-file", "-", "-q"], { input: `${secret}\n` }).code).toBe(0);
    const argv = sb.run(["check", "ci-deploy", "GetInvoices", "--secret", secret]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain("never taken from the command line");
    expect(argv.stderr).not.toContain(secret);
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "--secret-file", join(sb.dir, "missing")]).code).toBe(2);
    // SPEC "Fail closed": an empty secret is a given, wrong secret (bad_secret), not a usage error.
    writeFileSync(file, "\n");
    expect(sb.run(["check", "ci-deploy", "GetInvoices", "--secret-file", file, "--json"]).json().reason).toBe("bad_secret");
  });

  it("the access key bypasses the allowlist only, and an invalid one is reported", () => {
    const file = join(sb.dir, "key.txt");
    writeFileSync(file, key);
    const ok = sb.run(["check", "ci-deploy", "GetInvoices", "--ip", "198.51.100.9", "--access-key-file", file, "--json"]);
    expect(ok.code).toBe(0);
    expect(ok.json().accessKey).toBe("valid");
    const denied = sb.run(["check", "ci-deploy", "AddClient", "--ip", "198.51.100.9", "--json"], { env: { APICRED_ACCESS_KEY: key } });
    expect(denied.json().reason).toBe("action_not_allowed");
    const wrong = sb.run(["check", "ci-deploy", "GetInvoices", "--ip", "198.51.100.9", "--explain"], { env: { APICRED_ACCESS_KEY: "wrong-key-000000000" } });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("access_key: invalid");
    expect(wrong.stdout).not.toContain(key);
  });

  it.each([
    [["check", "ci-deploy", "GetInvoices", "--ip", "010.0.0.1"], 2],
    [["check", "ci-deploy", "GetInvoices", "--ip", "1.2.3"], 2],
    [["check", "ci-deploy"], 2],
    [["check", "ci-deploy", "GetInvoices", "--batch"], 2],
    [["check", "ci-deploy", "GetInvoices", "--secret-file", "-", "--access-key-file", "-"], 2],
  ])("%j exits %i", (args, code) => {
    const r = sb.run(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
  });

  it("reaches expiry, the credential's own IP limits and missing roles end to end", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "limited", "--ip", "10.0.0.0/8"]);
    sb.ok(["credential", "create", "--admin", "alice", "--name", "roleless"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "short", "--expires", "2s"]);
    const reason = (args: string[]) => {
      const r = sb.run(["check", ...args, "--json"]);
      expect(r.code).toBe(1);
      return r.json().reason;
    };
    expect(reason(["limited", "GetInvoices", "--ip", "203.0.113.7"])).toBe("ip_not_allowed_for_credential");
    expect(reason(["roleless", "GetInvoices"])).toBe("no_roles");
    const wait = Date.now() + 2100;
    while (Date.now() < wait) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    expect(reason(["short", "GetInvoices"])).toBe("credential_expired");
  });

  it("never echoes a secret pasted where the credential belongs", () => {
    for (const args of [["check", secret, "GetInvoices", "--json"], ["check", secret, "GetInvoices", "--explain"]]) {
      const r = sb.run(args);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(secret.slice(4, 20));
    }
    const batch = sb.run(["check", "--batch"], {
      input: `${JSON.stringify({ credential: secret, action: "GetInvoices" })}\n{"credential":"x","secret":${secret}}\n`,
    });
    expect(batch.code).toBe(0);
    expect(batch.stdout).not.toContain(secret.slice(4, 20));
    expect(batch.stdout.split("\n")[1]).toContain("not JSON");
  });

  // On a file store (PostgreSQL loads its client and TLS-capable sockets by design).
  it.skipIf(ON_POSTGRES)("stays lean: no prompts, tables, crypto, streams, terminal or os modules are loaded on the check path", () => {
    const recorder = join(sb.dir, "record-modules.cjs");
    const out = join(sb.dir, "modules.json");
    writeFileSync(
      recorder,
      `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(out)}, ` +
        `JSON.stringify([...process.moduleLoadList, ...Object.keys(require.cache)])));`,
    );
    const r = spawnSync(process.execPath, ["-r", recorder, BIN, "check", "ci-deploy", "GetInvoices", "--ip", "203.0.113.7", "-q"], {
      env: sb.env({ APICRED_SECRET: secret }),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const loaded: string[] = JSON.parse(readFileSync(out, "utf8"));
    for (const heavy of ["NativeModule crypto", "NativeModule net", "NativeModule tty", "NativeModule stream", "NativeModule child_process", "NativeModule os"]) {
      expect(loaded, heavy).not.toContain(heavy);
    }
    // The bundles run through vm.Script (bin/apicred.js), so any dist/ module in require.cache is a
    // lazy one (prompts, tables) that check should never need.
    expect(loaded.filter((m) => m.startsWith(join(ROOT, "dist")))).toEqual([]);
  });

  it("a missing store is exit 5, never a denial", () => {
    const r = sb.run(["check", "ci-deploy", "GetInvoices"], { env: { APICRED_STORE: join(sb.dir, "typo.json") } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("typo.json");
  });

  it("a disabled admin denies until enabled", () => {
    sb.ok(["admin", "disable", "alice"]);
    try {
      expect(sb.run(["check", "ci-deploy", "GetInvoices", "--json"]).json().reason).toBe("admin_disabled");
    } finally {
      sb.ok(["admin", "enable", "alice"]);
    }
    expect(sb.run(["check", "ci-deploy", "GetInvoices"]).code).toBe(0);
  });
});

describe("check --batch", () => {
  it("answers each line in order, errors included, and exits 0", () => {
    const input = [
      JSON.stringify({ credential: "ci-deploy", action: "GetInvoices", ip: "203.0.113.7", secret }),
      "not json",
      JSON.stringify({ credential: id, action: "AddClient" }),
      "",
      JSON.stringify({ credential: id, action: "GetInvoices", ip: "1.2.3" }),
      JSON.stringify({ action: "GetInvoices" }),
      JSON.stringify({ credential: id, action: "GetInvoices", ip: "198.51.100.9", accessKey: key }),
      JSON.stringify([1]),
      JSON.stringify({ credential: "nope", action: "GetInvoices" }),
    ].join("\n");
    const r = sb.run(["check", "--batch"], { input });
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out).toHaveLength(8);
    expect(out.map((o) => o.reason ?? `error:${o.error.code}@${o.line}`)).toEqual([
      "allowed",
      "error:invalid_json@2",
      "action_not_allowed",
      "error:invalid_input@5",
      "error:invalid_input@6",
      "allowed",
      "error:invalid_input@8",
      "unknown_credential",
    ]);
    const single = sb.run(["check", "ci-deploy", "GetInvoices", "--ip", "203.0.113.7", "--json"], { env: { APICRED_SECRET: secret } }).json();
    expect(out[0]).toEqual(single);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain(key);
  });

  it("streams: 100,000 lines through a 48 MB heap, answers arriving before the input ends", async () => {
    const lines = 100_000;
    const child = spawn(process.execPath, ["--max-old-space-size=48", BIN, "check", "--batch"], { env: sb.env() });
    let answered = 0;
    let tail = "";
    let firstAnswerBeforeEnd = false;
    let inputDone = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (!inputDone) firstAnswerBeforeEnd = true;
      const text = tail + chunk;
      const parts = text.split("\n");
      tail = parts.pop()!;
      answered += parts.length;
    });
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    const line = `${JSON.stringify({ credential: id, action: "GetInvoices", ip: "203.0.113.7" })}\n`;
    const block = line.repeat(1000);
    for (let i = 0; i < lines / 1000; i++) {
      if (!child.stdin.write(block)) await new Promise((r) => child.stdin.once("drain", r));
    }
    inputDone = true;
    child.stdin.end();
    expect(await exit).toBe(0);
    expect(answered).toBe(lines);
    expect(firstAnswerBeforeEnd).toBe(true);
  }, 120_000);
});
