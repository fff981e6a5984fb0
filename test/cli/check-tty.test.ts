// Black-box on a pseudo-terminal: an "allowed" that skipped steps for want of input says so.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
let secret: string;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
  secret = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]).secret;
  sb.ok(["ip", "add", "203.0.113.0/24"]);
});
afterEach(() => sb.cleanup());

describe.skipIf(lacking("script"))("check on a terminal", () => {
  it("without --ip or a secret: allowed, naming what was not checked", async () => {
    const r = await onTty(sb, ["check", "ci", "GetInvoices"], [], 15_000, { cols: 120 });
    expect(r.code).toBe(0);
    expect(r.screen).toContain("allowed (role billing grants GetInvoices) — IP and secret not checked: pass --ip and --secret-file");
  });

  it("with both: a plain allowed", async () => {
    const r = await onTty(sb, ["check", "ci", "GetInvoices", "--ip", "203.0.113.7"], [], 15_000, { cols: 120, env: { APICRED_SECRET: secret } });
    expect(r.code).toBe(0);
    expect(r.screen.trim()).toBe("allowed (role billing grants GetInvoices)");
  });

  it("piped with both: no note on stderr", () => {
    const r = sb.run(["check", "ci", "GetInvoices", "--ip", "203.0.113.7"], { env: { APICRED_SECRET: secret } });
    expect(r).toMatchObject({ code: 0, stdout: "allowed (role billing grants GetInvoices)\n", stderr: "" });
  });
});
