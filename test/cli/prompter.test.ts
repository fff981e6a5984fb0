// Prompts in-process: Sandbox.run with `answers` runs as if at a terminal, and the Prompter test
// double answers in order and lists the questions (the real terminal is tested through a
// pseudo-terminal in the *-tty tests). What is offered, and what each answer does, is asserted.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["admin", "add", "bob"]);
  sb.ok(["admin", "disable", "bob"]);
  sb.ok(["role", "create", "ops", "--allow", "GetClients"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
});
afterEach(() => sb.cleanup());

describe("the Prompter", () => {
  it("role delete asks first: no keeps the role (exit 2, cancelled), yes deletes it", () => {
    const no = sb.run(["role", "delete", "ops"], { answers: [false] });
    expect(no.code).toBe(2);
    expect(no.stderr).toContain("cancelled, nothing changed");
    expect(no.prompts).toEqual([{ kind: "confirm", message: "Delete role ops?" }]);
    expect(sb.ok(["role", "list"]).map((r: { name: string }) => r.name)).toContain("ops");

    const yes = sb.run(["role", "delete", "ops", "--json"], { answers: [true] });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.prompts).toHaveLength(1);
    expect(sb.ok(["role", "list"]).map((r: { name: string }) => r.name)).not.toContain("ops");
  });

  it("credential create without --admin offers the enabled admins, then the roles", () => {
    const r = sb.run(["credential", "create", "--json"], { answers: ["alice", ["billing"]] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.prompts).toEqual([
      { kind: "select", message: "Admin the credential authenticates as", choices: ["alice"] },
      { kind: "checkbox", message: "Roles (space to toggle, enter to confirm)", choices: ["billing", "ops"] },
    ]);
    expect(r.json()).toMatchObject({ admin: "alice", roles: ["billing"] });
  });

  it("role create without --allow ticks grants in the picker; --no-input never asks", () => {
    const r = sb.run(["role", "create", "support", "--json"], { answers: [["GetTickets", "GetClients"]] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.prompts).toHaveLength(1);
    expect(r.prompts![0]).toMatchObject({ kind: "checkbox", message: expect.stringContaining("Grants for role support") });
    expect(r.prompts![0]!.choices).toEqual(expect.arrayContaining(["GetClients", "GetTickets", "GetInvoices"]));
    expect(r.json().grants).toEqual(["GetClients", "GetTickets"]);

    const none = sb.run(["role", "delete", "support", "--no-input"], { answers: [] });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--yes required when not running interactively");
    expect(none.prompts).toEqual([]);
  });
});
