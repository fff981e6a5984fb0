// The entry of dist/apicred.cjs: every command. (`check` has a bundle of its own: main-check.ts.)
import { runCommandLine } from "./command-line.js";
import { type IO, processIO } from "./io.js";
import { buildProgram } from "./program.js";

/**
 * Runs one command line and returns its exit code (bin/apicred.js sets process.exitCode from it).
 * Everything the run reads or prints goes through `io`: the real process, or a test's strings.
 */
export function main(argv: string[] = process.argv, io: IO = processIO()): Promise<number> {
  return runCommandLine(buildProgram(argv, io), argv, io);
}
