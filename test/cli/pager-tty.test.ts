// Black-box on a pseudo-terminal (80x24): long output goes through $APICRED_PAGER / $PAGER, and never
// with --no-pager, an empty variable, when piped or under --json; a pager that cannot start costs nothing.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
let pager: string;
let ran: string;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  ran = join(sb.dir, "pager-ran");
  pager = join(sb.dir, "pager.sh");
  // Records that it ran (and what it read), then shows it.
  writeFileSync(pager, `#!/bin/sh\ntee '${ran}'\n`);
  chmodSync(pager, 0o755);
});
afterEach(() => sb.cleanup());

const tty = (args: string[], env: Record<string, string | undefined>) => onTty(sb, args, [], 15_000, { cols: 80, rows: 24, env });

describe.skipIf(lacking("script"))("the pager", () => {
  it("action list (longer than the screen) goes through $PAGER, all of it", async () => {
    const r = await tty(["action", "list"], { PAGER: pager });
    expect(r.code).toBe(0);
    expect(existsSync(ran)).toBe(true);
    const paged = readFileSync(ran, "utf8");
    expect(paged.split("\n")[0]).toMatch(/^ACTION +CATEGORY +SOURCE/);
    expect(paged.trim().split("\n").length).toBeGreaterThan(150);
    expect(r.screen).toContain("UpdateClientAddon");
  });

  it("$APICRED_PAGER comes first; empty means none", async () => {
    await tty(["action", "list"], { APICRED_PAGER: pager, PAGER: "/nonexistent" });
    expect(existsSync(ran)).toBe(true);
    const none = await tty(["action", "list"], { APICRED_PAGER: "", PAGER: pager });
    expect(none.code).toBe(0);
    expect(none.screen).toContain("UpdateClientAddon");
    expect(readFileSync(ran, "utf8").length).toBeGreaterThan(0); // from the first run only
  });

  it("not with --no-pager, nor under --json, nor for output that fits the screen", async () => {
    for (const args of [["action", "list", "--no-pager"], ["action", "list", "--json"], ["action", "categories"]]) {
      const r = await tty(args, { PAGER: pager });
      expect(r.code).toBe(0);
      expect(existsSync(ran)).toBe(false);
    }
  });

  it("a pager that cannot start: the output is printed directly", async () => {
    const r = await tty(["action", "list"], { PAGER: join(sb.dir, "no-such-pager") });
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/ACTION +CATEGORY +SOURCE/);
    expect(r.screen).toContain("UpdateClientAddon");
  });

  it("never when piped", () => {
    const r = sb.run(["action", "list"], { env: { PAGER: pager } });
    expect(r.code).toBe(0);
    expect(existsSync(ran)).toBe(false);
    expect(r.stdout.split("\n").length).toBeGreaterThan(150);
  });
});
