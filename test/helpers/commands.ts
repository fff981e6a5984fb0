// The commands a user can run, from the real commander tree (for tests that cover every command).
import type { Command } from "commander";
import { helpPath } from "../../src/help/help.js";
import { buildProgram } from "../../src/program.js";

/** Every command by path ("" for apicred itself); hidden ones left out. */
export function commandPaths(cmd: Command = buildProgram()): string[] {
  const visible = cmd.commands.filter((c) => !(c as Command & { _hidden: boolean })._hidden);
  return [helpPath(cmd), ...visible.flatMap((c) => commandPaths(c))];
}
