// Black-box: the command line's hints after core errors. The core's errors carry a hint as a code and
// parameters (core/errors.ts); main.ts adds the words (commands/hints.ts). These lines are pinned
// whole: they are what the CLI printed when the core wrote the hints itself, and apply's problems,
// which never had them, still do not.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
});
afterEach(() => sb.cleanup());

function fails(args: string[], code: number): string {
  const r = sb.run(args);
  expect(r.code).toBe(code);
  return r.stderr;
}

describe("hints after core errors", () => {
  it("grants, IP ranges, the allowlist and a disabled admin: the hint follows the core's message", () => {
    expect(fails(["role", "create", "r", "--allow", "Billing"], 2)).toBe(
      'error: unknown action "Billing" in grant (did you mean Billing:*?); see `apicred action list` and `apicred action categories`\n',
    );
    expect(fails(["role", "create", "r", "--allow", "Zzz*"], 2)).toBe('error: grant "Zzz*" matches no action in the catalog; see `apicred action list`\n');
    expect(fails(["ip", "add", "10.0.0.5/8", "--note", "x"], 2)).toBe(
      'error: invalid IP address or CIDR range "10.0.0.5/8": host bits are set after /8; the network is 10.0.0.0/8 (pass --normalize to store that)\n',
    );
    expect(fails(["ip", "remove", "10.0.0.1"], 3)).toBe("error: 10.0.0.1 is not on the IP allowlist (the allowlist is empty)\n");
    sb.ok(["ip", "add", "10.0.0.0/8", "--note", "x"]);
    expect(fails(["ip", "remove", "10.0.0.1"], 3)).toBe("error: 10.0.0.1 is not on the IP allowlist; see `apicred ip list`\n");
    sb.ok(["admin", "add", "bob"]);
    sb.ok(["admin", "disable", "bob", "--yes"]);
    expect(fails(["credential", "create", "--admin", "bob"], 2)).toBe("error: admin bob is disabled; enable it first with `apicred admin enable bob`\n");
  });

  it("the policy: a different fix for create, edit and rotate; in JSON too", () => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "leg"]);
    sb.ok(["policy", "set", "--max-lifetime", "30d"]);
    const problem = "it never expires, but the policy allows at most 30d";
    expect(fails(["credential", "create", "--admin", "alice", "--name", "x"], 2)).toBe(`error: credential x: ${problem}; pass --expires 30d or sooner\n`);
    expect(fails(["credential", "edit", "leg", "-d", "hi"], 2)).toBe(`error: credential leg: ${problem}; add --expires 30d (or sooner) to this edit\n`);
    const rotate = `credential leg: ${problem}; give it a compliant expiry first: apicred credential edit leg --expires 30d`;
    expect(fails(["credential", "rotate", "leg"], 2)).toBe(`error: ${rotate}\n`);
    expect(JSON.parse(fails(["credential", "rotate", "leg", "--json"], 2))).toEqual({ error: { code: "policy_violation", message: rotate } });
  });

  it("apply lists the core's messages without the command line's hints", () => {
    const file = join(sb.dir, "apply.json");
    writeFileSync(file, JSON.stringify({ version: 1, roles: [{ name: "r", grants: ["Billing", "Zzz*"] }], ipAllowlist: [{ address: "10.0.0.5/8" }] }));
    expect(fails(["apply", "--file", file], 2)).toBe(
      `error: ${file} has 3 errors; nothing was changed:\n` +
        '  roles[0].grants[0]: unknown action "Billing" in grant (did you mean Billing:*?)\n' +
        '  roles[0].grants[1]: grant "Zzz*" matches no action in the catalog\n' +
        '  ipAllowlist[0].address: invalid IP address or CIDR range "10.0.0.5/8": host bits are set after /8; the network is 10.0.0.0/8\n',
    );
  });
});
