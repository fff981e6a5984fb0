// Black-box on a real pseudo-terminal (util-linux `script`): the prompts of role create/edit/delete
// and credential create/delete, as a person at the keyboard sees them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { DOWN, ENTER, onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());


describe.skipIf(lacking("script"))("prompts on a terminal", () => {
  it("role create without --allow opens the grant picker grouped by category", async () => {
    sb.ok(["init"]);
    const r = await onTty(sb, ["role", "create", "r"], [["Grants for role r", `${DOWN} ${DOWN} ${ENTER}`]]);
    expect(r.screen).toContain("── Everything ──");
    expect(r.screen).toContain("── Billing (24) ──");
    expect(r.screen).toContain("Billing:* (all Billing actions)");
    expect(r.code).toBe(0);
    // Addons:* and its one action ticked: saved once, as the wildcard.
    expect(r.screen).toContain("created role r (1 action: Addons:*)");
    expect(sb.ok(["role", "show", "r"]).grants).toEqual(["Addons:*"]);
  });

  it("role create checks the name before opening the picker", async () => {
    sb.ok(["role", "create", "taken"]);
    const r = await onTty(sb, ["role", "create", "TAKEN"], []);
    expect(r.code).toBe(4);
    expect(r.screen).not.toContain("Grants for role");
  });

  it("role edit with no options opens the picker with the role's grants ticked", async () => {
    sb.ok(["role", "create", "r", "--allow", "*"]);
    const r = await onTty(sb, ["role", "edit", "r"], [["Grants for role r", ` ${DOWN} ${ENTER}`]]);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/◉ \* \(every action/);
    expect(sb.ok(["role", "show", "r"]).grants).toEqual(["Addons:*"]);
  });

  it("role delete asks first: no keeps it (exit 2), yes deletes it", async () => {
    sb.ok(["role", "create", "r"]);
    const no = await onTty(sb, ["role", "delete", "r"], [["Delete role r?", `n${ENTER}`]]);
    expect(no.code).toBe(2);
    expect(no.screen).toContain("cancelled, nothing changed");
    expect(sb.ok(["role", "list"])).toHaveLength(1);
    const yes = await onTty(sb, ["role", "delete", "r"], [["Delete role r?", `y${ENTER}`]]);
    expect(yes.code).toBe(0);
    expect(sb.ok(["role", "list"])).toHaveLength(0);
  });

  it("credential create without --admin picks the admin (disabled ones not selectable) and the roles", async () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["admin", "add", "bob"]);
    sb.ok(["admin", "disable", "alice"]);
    sb.ok(["role", "create", "a-role", "--allow", "GetInvoices"]);
    sb.ok(["role", "create", "b-role"]);
    const r = await onTty(sb, 
      ["credential", "create", "--name", "picked"],
      [
        ["Admin the credential authenticates as", ENTER],
        ["Roles", `${DOWN} ${ENTER}`],
      ],
    );
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/alice \(disabled\)/);
    expect(r.screen).toContain("Admin the credential authenticates as bob");
    expect(r.screen).toMatch(/secret {6}apc_[0-9A-Za-z]{39}/);
    expect(sb.ok(["credential", "show", "picked"])).toMatchObject({ admin: "bob", roles: ["b-role"] });
  });

  it("credential delete asks first", async () => {
    sb.ok(["admin", "add", "alice"]);
    const c = sb.ok(["credential", "create", "--admin", "alice", "--name", "ci"]);
    const r = await onTty(sb, ["credential", "revoke", "ci"], [[`Delete 1 credential (ci (${c.identifier}))?`, `y${ENTER}`]]);
    expect(r.code).toBe(0);
    expect(sb.ok(["credential", "list"])).toEqual([]);
  });
});
