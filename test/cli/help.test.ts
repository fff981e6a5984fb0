// Black-box: `apicred help <command…>` at every level, EXAMPLES and the global options in every
// command's help, and the help topics (environment, exit-codes).
import { afterAll, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { commandPaths } from "../helpers/commands.js";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

const GLOBAL = ["--store <path>", "--json", "--field <name>", "--no-color", "-y, --yes", "--no-input"];

describe("apicred help <command…>", () => {
  it.each(commandPaths().map((p) => [p || "(apicred)", p]))("%s: help with examples and every global option", (_label, path) => {
    const r = sb.run(["help", ...path.split(" ").filter(Boolean)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^Usage: apicred${path ? ` ${path}` : ""}[ |]`));
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ (SECRET=\$\(|source <\()?apicred /);
    for (const flag of GLOBAL) expect(r.stdout, flag).toContain(flag);
    if (path) expect(r.stdout).toContain("\nGlobal Options:\n");
  });

  it("shows the same help as --help, and as `<noun> help <verb>`, with aliases too", () => {
    const help = sb.run(["help", "credential", "create"]).stdout;
    expect(sb.run(["credential", "create", "--help"]).stdout).toBe(help);
    expect(sb.run(["credential", "help", "create"]).stdout).toBe(help);
    expect(sb.run(["help", "cred", "create"]).stdout).toBe(help);
    expect(sb.run(["help", "role", "rm"]).stdout).toBe(sb.run(["role", "delete", "--help"]).stdout);
  });

  it("an unknown command is exit 2 with the nearest name", () => {
    const r = sb.run(["help", "role", "creat"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('`apicred role` has no command "creat" (did you mean create?)');
    const top = sb.run(["help", "enviroment"]);
    expect(top.code).toBe(2);
    expect(top.stderr).toContain("did you mean environment?");
    expect(sb.run(["help", "check", "extra"]).code).toBe(2);
  });
});

describe("help topics", () => {
  it("apicred help environment lists the variables apicred reads", () => {
    const r = sb.run(["help", "environment"]);
    expect(r.code).toBe(0);
    for (const name of ["APICRED_STORE", "APICRED_SECRET", "APICRED_ACCESS_KEY", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "NO_COLOR", "CI"]) {
      expect(r.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
    }
  });

  it("apicred help exit-codes documents every code, including apply --dry-run --exit-code's", () => {
    const r = sb.run(["help", "exit-codes"]);
    expect(r.code).toBe(0);
    for (const code of [0, 1, 2, 3, 4, 5, 70]) expect(r.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, "m"));
    expect(r.stdout).toMatch(/^ {2}1 .*apply --dry-run --exit-code: changes pending/m);
  });

  it("apicred help (and --help) lists the topics", () => {
    for (const args of [["help"], ["--help"]]) {
      const r = sb.run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ {2}environment +the environment variables/m);
      expect(r.stdout).toMatch(/^ {2}help \[command\.\.\.\]/m);
    }
  });
});
