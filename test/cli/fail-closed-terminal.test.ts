// Fail closed, the operator's terminal and logs (issue 10, SPEC "Fail closed"): no raw control, C1 or
// bidi character from data reaches a terminal or a CI log, descriptions and notes refuse them, an
// error quotes at most a little of a huge value, and a secret pasted anywhere is never echoed.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, Sandbox } from "../helpers/cli.js";
import { lacking } from "../helpers/system-tools.js";
import { onTty } from "../helpers/tty.js";

/** A character a terminal would act on (tab and newline are the renderer's own, so allowed here). */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const OSC = "\x1b]0;pwned\x07";
const OSC_SHOWN = "\\x1b]0;pwned\\x07";

function clean(r: RunResult): void {
  expect(r.stdout, "stdout").not.toMatch(RAW);
  expect(r.stderr, "stderr").not.toMatch(RAW);
}

let sb: Sandbox;
let secret: string;
let id: string;

beforeAll(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "ops", "--allow", "GetInvoices", "-d", "operations"]);
  ({ secret, identifier: id } = sb.ok(["credential", "create", "--admin", "alice", "--role", "ops", "--name", "ci"]));
  sb.ok(["ip", "add", "203.0.113.7", "--note", "billing"]);
});
afterAll(() => sb.cleanup());

