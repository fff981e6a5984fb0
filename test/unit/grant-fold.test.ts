import { describe, expect, it } from "vitest";
import { buildCatalog, listActions } from "../../src/core/catalog.js";
import { foldGrants, redundantGrants } from "../../src/core/grant-fold.js";

const catalog = buildCatalog([]);
const billing = listActions(catalog).filter((a) => a.category === "Billing").map((a) => a.name);

describe("foldGrants (what the picker saves)", () => {
  it("everything ticked saves *", () => {
    expect(foldGrants(catalog, listActions(catalog).map((a) => a.name))).toEqual(["*"]);
    expect(foldGrants(catalog, ["*", "GetInvoices", "Billing:*"])).toEqual(["*"]);
  });
  it("a whole category saves Category:*, nothing under it twice", () => {
    expect(foldGrants(catalog, [...billing, "GetClients"])).toEqual(["Billing:*", "GetClients"]);
    expect(foldGrants(catalog, ["Billing:*", "GetInvoices", "Billing:Get*"])).toEqual(["Billing:*"]);
    expect(foldGrants(catalog, ["Billing:Get*", "GetInvoices", "AddInvoicePayment"])).toEqual(["Billing:Get*", "AddInvoicePayment"]);
  });
  it("keeps what is not covered", () => {
    expect(foldGrants(catalog, ["GetInvoices", "GetClients"])).toEqual(["GetClients", "GetInvoices"]);
  });
});

describe("redundantGrants", () => {
  it("names the grant that covers another", () => {
    expect(redundantGrants(catalog, ["GetInvoices", "Billing:*"])).toEqual([{ grant: "GetInvoices", coveredBy: "Billing:*" }]);
    expect(redundantGrants(catalog, ["GetInvoices", "Get*"])).toEqual([{ grant: "GetInvoices", coveredBy: "Get*" }]);
    expect(redundantGrants(catalog, ["GetInvoices", "Client:*"])).toEqual([]);
  });
});
