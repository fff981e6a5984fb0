import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildCatalog,
  findAction,
  findCategory,
  listActions,
  listCategories,
  newCustomAction,
} from "../../src/core/catalog.js";
import { BUILTIN_CATEGORIES } from "../../src/core/catalog-data.js";
import { ConflictError, UsageError } from "../../src/core/errors.js";
import { didYouMean, nearest } from "../../src/core/suggest.js";

// The facts file lives beside the repository on the build machine, not in it; its digest is pinned
// here so the copy in src is checked everywhere, and the file itself is compared where it exists.
const FACTS = new URL("../../../shared/data/whmcs-actions.json", import.meta.url);
const FACTS_DIGEST = "39eb5c26bf414779de58bb5fe9e57fbf19178c4c6f500fafd3881c6a1190ec1e";
const builtin = buildCatalog([]);

describe("built-in catalog", () => {
  it("holds the 162 WHMCS actions in 16 categories", () => {
    expect(Object.keys(BUILTIN_CATEGORIES)).toHaveLength(16);
    expect(listActions(builtin)).toHaveLength(162);
    expect(new Set(listActions(builtin).map((a) => a.name)).size).toBe(162);
  });

  it("matches the facts file exactly", () => {
    expect(createHash("sha256").update(JSON.stringify(BUILTIN_CATEGORIES)).digest("hex")).toBe(FACTS_DIGEST);
  });

  it.skipIf(!existsSync(FACTS))("matches ../shared/data/whmcs-actions.json where it exists", () => {
    expect(BUILTIN_CATEGORIES).toEqual(JSON.parse(readFileSync(FACTS, "utf8")).categories);
  });

  it.each([
    ["getclients", "GetClients", "Client"],
    ["GETINVOICES", "GetInvoices", "Billing"],
    ["GetInvoices", "GetInvoices", "Billing"],
    ["updateclientaddon", "UpdateClientAddon", "Addons"],
  ])("looks up %s case-insensitively as %s", (input, name, category) => {
    expect(findAction(builtin, input)).toEqual({ name, category, custom: false });
  });

  it.each([["billing", "Billing"], ["CLIENT", "Client"]])("finds category %s", (input, canonical) => {
    expect(findCategory(builtin, input)).toBe(canonical);
  });

  it("suggests the nearest action for a typo", () => {
    expect(didYouMean("getinvoces", listActions(builtin).map((a) => a.name))).toBe(" (did you mean GetInvoices?)");
    expect(nearest("zzzzzzzzzz", ["GetInvoices"])).toBeUndefined();
  });
});

describe("custom actions", () => {
  const custom = buildCatalog([
    { name: "MyModuleSync", category: "Custom", createdAt: "t" },
    { name: "ExtraBilling", category: "Billing", createdAt: "t" },
  ]);

  it("joins the catalog, with new categories", () => {
    expect(findAction(custom, "mymodulesync")).toEqual({ name: "MyModuleSync", category: "Custom", custom: true });
    expect(findCategory(custom, "custom")).toBe("Custom");
    const billing = listCategories(custom).find((c) => c.name === "Billing");
    expect(billing).toEqual({ name: "Billing", actions: 25, custom: 1 });
    expect(listCategories(custom)).toHaveLength(17);
    expect(findAction(builtin, "MyModuleSync")).toBeUndefined();
  });

  it.each([
    ["NewThing", "billing", { name: "NewThing", category: "Billing" }],
    ["Other_1", "Brand-New", { name: "Other_1", category: "Brand-New" }],
  ])("accepts %s in %s", (name, category, expected) => {
    expect(newCustomAction(custom, name, category, "t")).toEqual({ ...expected, createdAt: "t" });
  });

  it.each([
    ["getclients", "Client", ConflictError],
    ["mymodulesync", "Custom", ConflictError],
    ["1Bad", "Custom", UsageError],
    ["has space", "Custom", UsageError],
    ["", "Custom", UsageError],
    ["Fine", "Bad:Category", UsageError],
    ["Fine", "*", UsageError],
  ])("rejects %s in %s", (name, category, error) => {
    expect(() => newCustomAction(custom, name, category, "t")).toThrow(error);
  });
});