describe("raw control, C1 and bidi characters never reach the terminal", () => {
  it("check shows a hostile action escaped, in its summary and in --explain rows", () => {
    for (const args of [["check", "ci", `x${OSC}`], ["check", "ci", `x${OSC}`, "--explain"]]) {
      const r = sb.run(args);
      expect(r.code).toBe(1);
      clean(r);
      expect(r.stdout).toContain(OSC_SHOWN);
    }
  });

  it("JSON output escapes C1 and bidi characters too (JSON.stringify leaves them raw), losslessly", () => {
    const action = "x\u009b2J\u2028\u202eevil"; // inside: a padded value is refused before it is shown
    const r = sb.run(["check", "ci", action, "--json"]);
    expect(r.code).toBe(1);
    clean(r);
    expect(r.json().action).toBe(action);
    const batch = sb.run(["check", "--batch"], { input: `${JSON.stringify({ credential: "ci", action })}\n` });
    expect(batch.code).toBe(0);
    clean(batch);
    expect(JSON.parse(batch.stdout).action).toBe(action);
  });

  it("error messages escape what they quote, in human and in JSON errors", () => {
    const name = "r\x1b[2J\u009b\u202e";
    const human = sb.run(["role", "show", name]);
    expect(human.code).toBe(3);
    clean(human);
    expect(human.stderr).toBe('error: no role "r\\x1b[2J\\x9b\\u202e"\n');
    const json = sb.run(["role", "show", name, "--json"]);
    expect(json.code).toBe(3);
    clean(json);
    expect(JSON.parse(json.stderr).error).toEqual({ code: "not_found", message: 'no role "r\\x1b[2J\\x9b\\u202e"' });
  });

  it("commander's own parse errors are escaped too", () => {
    const r = sb.run(["role", "list", `--x${OSC}`]);
    expect(r.code).toBe(2);
    clean(r);
    expect(r.stderr).toContain(`'--x${OSC_SHOWN}'`);
  });

  it("an apply file's errors cannot write escapes or fake lines into a CI log", () => {
    const file = join(sb.dir, "hostile.json");
    writeFileSync(
      file,
      JSON.stringify({ version: 1, roles: [{ name: `ops${OSC}`, grants: [] }], "x\nerror: nothing is wrong, exit 0": 1 }),
    );
    for (const json of [false, true]) {
      const r = sb.run(["apply", "--file", file, ...(json ? ["--json"] : [])]);
      expect(r.code).toBe(2);
      clean(r);
      expect(json ? JSON.parse(r.stderr).error.message : r.stderr).toContain(OSC_SHOWN);
      expect(r.stderr.split("\n").some((l) => l.startsWith("error: nothing is wrong"))).toBe(false);
    }
    // The renderer's own line breaks stay: the headline, then one indented line per problem.
    const lines = sb.run(["apply", "--file", file]).stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: .* has 2 errors; nothing was changed:$/);
    expect(lines.slice(1).every((l) => l.startsWith("  "))).toBe(true);
  });

  describe("stored data (a store written by an older version or by hand)", () => {
    let old: Sandbox;
    beforeAll(() => {
      old = new Sandbox();
      old.ok(["init"]);
      old.ok(["admin", "add", "alice"]);
      old.ok(["role", "create", "ops", "--allow", "GetInvoices", "-d", "plain"]);
      old.ok(["credential", "create", "--admin", "alice", "--role", "ops", "--name", "ci", "-d", "plain"]);
      old.ok(["ip", "add", "203.0.113.7", "--note", "plain"]);
      const doc = JSON.parse(readFileSync(old.store, "utf8"));
      doc.roles[0].description = `a\tb${OSC}\u202e`;
      doc.credentials[0].description = `two\nlines${OSC}`;
      doc.ipAllowlist[0].note = `n\u009b${OSC}`;
      writeFileSync(old.store, JSON.stringify(doc, null, 2), { mode: 0o600 });
    });
    afterAll(() => old.cleanup());

    it("piped tab-separated rows escape every cell: a tab in data is not a new column", () => {
      const roles = old.run(["role", "list"]);
      expect(roles.code).toBe(0);
      clean(roles);
      const row = roles.stdout.trimEnd().split("\n")[0]!.split("\t");
      expect(row).toContain(`a\\tb${OSC_SHOWN}\\u202e`);
      for (const args of [["ip", "list"], ["credential", "list"], ["role", "show", "ops"], ["credential", "show", "ci"], ["ip", "test", "203.0.113.7"]]) {
        const r = old.run(args);
        expect(r.code, args.join(" ")).toBe(0);
        clean(r);
      }
      expect(old.run(["credential", "show", "ci"]).stdout).toContain(`two\\nlines${OSC_SHOWN}`);
    });

    it("shell completion menus show them escaped", () => {
      for (const words of [["role", "show", ""], ["credential", "show", ""], ["ip", "note", ""]]) {
        const r = old.run(["__complete", ...words]);
        expect(r.code).toBe(0);
        clean(r);
        expect(r.stdout).toContain(OSC_SHOWN);
      }
    });

    it.skipIf(lacking("script"))("a table on a terminal shows them escaped", async () => {
      const { code, screen } = await onTty(old, ["role", "list"], []);
      expect(code).toBe(0);
      expect(screen).not.toContain("\x1b]");
      expect(screen).not.toContain("\u202e");
      expect(screen).toContain(OSC_SHOWN);
    });

    it("the renderer's own colours survive while data is escaped", () => {
      const r = old.run(["role", "show", "ops"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("\x1b[1mrole\x1b[22m");
      expect(r.stdout).toContain(`a\\tb${OSC_SHOWN}\\u202e`);
      expect(r.stdout).not.toContain(OSC);
      const e = old.run(["role", "show", "nope"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect(e.stderr.startsWith("\x1b[31merror:\x1b[39m ")).toBe(true);
    });
  });
});

describe("descriptions and notes refuse control, C1 and bidi characters and line breaks (exit 2)", () => {
  it.each([
    ["role create", ["role", "create", "r2", "-d", "a\nb"], /description contains a line break \(\\n\) at character 2/],
    ["role edit", ["role", "edit", "ops", "-d", "rlo\u202e"], /description contains a control character \(\\u202e\)/],
    ["credential create", ["credential", "create", "--admin", "alice", "--role", "ops", "--name", "c9", "-d", "c1\u009b"], /\\x9b/],
    ["credential edit", ["credential", "edit", "ci", "-d", "a\tb"], /description contains a control character \(\\t\)/],
    ["ip add --note", ["ip", "add", "198.51.100.1", "--note", "\u2066x"], /note contains a control character \(\\u2066\)/],
    ["ip note", ["ip", "note", "203.0.113.7", "a\u2028b"], /note contains a line break \(\\u2028\)/],
    ["a pasted secret", ["role", "edit", "ops", "-d", "SECRET"], /looks like a secret/],
  ])("%s", (_, args, why) => {
    const before = readFileSync(sb.store, "utf8");
    const r = sb.run(args.map((a) => (a === "SECRET" ? `key ${secret}` : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    clean(r);
    expect(r.stderr).not.toContain(secret.slice(4));
    expect(readFileSync(sb.store, "utf8")).toBe(before);
  });

  it("and so do the same fields in an apply file", () => {
    const doc = sb.ok(["export"]);
    doc.roles[0].description = "one\ntwo";
    doc.credentials[0].description = "bidi\u202e";
    doc.ipAllowlist[0].note = "c1\u0085";
    const file = join(sb.dir, "fields.json");
    writeFileSync(file, JSON.stringify(doc));
    const before = readFileSync(sb.store, "utf8");
    const r = sb.run(["apply", "--file", file]);
    expect(r.code).toBe(2);
    clean(r);
    expect(r.stderr).toMatch(/has \d+ errors/);
    expect(r.stderr).toMatch(/roles\[0\]\.description: .*line break \(\\n\)/);
    expect(r.stderr).toMatch(/credentials\[0\]\.description: .*\\u202e/);
    expect(r.stderr).toMatch(/ipAllowlist\[0\]\.note: .*\\x85/);
    expect(readFileSync(sb.store, "utf8")).toBe(before);
  });
});

describe("an error quotes at most 80 characters of a value (an over-long one is refused without quoting it)", () => {
  it.each([
    ["role show", (v: string) => ["role", "show", v]],
    ["credential show", (v: string) => ["credential", "show", v]],
    ["admin enable", (v: string) => ["admin", "enable", v]],
    ["role create --allow", (v: string) => ["role", "create", "r3", "--allow", v]],
    ["ip add", (v: string) => ["ip", "add", v]],
    ["credential create --expires", (v: string) => ["credential", "create", "--admin", "alice", "--role", "ops", "--expires", v]],
    ["an unknown option", (v: string) => ["role", "list", `-${v}`]],
  ])("%s", (_, args) => {
    const r = sb.run(args("a".repeat(20_000)));
    expect(r.code).toBeGreaterThanOrEqual(2);
    expect(r.stderr.length).toBeLessThan(600);
    expect(r.stderr).not.toMatch(/a{81}/);
    expect(r.stderr).toMatch(/a{79}…\(\d+ more\)|too long \(20000 characters; at most \d+\)/);
  });

  it("check's explanation too", () => {
    const r = sb.run(["check", "ci", "b".repeat(100), "--explain"]); // the longest action name accepted
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(2000);
    expect(r.stdout).toContain(`"${"b".repeat(80)}…(20 more)" is not in the action catalog`);
  });
});

describe("a secret pasted into any argument is never echoed", () => {
  const pasted = (): string[][] => [
    ["check", "ci", secret],
    ["check", "ci", secret, "--explain"],
    ["check", "ci", secret, "--json"],
    ["role", "show", secret],
    ["role", "create", "r4", "--allow", secret],
    ["role", "create", secret],
    ["role", "create", `x.${secret}`],
    ["admin", "add", secret],
    ["credential", "create", "--admin", "alice", "--role", "ops", "--name", `x-${secret}`],
    ["admin", "enable", secret],
    ["ip", "test", secret],
    ["ip", "add", secret],
    ["credential", "list", "--role", secret],
    ["credential", "list", "--admin", secret, "--json"],
    ["credential", "create", "--admin", "alice", "--role", secret],
    ["action", "add", secret, "--category", "Billing"],
    ["action", "add", "GetThing", "--category", `C${secret}`],
    ["role", "list", `--${secret}`],
    ["role", secret],
    [secret],
  ];

  it("in any command, human or JSON, on stdout or stderr", () => {
    for (const args of pasted()) {
      const r = sb.run(args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(" ")).not.toContain(secret.slice(4, 24));
    }
  });

  it("nor in a --batch answer", () => {
    const r = sb.run(["check", "--batch"], { input: `${JSON.stringify({ credential: "ci", action: secret })}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret.slice(4, 24));
    expect(JSON.parse(r.stdout).action).toBe("apc_…");
  });

  it("while a secret is still shown, whole, at the one moment it is generated", () => {
    const human = sb.run(["credential", "create", "--admin", "alice", "--role", "ops", "--name", "fresh"]);
    expect(human.code).toBe(0);
    const shown = /^secret\s+(apc_\w+)$/m.exec(human.stdout)?.[1];
    expect(shown).toHaveLength(43);
    const json = sb.ok(["credential", "rotate", "fresh"]);
    expect(json.secret).toMatch(/^apc_[A-Za-z0-9]{39}$/);
    const file = join(sb.dir, "new-credential.json");
    const doc = sb.ok(["export"]);
    doc.credentials.push({ name: "applied", admin: "alice", description: "", roles: ["ops"], ips: [], expiresAt: null });
    writeFileSync(file, JSON.stringify(doc));
    const applied = sb.run(["apply", "--file", file]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\tapc_[A-Za-z0-9]{39}$/m);
  });

  it("the pasted secret above is a real one (the test would prove nothing otherwise)", () => {
    expect(sb.run(["check", id, "GetInvoices", "--ip", "203.0.113.7"], { env: { APICRED_SECRET: secret } }).code).toBe(0);
  });
});
