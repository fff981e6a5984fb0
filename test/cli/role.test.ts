// Black-box: `apicred role create | list | show | edit | delete`.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

function audit(): any[] {
  return sb.auditText()
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("role create", () => {
  it("creates a role with canonical grants and prints it (JSON shape of role list)", () => {
    const r = sb.ok(["role", "create", "billing-read", "-d", "read invoices", "--allow", "getinvoices", "--allow", "billing:*,GETORDERS"]);
    expect(r).toEqual({
      name: "billing-read",
      description: "read invoices",
      grants: ["Billing:*", "GetInvoices", "GetOrders"],
      credentials: 0,
      actions: 25,
    });
    expect(sb.ok(["role", "list"])).toEqual([
      { name: "billing-read", description: "read invoices", grants: ["Billing:*", "GetInvoices", "GetOrders"], credentials: 0 },
    ]);
    expect(audit().at(-1)).toMatchObject({ command: "role create", object: "role:billing-read", change: { created: true } });
  });

  it("creates an empty role without a TTY and without --allow (no prompt)", () => {
    const r = sb.run(["role", "create", "nothing"]);
    expect(r).toMatchObject({ code: 0, stdout: "created role nothing (no grants yet)\n" });
    expect(sb.ok(["role", "show", "nothing"])).toMatchObject({ grants: [], actions: 0 });
  });

  it("accepts * and categories with a space", () => {
    expect(sb.ok(["role", "create", "all", "--allow", "*"]).grants).toEqual(["*"]);
    expect(sb.ok(["role", "create", "pm", "--allow", "project management:*"]).grants).toEqual(["Project Management:*"]);
  });

  it.each([
    [["--allow", "GetInvoces"], /unknown action "GetInvoces" in grant \(did you mean GetInvoices\?\)/],
    [["--allow", "Biling:*"], /unknown category "Biling" in grant \(did you mean Billing:\*\?\)/],
    [["--allow", "GetInvoices,bogusthing"], /unknown action "bogusthing"/],
  ])("an unknown grant %j is exit 2 with a suggestion and writes nothing", (flags, message) => {
    sb.ok(["init"]);
    const before = sb.storeText()!;
    const r = sb.run(["role", "create", "r", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sb.storeText()!).toBe(before);
  });

  it.each(["_bad", ".bad", "has space", "a/b", "x".repeat(65), "é"])("rejects the role name %j with exit 2", (name) => {
    const r = sb.run(["role", "create", "--json", "--", name]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe("invalid_input");
    expect(JSON.parse(r.stderr).error.message).toMatch(/1-64 letters, digits/);
  });

  it("accepts 64-character names with . _ -", () => {
    const name = `a.b_c-${"x".repeat(58)}`;
    expect(sb.ok(["role", "create", name]).name).toBe(name);
  });

  it("a duplicate name (any case) is a conflict, exit 4", () => {
    sb.ok(["role", "create", "Ops"]);
    const r = sb.run(["role", "create", "ops", "--json"]);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: "conflict", message: 'role "Ops" already exists' } });
  });
});

describe("role show and list", () => {
  it("shows grants grouped by category and the holder count", () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["action", "add", "GoneAction", "--category", "Billing"]);
    sb.ok(["role", "create", "r", "--allow", "GetInvoices,Client:*,AddClient,GoneAction"]);
    sb.ok(["action", "remove", "GoneAction"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "r"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "R"]);
    const show = sb.ok(["role", "show", "R"]);
    expect(show).toMatchObject({
      name: "r",
      credentials: 2,
      grants: ["Client:*", "AddClient", "GetInvoices", "GoneAction"],
      grantsByCategory: [
        { category: "Billing", grants: ["GetInvoices"] },
        { category: "Client", grants: ["Client:*", "AddClient"] },
        { category: null, grants: ["GoneAction"] },
      ],
    });
    const human = sb.run(["role", "show", "r"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/credentials\s+2/);
    expect(human.stdout).toMatch(/  Billing\n    GetInvoices\n  Client\n    Client:\*\n    AddClient\n  Not in the catalog \(grant nothing\)\n    GoneAction\n/);
    expect(sb.ok(["role", "list"])[0].credentials).toBe(2);
  });

  it("lists roles as tab-separated rows when piped", () => {
    sb.ok(["role", "create", "b", "--allow", "GetInvoices", "-d", "bee"]);
    sb.ok(["role", "create", "a"]);
    expect(sb.run(["role", "list"]).stdout).toBe("a\t\t0\t\nb\tGetInvoices\t0\tbee\n");
  });

  it("a missing role is exit 3 with a suggestion; a missing store is exit 5", () => {
    expect(sb.run(["role", "list"]).code).toBe(5);
    sb.ok(["role", "create", "billing-read"]);
    const r = sb.run(["role", "show", "billing-reed"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no role "billing-reed" \(did you mean billing-read\?\)/);
  });
});

