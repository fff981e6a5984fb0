// Shell completion reads whichever store is named, through the same path on both backends: this
// file runs in the `postgres` project too (vitest.config.ts), where $APICRED_STORE is a
// postgresql:// URL and TAB once offered nothing (the completion read only files).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ON_POSTGRES, Sandbox } from "../helpers/cli.js";
import { bashComplete, shellEnv } from "../helpers/shells.js";

let box: Sandbox;
let identifier: string;

beforeAll(() => {
  box = new Sandbox();
  box.ok(["init"]);
  box.ok(["admin", "add", "ops"]);
  box.ok(["role", "create", "billing-read", "--allow", "GetInvoices", "--description", "invoices"]);
  identifier = box.ok(["credential", "create", "--admin", "ops", "--role", "billing-read", "--name", "web-server"]).identifier;
});
afterAll(() => box.cleanup());

function ask(words: string[]): string[] {
  const r = box.run(["__complete", ...words]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe("");
  return r.stdout.split("\n").filter((l) => l !== "");
}

describe(`completion from a ${ON_POSTGRES ? "PostgreSQL" : "file"} store`, () => {
  it("__complete offers the store's credentials (identifier and name), roles and admins", () => {
    expect(ask(["credential", "show", ""])).toEqual([
      `${identifier}\tweb-server — admin ops`,
      `web-server\t${identifier} — admin ops`,
      ":values",
    ]);
    expect(ask(["role", "show", ""])).toEqual(["billing-read\tinvoices — 1 grant", ":values"]);
    expect(ask(["admin", "disable", ""])).toEqual(["ops\tadmin", ":values"]);
  });

  it("each TAB press reads the store as it is now (one process answering several, as the in-process runs do)", () => {
    expect(ask(["admin", "disable", ""])).toEqual(["ops\tadmin", ":values"]);
    box.ok(["admin", "add", "dev"]);
    try {
      expect(ask(["admin", "disable", ""])).toEqual(["ops\tadmin", "dev\tadmin", ":values"]);
    } finally {
      box.ok(["admin", "remove", "dev", "--yes"]);
    }
  });

  it("TAB in bash offers the credential's name", () => {
    const r = bashComplete(shellEnv(box), "apicred credential show web", ["apicred", "credential", "show", "web"], box.dir);
    expect(r.lines).toEqual(["web-server"]);
  });

  it("--store on the line wins over $APICRED_STORE, and a store that cannot be read offers nothing, quietly", () => {
    const elsewhere = ON_POSTGRES ? "postgresql://nobody:pw@127.0.0.1:1/none" : `${box.dir}/missing.json`;
    const r = box.run(["__complete", "--store", elsewhere, "credential", "show", ""]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, ":values\n", ""]);
    expect(box.run(["__complete", "--store", box.store, "role", "show", ""]).stdout).toBe("billing-read\tinvoices — 1 grant\n:values\n");
  });
});
