import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram, commandWord, NOUNS } from "../../src/program.js";

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
    [["--json"], undefined],
    [[], undefined],
  ])("finds the command word of %j", (args, word) => {
    expect(commandWord(args)).toBe(word);
  });

  it("builds only the named noun, or everything for an unknown or missing one", () => {
    const all = topLevel(buildProgram()).sort();
    expect(topLevel(buildProgram(["node", "apicred", "check", "a", "b"]))).toEqual(["check"]);
    expect(topLevel(buildProgram(["node", "apicred", "--store", "role", "cred", "list"]))).toEqual(["credential", "cred"]);
    expect(topLevel(buildProgram(["node", "apicred", "chekc"])).sort()).toEqual(all);
    expect(topLevel(buildProgram(["node", "apicred", "--help"])).sort()).toEqual(all);
  });
});