describe("role edit", () => {
  beforeEach(() => {
    sb.ok(["role", "create", "r", "--allow", "GetInvoices", "-d", "old"]);
  });

  it("allows and revokes grants", () => {
    const r = sb.ok(["role", "edit", "r", "--allow", "getorders,Client:*", "--revoke", "getinvoices"]);
    expect(r).toMatchObject({ name: "r", grants: ["Client:*", "GetOrders"], added: ["Client:*", "GetOrders"], removed: ["GetInvoices"], changed: true });
    expect(audit().at(-1)).toMatchObject({ object: "role:r", change: { grantsAdded: ["Client:*", "GetOrders"], grantsRemoved: ["GetInvoices"] } });
  });

  it("--set replaces every grant; --set alone with nothing empties it", () => {
    expect(sb.ok(["role", "edit", "r", "--set", "*"]).grants).toEqual(["*"]);
    expect(sb.run(["role", "edit", "r", "--set", "*", "--allow", "GetOrders"]).code).toBe(2);
  });

  it("renames (credentials keep it) and re-describes", () => {
    sb.ok(["admin", "add", "alice"]);
    const cred = sb.ok(["credential", "create", "--admin", "alice", "--role", "r"]);
    const r = sb.ok(["role", "edit", "r", "--rename", "renamed", "-d", "new"]);
    expect(r).toMatchObject({ name: "renamed", description: "new", renamedFrom: "r", credentials: 1 });
    expect(sb.ok(["credential", "show", cred.identifier]).roles).toEqual(["renamed"]);
    expect(sb.run(["role", "show", "r"]).code).toBe(3);
  });

  it("renaming onto another role is exit 4; an invalid new name is exit 2", () => {
    sb.ok(["role", "create", "other"]);
    expect(sb.run(["role", "edit", "r", "--rename", "OTHER"]).code).toBe(4);
    expect(sb.run(["role", "edit", "r", "--rename", "bad name"]).code).toBe(2);
    expect(sb.ok(["role", "edit", "r", "--rename", "R"]).name).toBe("R"); // a change of case is fine
  });

  it("warns when a revoked grant is not held or the action is still allowed via a wildcard", () => {
    sb.ok(["role", "edit", "r", "--allow", "Billing:*"]);
    const r = sb.run(["role", "edit", "r", "--revoke", "GetInvoices,GetOrders"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("role r did not have grant GetOrders");
    expect(r.stderr).toContain("role r still allows GetInvoices through Billing:*");
  });

  it("reports no change and writes nothing when nothing changes", () => {
    const before = sb.storeText()!;
    expect(sb.ok(["role", "edit", "r", "--allow", "getinvoices"]).changed).toBe(false);
    expect(sb.run(["role", "edit", "r", "-d", "old"]).stdout).toBe("role r unchanged\n");
    expect(sb.storeText()!).toBe(before);
  });

  it("an unknown grant is exit 2 and changes nothing; with no options and no TTY it names the flags", () => {
    const bad = sb.run(["role", "edit", "r", "--allow", "GetOrdrs", "-d", "changed"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/did you mean GetOrders\?/);
    expect(sb.ok(["role", "show", "r"]).description).toBe("old");
    const none = sb.run(["role", "edit", "r"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/role edit: one of --allow, --revoke, --set, --rename or -d is required when not running interactively/);
    expect(sb.run(["role", "edit", "nope", "-d", "x"]).code).toBe(3);
  });
});

describe("role delete", () => {
  it("refuses without --yes when not interactive (exit 2), then deletes and unassigns", () => {
    sb.ok(["admin", "add", "alice"]);
    sb.ok(["role", "create", "r", "--allow", "GetInvoices"]);
    sb.ok(["role", "create", "keep"]);
    const a = sb.ok(["credential", "create", "--admin", "alice", "--role", "r,keep"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "r"]);
    sb.ok(["credential", "create", "--admin", "alice"]);

    const refused = sb.run(["role", "delete", "r"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes required when not running interactively/);
    expect(sb.ok(["role", "list"])).toHaveLength(2);

    expect(sb.ok(["role", "delete", "R", "--yes"])).toEqual({ deleted: "r", unassignedFrom: 2 });
    expect(sb.ok(["credential", "show", a.identifier]).roles).toEqual(["keep"]);
    expect(audit().at(-1)).toMatchObject({ command: "role delete", object: "role:r", change: { deleted: true, unassignedFrom: 2 } });

    // Re-creating a role of the same name does not give it back (roles are referenced by id).
    sb.ok(["role", "create", "r", "--allow", "GetInvoices"]);
    expect(sb.ok(["role", "show", "r"]).credentials).toBe(0);
    expect(sb.ok(["credential", "show", a.identifier]).roles).toEqual(["keep"]);
  });

  it("a missing role is exit 3 (before any confirmation); rm is an alias", () => {
    sb.ok(["init"]);
    expect(sb.run(["role", "delete", "nope"]).code).toBe(3);
    sb.ok(["role", "create", "x"]);
    expect(sb.run(["role", "rm", "x", "-y"])).toMatchObject({ code: 0, stdout: "deleted role x (unassigned from 0 credentials)\n" });
  });
});

describe("role --allow redundancy", () => {
  it("warns about a grant a wildcard of the role already covers, and still saves what was asked", () => {
    const sbx = new Sandbox();
    try {
      const r = sbx.run(["role", "create", "r", "--allow", "GetInvoices,Billing:*"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("warning: GetInvoices is already granted by Billing:*");
      const edit = sbx.run(["role", "edit", "r", "--allow", "Billing:Get*", "--json"]);
      expect(edit.code).toBe(0);
      expect(edit.stderr.trim().split("\n").map((l) => JSON.parse(l))).toContainEqual({
        warning: { message: "Billing:Get* is already granted by Billing:*" },
      });
      const clean = sbx.run(["role", "create", "s", "--allow", "GetInvoices,Client:*"]);
      expect(clean.stderr).toBe("");
    } finally {
      sbx.cleanup();
    }
  });
});
