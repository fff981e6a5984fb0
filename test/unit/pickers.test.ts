// The interactive pickers, driven through @inquirer/testing's virtual terminal.
import { checkbox, Separator } from "@inquirer/prompts";
import { render } from "@inquirer/testing";
import { describe, expect, it } from "vitest";
import { buildCatalog, listActions } from "../../src/core/catalog.js";
import { emptyStore } from "../../src/core/types.js";
import {
  adminPickerItems,
  grantPickerConfig,
  grantPickerItems,
  isHeading,
  rolePickerItems,
} from "../../src/ui/pickers.js";

const catalog = buildCatalog([{ name: "MyModuleSync", category: "Billing", createdAt: "" }]);

describe("grantPickerItems", () => {
  const items = grantPickerItems(catalog, []);
  const choices = items.filter((i) => !isHeading(i));

  it("offers *, then per category its select-all wildcard followed by its actions", () => {
    expect(items[0]).toEqual({ heading: "Everything" });
    expect(items[1]).toMatchObject({ value: "*", short: "*", checked: false });
    const billing = items.findIndex((i) => isHeading(i) && i.heading === "Billing (25)");
    expect(billing).toBeGreaterThan(1);
    expect(items[billing + 1]).toMatchObject({ value: "Billing:*", name: "Billing:* (all Billing actions)" });
    const billingActions = items.slice(billing + 2, billing + 27);
    expect(billingActions.every((i) => !isHeading(i))).toBe(true);
    expect(billingActions.map((i) => (i as { value: string }).value)).toContain("GetInvoices");
    expect(billingActions.find((i) => (i as { value: string }).value === "MyModuleSync")).toMatchObject({ name: "MyModuleSync (custom)" });
  });

  it("lists every catalog action once, one heading and one wildcard per category, a read-only Get* where it has reads", () => {
    expect(items.filter(isHeading)).toHaveLength(1 + catalog.categories.size);
    const withReads = new Set(listActions(catalog).filter((a) => a.name.startsWith("Get")).map((a) => a.category));
    expect(choices).toHaveLength(1 + catalog.categories.size + withReads.size + listActions(catalog).length);
    expect(items).toContainEqual(expect.objectContaining({ value: "Billing:Get*", name: expect.stringMatching(/^Billing:Get\* \(read-only: the \d+ Get… actions\)$/) }));
    expect(new Set(choices.map((c) => (c as { value: string }).value)).size).toBe(choices.length);
  });

  it("ticks what the role holds and keeps grants no longer in the catalog", () => {
    const held = grantPickerItems(catalog, ["GetInvoices", "Client:*", "GoneAction"]);
    const ticked = held.filter((i) => !isHeading(i) && i.checked).map((i) => (i as { value: string }).value);
    expect(ticked.sort()).toEqual(["Client:*", "GetInvoices", "GoneAction"]);
    expect(held.at(-2)).toEqual({ heading: "No longer in the catalog" });
  });

  it("keeps held patterns it does not offer ticked, so saving never drops them", () => {
    const held = grantPickerItems(catalog, ["Get*", "Billing:Get*"]);
    const ticked = held.filter((i) => !isHeading(i) && i.checked).map((i) => (i as { value: string }).value);
    expect(ticked.sort()).toEqual(["Billing:Get*", "Get*"]);
    expect(held).toContainEqual({ heading: "Patterns" });
  });
});

describe("grant picker in a terminal", () => {
  it("picks a category wildcard and an action with the keyboard", async () => {
    const { answer, events, getScreen } = await render(checkbox, grantPickerConfig(catalog, [], "Grants for role r", Separator));
    expect(getScreen()).toContain("Grants for role r");
    expect(getScreen()).toContain("── Everything ──");
    expect(getScreen()).toContain("* (every action, including ones added later)");
    // Cursor starts on "*"; move to "Addons:*" (down 1), tick it, then to UpdateClientAddon (down 1), tick it.
    events.keypress("down");
    events.keypress("space");
    events.keypress("down");
    events.keypress("space");
    expect(getScreen()).toMatch(/◉ Addons:\* \(all Addons actions\)/);
    events.keypress("enter");
    await expect(answer).resolves.toEqual(["Addons:*", "UpdateClientAddon"]);
  });

  it("starts with the role's grants ticked; enter keeps them", async () => {
    const { answer, events, getScreen } = await render(checkbox, grantPickerConfig(catalog, ["*"], "Grants", Separator));
    expect(getScreen()).toMatch(/◉ \* \(every action/);
    events.keypress("enter");
    await expect(answer).resolves.toEqual(["*"]);
  });
});

describe("admin and role pickers", () => {
  const doc = emptyStore();
  doc.admins.push(
    { id: "a1", username: "zoe", disabled: false, createdAt: "" },
    { id: "a2", username: "bob", disabled: true, createdAt: "" },
  );
  doc.roles.push(
    { id: "r1", name: "ops", description: "operations", grants: ["System:*"], createdAt: "" },
    { id: "r2", name: "empty", description: "", grants: [], createdAt: "" },
  );

  it("lists enabled admins first, disabled ones last and not selectable", () => {
    expect(adminPickerItems(doc)).toEqual([
      { value: "zoe", name: "zoe" },
      { value: "bob", name: "bob", disabled: "(disabled)" },
    ]);
  });

  it("lists roles with their grants and descriptions", () => {
    expect(rolePickerItems(doc, ["OPS"])).toEqual([
      { value: "empty", name: "empty (no grants)", checked: false },
      { value: "ops", name: "ops (System:*)", checked: true, description: "operations" },
    ]);
  });

  it("role picker answers the ticked role names", async () => {
    const { answer, events } = await render(checkbox, { message: "Roles", choices: rolePickerItems(doc) });
    events.keypress("down");
    events.keypress("space");
    events.keypress("enter");
    await expect(answer).resolves.toEqual(["ops"]);
  });
});
