import { describe, expect, it } from "vitest";
import { buildCatalog, type CatalogAction, findAction } from "../../src/core/catalog.js";
import { UsageError } from "../../src/core/errors.js";
import {
  allowedActionCount,
  canonicalGrant,
  canonicalGrants,
  editGrants,
  grantAllows,
  expandGrant,
  grantInCatalog,
  groupGrants,
  isPattern,
  matchedGrants,
  roleIndex,
} from "../../src/core/grants.js";
import type { Role } from "../../src/core/types.js";

const catalog = buildCatalog([{ name: "MyModuleSync", category: "Billing", createdAt: "" }, { name: "Ping", category: "Custom", createdAt: "" }]);
const action = (name: string): CatalogAction => findAction(catalog, name)!;

describe("canonicalGrant", () => {
  it.each([
    ["GetInvoices", "GetInvoices"],
    ["getinvoices", "GetInvoices"],
    ["GETINVOICES", "GetInvoices"],
    ["mymodulesync", "MyModuleSync"],
    ["Billing:*", "Billing:*"],
    ["billing:*", "Billing:*"],
    ["project management:*", "Project Management:*"],
    ["custom:*", "Custom:*"],
    ["*", "*"],
  ])("%j -> %s", (input, canonical) => {
    expect(canonicalGrant(catalog, input)).toBe(canonical);
  });

  it.each([
    ["GetInvoces", /unknown action "GetInvoces" in grant \(did you mean GetInvoices\?\)/],
    ["getclinets", /unknown action "getclinets" in grant \(did you mean GetClients\?\)/],
    ["Biling:*", /unknown category "Biling" in grant \(did you mean Billing:\*\?\)/],
    ["billing", /unknown action "billing" in grant \(did you mean Billing:\*\?\)/],
    ["Nothing:*", /unknown category "Nothing" in grant/],
    // Nothing near: no suggestion (the command line's "see `apicred action list`" is a hint: test/unit/hints.test.ts).
    ["zzzzzzzzzzzz", /unknown action "zzzzzzzzzzzz" in grant$/],
    ["", /empty grant/],
    ["  ", /empty grant/],
    // Nothing is trimmed (SPEC "Fail closed"): a padded grant is refused, not read as another.
    [" GetInvoices ", /surrounding whitespace/],
    ["Billing :*", /unknown category "Billing "/],
    // ASCII-only case folding: the Kelvin sign is not "k".
    ["GetTic\u212Aets", /unknown action/],
    ["x".repeat(5_000_000), /too long/],
    ["**", /unknown action/],
    [":*", /unknown category ""/],
  ])("%j is a usage error (exit 2): %s", (input, message) => {
    let err: unknown;
    try {
      canonicalGrant(catalog, input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(message);
  });
});

describe("canonicalGrants", () => {
  it("dedupes case-insensitively and sorts: *, wildcards, actions", () => {
    expect(canonicalGrants(catalog, ["getinvoices", "Billing:*", "GetInvoices", "*", "addclient", "client:*"])).toEqual([
      "*",
      "Billing:*",
      "Client:*",
      "AddClient",
      "GetInvoices",
    ]);
  });

  it("fails as a whole on the first unknown grant", () => {
    expect(() => canonicalGrants(catalog, ["GetInvoices", "Nope"])).toThrow(UsageError);
  });
});

describe("grantAllows", () => {
  it.each([
    ["*", "GetInvoices", true],
    ["*", "MyModuleSync", true],
    ["Billing:*", "GetInvoices", true],
    ["Billing:*", "MyModuleSync", true], // custom actions added to a category later
    ["Billing:*", "GetClients", false],
    ["billing:*", "GetInvoices", true],
    ["GetInvoices", "GetInvoices", true],
    ["getinvoices", "GetInvoices", true],
    ["GetInvoices", "GetInvoice", false],
    ["GetInvoice", "GetInvoices", false],
    ["Client:*", "GetClients", true],
    ["Client:*", "GetClientsDetails", true],
    ["Clients:*", "GetClients", false],
    ["Project Management:*", "CreateProject", true],
    ["Custom:*", "Ping", true],
  ])("%s allows %s: %s", (grant, name, allowed) => {
    expect(grantAllows(grant, action(name))).toBe(allowed);
  });
});

describe("matchedGrants", () => {
  const roles: Role[] = [
    { id: "r1", name: "billing-read", description: "", grants: ["GetInvoices", "Billing:*"], createdAt: "" },
    { id: "r2", name: "clients", description: "", grants: ["Client:*"], createdAt: "" },
    { id: "r3", name: "admin", description: "", grants: ["*"], createdAt: "" },
    { id: "r4", name: "empty", description: "", grants: [], createdAt: "" },
  ];
  const index = roleIndex(roles);

  it.each([
    [["r1"], "GetInvoices", [{ role: "billing-read", grant: "GetInvoices" }, { role: "billing-read", grant: "Billing:*" }]],
    [["r1"], "GetClients", []],
    [["r2", "r3"], "GetClients", [{ role: "clients", grant: "Client:*" }, { role: "admin", grant: "*" }]],
    [["r4"], "GetInvoices", []],
    [[], "GetInvoices", []],
    [["gone", "r2"], "AddClient", [{ role: "clients", grant: "Client:*" }]],
  ])("roles %j and %s -> %j", (ids, name, matches) => {
    expect(matchedGrants(ids, index, action(name))).toEqual(matches);
  });
});

describe("editGrants", () => {
  it.each([
    [["GetInvoices"], { allow: ["getorders"] }, ["GetInvoices", "GetOrders"], ["GetOrders"], [], []],
    [["GetInvoices"], { revoke: ["getinvoices"] }, [], [], ["GetInvoices"], []],
    [["GetInvoices"], { revoke: ["GetOrders"] }, ["GetInvoices"], [], [], ["GetOrders"]],
    [["GetInvoices"], { set: ["billing:*"] }, ["Billing:*"], ["Billing:*"], ["GetInvoices"], []],
    [["GetInvoices"], { set: [] }, [], [], ["GetInvoices"], []],
    [["GoneAction"], { revoke: ["goneaction"] }, [], [], ["GoneAction"], []],
    [["GetInvoices"], { allow: ["*"], revoke: ["GetInvoices"] }, ["*"], ["*"], ["GetInvoices"], []],
  ])("%j + %j -> %j", (current, edit, grants, added, removed, notHeld) => {
    expect(editGrants(catalog, current, edit)).toEqual({ grants, added, removed, notHeld });
  });

  it("refuses --set with --allow or --revoke", () => {
    expect(() => editGrants(catalog, [], { set: ["*"], allow: ["GetInvoices"] })).toThrow(/--set replaces every grant/);
  });

  it("validates every grant before changing anything", () => {
    expect(() => editGrants(catalog, ["GetInvoices"], { allow: ["GetOrders", "Bogus"] })).toThrow(UsageError);
  });
});

describe("display helpers", () => {
  it("groups grants by category, * first, unknown last", () => {
    expect(groupGrants(catalog, ["GetInvoices", "GoneAction", "*", "Client:*", "AddClient", "Billing:*"])).toEqual([
      { category: "*", grants: ["*"] },
      { category: "Billing", grants: ["Billing:*", "GetInvoices"] },
      { category: "Client", grants: ["Client:*", "AddClient"] },
      { category: null, grants: ["GoneAction"] },
    ]);
  });

  it("counts the actions grants allow", () => {
    expect(allowedActionCount(catalog, ["*"])).toBe(164);
    expect(allowedActionCount(catalog, ["Billing:*"])).toBe(25);
    expect(allowedActionCount(catalog, ["Billing:*", "GetInvoices", "GetClients"])).toBe(26);
    expect(allowedActionCount(catalog, [])).toBe(0);
  });

  it.each([
    ["*", true],
    ["Billing:*", true],
    ["GetInvoices", true],
    ["GoneAction", false],
    ["Gone:*", false],
  ])("grantInCatalog(%s) = %s", (grant, known) => {
    expect(grantInCatalog(catalog, grant)).toBe(known);
  });
});

describe("pattern grants", () => {
  it.each([
    ["Get*", "Get*"],
    ["billing:Get*", "Billing:Get*"],
    ["*Invoice*", "*Invoice*"],
    ["*Sync", "*Sync"],
  ])("%j -> %s", (input, canonical) => {
    expect(canonicalGrant(catalog, input)).toBe(canonical);
    expect(isPattern(canonical)).toBe(true);
  });

  it.each([
    ["Gte*", /grant "Gte\*" matches no action in the catalog \(did you mean Get\*\?\)/],
    ["Billing:Xyz*", /grant "Billing:Xyz\*" matches no action/],
    ["Bilin:Get*", /unknown category "Bilin" in grant \(did you mean Billing:Get\*\?\)/],
    ["Get-*", /invalid grant "Get-\*": a pattern is an action name/],
    ["Get.*", /invalid grant/],
    ["***", /a pattern needs a letter or digit/],
    [" Get* ", /surrounding whitespace/], // nothing is trimmed
  ])("%j is a usage error (exit 2): %s", (input, message) => {
    expect(() => canonicalGrant(catalog, input)).toThrow(UsageError);
    try {
      canonicalGrant(catalog, input);
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as UsageError).message).toMatch(message);
    }
  });

  it("matches ASCII case-insensitively, anchored at both ends, within its category", () => {
    expect(grantAllows("get*", action("GetClients"))).toBe(true);
    expect(grantAllows("Get*", action("AddClient"))).toBe(false);
    expect(grantAllows("*Sync", action("MyModuleSync"))).toBe(true);
    expect(grantAllows("*Sync", { name: "MySynced", category: "Billing", custom: true })).toBe(false);
    expect(grantAllows("Get*", { name: "ForgetMe", category: "Billing", custom: true })).toBe(false);
    expect(grantAllows("Billing:Get*", action("GetInvoices"))).toBe(true);
    expect(grantAllows("Billing:Get*", action("GetClients"))).toBe(false);
    expect(grantAllows("Client:*Client*", action("GetClients"))).toBe(true);
  });

  it("covers custom actions added after it was granted (compiled against names, not a frozen list)", () => {
    const grant = canonicalGrant(buildCatalog([]), "Billing:Get*");
    const later = findAction(buildCatalog([{ name: "GetSyncStatus", category: "Billing", createdAt: "" }]), "GetSyncStatus")!;
    const roles = roleIndex([{ id: "r", name: "r", description: "", grants: [grant], createdAt: "" }]);
    expect(matchedGrants(["r"], roles, later)).toEqual([{ role: "r", grant }]);
  });

  it("dedupes patterns case-insensitively and sorts them after wildcards, before actions", () => {
    expect(canonicalGrants(catalog, ["GetInvoices", "get*", "Get*", "Billing:*"])).toEqual(["Billing:*", "get*", "GetInvoices"]);
  });

  it("expands to the actions it matches now; in the catalog only while it matches one", () => {
    expect(expandGrant(catalog, "Billing:Get*")).toContain("GetInvoices");
    expect(expandGrant(catalog, "Billing:Get*")).not.toContain("GetClients");
    expect(expandGrant(catalog, "*Sync")).toEqual(["MyModuleSync"]);
    expect(grantInCatalog(catalog, "*Sync")).toBe(true);
    expect(grantInCatalog(buildCatalog([]), "*Sync")).toBe(false);
    expect(allowedActionCount(catalog, ["Billing:Get*"])).toBe(expandGrant(catalog, "Billing:Get*").length);
  });

  it("groups Category:Get* under its category and bare patterns under their own heading", () => {
    const groups = groupGrants(catalog, ["Get*", "Billing:Get*", "GetClients"]);
    expect(groups.map((g) => g.category)).toEqual(["(patterns)", "Billing", "Client"]);
  });
});
