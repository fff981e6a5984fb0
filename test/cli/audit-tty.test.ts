// Black-box on a pseudo-terminal of 80 columns: audit shows one line per change, newest first, with
// relative times and a summary of each change, cut to the terminal.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

describe.skipIf(lacking("script"))("audit on a terminal", () => {
  it("one line per change, newest first, summarised and cut to 80 columns", async () => {
    sb.ok(["init"]);
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["role", "create", "big", "--allow", "Billing:*,Support:*,Client:*,Orders:*,GetProducts,AcceptOrder,AddProduct"]);
    sb.ok(["admin", "disable", "alice"]);
    const r = await onTty(sb, ["audit", "--no-pager"], [], 15_000, { cols: 80 });
    expect(r.code).toBe(0);
    const lines = r.screen.split("\n").filter((l) => l.trim() !== "");
    const start = lines.findIndex((l) => /^TIME +USER +COMMAND +OBJECT +CHANGE/.test(l));
    const rows = lines.slice(start + 1);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^just now .*admin disable +admin:alice +disabled$/);
    expect(rows[1]).toMatch(/role create +role:b.* +created; grants: /);
    expect(rows[1]).toContain("…");
    expect(rows[3]).toMatch(/init/);
    for (const l of rows) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it("--limit keeps the latest N and says how many there are", async () => {
    sb.ok(["init"]);
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["admin", "add", "bob"]);
    const r = await onTty(sb, ["audit", "--limit", "1", "--no-pager"], [], 15_000, { cols: 80 });
    expect(r.screen).toContain("admin:bob");
    expect(r.screen).not.toContain("admin:alice");
    expect(r.screen).toContain("the latest 1 of 3 changes");
  });
});
