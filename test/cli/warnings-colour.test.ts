// Black-box: warnings under --json are JSON lines on stderr; colour follows --no-color, TERM=dumb and
// CLICOLOR_FORCE, in the prompts too.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
});
afterEach(() => sb.cleanup());

const SGR_COLOUR = /\u001b\[(3[0-9]|9[0-7]|1|2)m/;

describe("warnings under --json", () => {
  it("are JSON lines on stderr", () => {
    rmSync(join(sb.dir, "store.audit.jsonl"));
    const r = sb.run(["audit", "--json"]); // "there is no audit log at …"
    expect(r.code).toBe(0);
    expect(r.json()).toEqual([]);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(JSON.parse(l)).toEqual({ warning: { message: expect.any(String) } });
    expect(JSON.parse(lines[0]!).warning.message).toMatch(/no audit log/);
  });

  it("stay text without --json", () => {
    const r = sb.run(["ip", "list"]);
    expect(r.stderr).toMatch(/^warning: .*allowlist/);
  });
});

describe.skipIf(lacking("script"))("colour", () => {
  it("CLICOLOR_FORCE colours piped output; NO_COLOR still wins", () => {
    sb.ok(["role", "create", "r", "--allow", "GetInvoices"]);
    const forced = sb.run(["ip", "list"], { env: { NO_COLOR: undefined, CLICOLOR_FORCE: "1" } });
    expect(forced.stderr).toMatch(SGR_COLOUR);
    const plain = sb.run(["ip", "list"], { env: { NO_COLOR: "1", CLICOLOR_FORCE: "1" } });
    expect(plain.stderr).not.toMatch(SGR_COLOUR);
  });

  it("--no-color reaches the prompts; TERM=dumb means none", async () => {
    sb.ok(["role", "create", "r"]);
    const keys: [string, string][] = [["Delete role r?", "n\r"]];
    const coloured = await onTty(sb, ["role", "delete", "r"], keys, 15_000, { env: { NO_COLOR: undefined } });
    expect(coloured.raw).toMatch(SGR_COLOUR);
    const none = await onTty(sb, ["role", "delete", "r", "--no-color"], keys, 15_000, { env: { NO_COLOR: undefined } });
    expect(none.screen).toContain("Delete role r?");
    expect(none.raw).not.toMatch(SGR_COLOUR);
    const dumb = await onTty(sb, ["role", "delete", "r"], keys, 15_000, { env: { NO_COLOR: undefined, TERM: "dumb" } });
    expect(dumb.screen).toContain("Delete role r?");
    expect(dumb.raw).not.toMatch(SGR_COLOUR);
  });
});
