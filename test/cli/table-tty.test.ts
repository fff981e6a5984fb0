// Black-box on a pseudo-terminal of 80 columns: tables fit the terminal (no rule between rows, long
// cells cut with an ellipsis), times are relative; piped, the same rows are whole and ISO.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

/** The table: from its upper-case header line to the end of the screen. */
const tableLines = (screen: string, header: string) => {
  const lines = screen.split("\n").filter((l) => l !== "");
  return lines.slice(lines.findIndex((l) => l.startsWith(header)));
};

describe.skipIf(lacking("script"))("tables on a terminal", () => {
  it("fit 80 columns: no rules, long cells cut with an ellipsis, relative times", async () => {
    sb.ok(["admin", "add", "alice"]);
    const long = "a-very-long-role-name-that-goes-on-and-on-past-the-edge";
    sb.ok(["role", "create", long, "--allow", "GetInvoices"]);
    sb.ok(["role", "create", "second", "--allow", "GetClients"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", long, "--role", "second", "--name", "one", "--expires", "3d"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "second", "--name", "two"]);
    const r = await onTty(sb, ["credential", "list"], [], 15_000, { cols: 80 });
    expect(r.code).toBe(0);
    const lines = tableLines(r.screen, "IDENTIFIER");
    expect(lines).toHaveLength(3); // the header and two rows: no rules
    expect(lines[0]).toMatch(/^IDENTIFIER +NAME +ADMIN +ROLES +STATUS +EXPIR/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(lines[1]).toContain(sb.ok(["credential", "list"])[0].identifier); // the first column is never cut
    expect(r.screen).toContain("…");
    expect(r.screen).not.toContain(long);
    const wide = await onTty(sb, ["credential", "list"], [], 15_000, { cols: 120 });
    expect(wide.screen).toMatch(/ in 2 days +never/); // relative expiry, and last use
  });

  it("piped, rows stay whole and tab-separated with ISO times", () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["role", "create", "x".repeat(60)]);
    sb.ok(["role", "create", "y".repeat(60)]);
    const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "x".repeat(60), "--role", "y".repeat(60), "--expires", "3d"]);
    const out = sb.run(["credential", "list"]).stdout.trim().split("\t");
    expect(out).toContain(`${"x".repeat(60)}, ${"y".repeat(60)}`);
    expect(out).toContain(c.expiresAt);
  });

  it("width counts wide characters as two columns", async () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["role", "create", "r", "-d", "請求書を見る役割".repeat(8)]);
    const r = await onTty(sb, ["role", "list"], [], 15_000, { cols: 80 });
    const lines = tableLines(r.screen, "ROLE");
    expect(lines).toHaveLength(2);
    const width = (l: string) => [...l].reduce((n, ch) => n + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(80);
    expect(r.screen).toContain("…");
  });
});
