// The entry of dist/check.cjs: the program with `check` as its only command. `check` is the command
// that must start fastest, and reading and compiling this bundle costs about half of the full one
// (dist/apicred.cjs, which holds every other command). bin/apicred.js loads this one when the
// command line mentions "check" and asks `accepts` whether check is really the command.
import { register } from "./commands/check.js";
import { runCommandLine } from "./command-line.js";
import { type IO, processIO } from "./io.js";
import { commandWord, rootProgram } from "./program-root.js";

/** Whether this command line runs `check` (`role create check` does not: the full bundle runs it). */
export function accepts(argv: readonly string[]): boolean {
  return commandWord(argv.slice(2)) === "check";
}

/** Runs a `check` command line (one `accepts`) and returns its exit code, as main.ts's main does. */
export function main(argv: string[] = process.argv, io: IO = processIO()): Promise<number> {
  const program = rootProgram(io);
  register(program);
  return runCommandLine(program, argv, io);
}
