// Black-box: `apicred scan` — findings, live or dead, the exit codes a pre-commit hook and CI rely
// on, what is skipped, --revoke, --json, and that the secret itself is never printed.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let secret: string;
let id: string;
let tree: string;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "r", "--allow", "GetInvoices"]);
  const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "r", "--name", "ci"]);
  secret = c.secret;
  id = c.identifier;
  tree = join(sb.dir, "repo");
  mkdirSync(join(tree, "src"), { recursive: true });
  writeFileSync(join(tree, "README.md"), "nothing here\napc_ is just a prefix\n");
});
afterEach(() => sb.cleanup());

const neverPrinted = (r: { stdout: string; stderr: string }, ...secrets: string[]) => {
  for (const s of [secret, ...secrets]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
};

/** A well-formed secret no credential has (created, then deleted). */
function deadSecret(): string {
  const c = sb.ok(["credential", "create", "--admin", "alice", "--name", "gone"]);
  sb.ok(["credential", "delete", "gone", "--yes"]);
  return c.secret;
}

describe("scan", () => {
  it("exit 0 when nothing is found", () => {
    const r = sb.run(["scan", tree]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/scanned 1 file .*: 0 secrets found, 0 live/);
  });

  it("exit 1 for a live secret: file:line:column, masked, the credential; never the secret", () => {
    writeFileSync(join(tree, "src", "config.js"), `// config\nconst key = "${secret}";\n`);
    const r = sb.run(["scan", tree]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${join(tree, "src", "config.js")}:2:14\t${secret.slice(0, 8)}…\tLIVE  credential ci (${id})\n`);
    neverPrinted(r);
    const j = sb.run(["scan", tree, "--json"]);
    expect(j.code).toBe(1);
    expect(j.json().findings).toEqual([{ file: join(tree, "src", "config.js"), line: 2, column: 14, live: true, identifier: id, name: "ci" }]);
    neverPrinted(j);
  });

  it("a dead secret (deleted credential) is reported but exits 0; a bad checksum is no finding", () => {
    const dead = deadSecret();
    const altered = `${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    writeFileSync(join(tree, "old.env"), `TOKEN=${dead}\nOTHER=${altered}\n`);
    const r = sb.run(["scan", tree, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().findings).toEqual([{ file: join(tree, "old.env"), line: 1, column: 7, live: false, identifier: null, name: null }]);
    neverPrinted(r, dead, altered);
    const human = sb.run(["scan", tree]);
    expect(human.stdout).toMatch(/old\.env:1:7\tapc_\w{4}…\tdead\n$/);
  });

  it("reads stdin by default (a pre-commit hook: git diff --cached | apicred scan)", () => {
    const r = sb.run(["scan"], { input: `+++ b/app.env\n+API=${secret}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-:2:6\t/);
    neverPrinted(r);
  });

  it("finds a secret in grace as live, and every occurrence", () => {
    sb.ok(["credential", "rotate", "ci", "--grace", "1h"]);
    writeFileSync(join(tree, "a.txt"), `${secret} ${secret}\n`);
    const r = sb.run(["scan", join(tree, "a.txt"), "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().findings.map((f: { column: number; live: boolean }) => [f.column, f.live])).toEqual([[1, true], [45, true]]);
    expect(sb.run(["scan", join(tree, "a.txt")]).stdout).toMatch(/previous secret in its grace/);
  });

  it("skips .git, binaries and links; counts them", () => {
    mkdirSync(join(tree, ".git"));
    writeFileSync(join(tree, ".git", "COMMIT_EDITMSG"), secret);
    writeFileSync(join(tree, "image.bin"), Buffer.concat([Buffer.from([0x89, 0x50, 0x00]), Buffer.from(secret)]));
    writeFileSync(join(sb.dir, "outside.txt"), secret);
    symlinkSync(join(sb.dir, "outside.txt"), join(tree, "link.txt"));
    const r = sb.run(["scan", tree, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().findings).toEqual([]);
    expect(r.json().scanned.skipped).toMatchObject({ git: 1, binary: 1, symlink: 1 });
    // A file named directly is read, even through a link.
    expect(sb.run(["scan", join(tree, "link.txt")]).code).toBe(1);
  });

  it("exit 2 when a path cannot be read (and nothing live was found)", () => {
    const r = sb.run(["scan", join(tree, "missing"), tree]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing: no such file or folder/);
    expect(sb.run(["scan", join(tree, "missing"), "--json"]).json().errors).toEqual([{ path: join(tree, "missing"), message: "no such file or folder" }]);
  });

  it("exit 1 wins over unreadable paths: a live secret is the news", () => {
    writeFileSync(join(tree, "k.txt"), secret);
    expect(sb.run(["scan", join(tree, "missing"), tree]).code).toBe(1);
  });

  it("--revoke without --yes and without a terminal: exit 2, nothing deleted", () => {
    writeFileSync(join(tree, "k.txt"), secret);
    const r = sb.run(["scan", tree, "--revoke"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes required/);
    expect(sb.ok(["credential", "show", "ci"]).identifier).toBe(id);
  });

  it("--revoke --yes deletes the live credentials found (audited, secret never logged); exit 1", () => {
    writeFileSync(join(tree, "k.txt"), `${secret}\n${secret}\n`);
    const r = sb.run(["scan", tree, "--revoke", "--yes", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().revoked).toEqual([id]);
    neverPrinted(r);
    expect(sb.run(["credential", "show", "ci"]).code).toBe(3);
    const log = readFileSync(`${sb.store.replace(/\.json$/, "")}.audit.jsonl`, "utf8");
    expect(log).toContain(`"command":"scan"`);
    expect(log).not.toContain(secret);
    // Now the secret is dead.
    expect(sb.run(["scan", tree]).code).toBe(0);
  });

  it("no store: exit 5 (it cannot tell live from dead)", () => {
    const r = sb.run(["scan", tree], { env: { APICRED_STORE: join(sb.dir, "none.json") } });
    expect(r.code).toBe(5);
  });
});
