import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { accepts } from "../../src/main-check.js";
import { buildProgram, NOUNS } from "../../src/program.js";
import { commandWord } from "../../src/program-root.js";

const topLevel = (program: Command) => program.commands.flatMap((c) => [c.name(), ...c.aliases()]);

describe("the noun registry", () => {
  it.each(NOUNS.map(([names, register]) => [names.join(","), names, register] as const))(
    "%s: the names are exactly what the module registers",
    (_label, names, register) => {
      const program = new Command("apicred");
      register(program);
      expect(topLevel(program).sort()).toEqual([...names].sort());
    },
  );

  it.each([
    [["check", "x", "y"], "check"],
    [["--store", "/s.json", "--json", "role", "list"], "role"],
    [["--store=/s.json", "-y", "cred", "delete"], "cred"],
    [["--no-input", "--", "status"], "status"],
    // --field takes a value too: "role" is the field, not the command
    [["--field", "role", "credential", "list"], "credential"],
    [["--field=role", "credential", "list"], "credential"],
    [["--store", "check", "role", "list"], "role"],
    [["-", "check"], "-"], // a lone "-" is an operand, as commander reads it
    [["--json"], undefined],
    [[], undefined],
  ])("finds the command word of %j", (args, word) => {
    expect(commandWord(args)).toBe(word);
  });

  it("builds only the named noun, or everything for an unknown or missing one", () => {
    const all = topLevel(buildProgram()).sort();
    expect(topLevel(buildProgram(["node", "apicred", "check", "a", "b"]))).toEqual(["check"]);
    expect(topLevel(buildProgram(["node", "apicred", "--store", "role", "cred", "list"]))).toEqual(["credential", "cred"]);
    expect(topLevel(buildProgram(["node", "apicred", "--field", "role", "cred", "list"]))).toEqual(["credential", "cred"]);
    expect(topLevel(buildProgram(["node", "apicred", "chekc"])).sort()).toEqual(all);
    expect(topLevel(buildProgram(["node", "apicred", "--help"])).sort()).toEqual(all);
  });

  it.each([
    [["check", "c", "GetClients"], true],
    [["--store", "/s.json", "--json", "check", "--batch"], true],
    [["role", "create", "check"], false],
    [["--store", "check", "role", "list"], false],
    [["--field", "check", "credential", "list"], false],
    [["help", "check"], false],
  ])("the check bundle runs %j: %s", (args, yes) => {
    expect(accepts(["node", "apicred", ...args])).toBe(yes);
  });
});
