// Black-box on a pseudo-terminal: the grant picker filters as you type, keeps ticks across filters,
// and saves the ticks folded.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { ENTER, onTty } from "../helpers/tty.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
});
afterEach(() => sb.cleanup());

const ESC = "\x1b";
const BACKSPACE = "\x7f";

describe.skipIf(lacking("script"))("the grant picker, filtered", () => {
  it("typing narrows the list; ticks made under different filters are all saved", async () => {
    const r = await onTty(
      sb,
      ["role", "create", "r"],
      [
        ["Grants for role r", "acceptorder"],
        ["filter: acceptorder (1 shown", " "],
        ["1 ticked", `${ESC}`],
        ["type to filter", "getinvoicesx"],
        ["(nothing matches)", BACKSPACE],
        ["filter: getinvoices (1 shown", ` ${ENTER}`],
      ],
      20_000,
      { cols: 100, rows: 40 },
    );
    expect(r.code).toBe(0);
    const afterFilter = r.screen.slice(r.screen.indexOf("filter: acceptorder"));
    expect(afterFilter.slice(0, afterFilter.indexOf("1 ticked"))).not.toContain("UpdateClientAddon");
    expect(sb.ok(["role", "show", "r"]).grants).toEqual(["AcceptOrder", "GetInvoices"]);
  });

  it("a category typed and ticked whole is saved as Category:*", async () => {
    const r = await onTty(
      sb,
      ["role", "create", "r"],
      [["Grants for role r", "addons:"], ["filter: addons: (1 shown", ` ${ENTER}`]],
      20_000,
      { cols: 100, rows: 40 },
    );
    expect(r.code).toBe(0);
    expect(sb.ok(["role", "show", "r"]).grants).toEqual(["Addons:*"]);
  });
});
