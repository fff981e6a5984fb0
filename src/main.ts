// The only place that turns an error into an exit code.
import { CommanderError } from "commander";
import { AppError } from "./core/errors.js";
import { buildProgram, currentContext, takeExitCode } from "./program.js";
import { makeChalk } from "./ui/color.js";
import { Output } from "./ui/output.js";

/** Commander's help and version are successes; every other parse error is a usage error (2). */
function commanderExit(err: CommanderError): { code: number; print: boolean } {
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return { code: 0, print: false };
  // `apicred admin help` shows help (exit 0); `apicred admin` without a verb shows it as an error (2).
  if (err.code === "commander.help") return { code: err.exitCode === 0 ? 0 : 2, print: false };
  return { code: 2, print: true };
}

export async function main(argv: string[] = process.argv): Promise<void> {
  let code: number;
  try {
    await buildProgram(argv).parseAsync(argv);
    code = takeExitCode();
  } catch (err) {
    // The Context may not exist yet (a parse error): fall back to what argv says.
    const out = currentContext()?.out ?? new Output(argv.includes("--json"), () => makeChalk(0));
    if (err instanceof CommanderError) {
      const { code: exit, print } = commanderExit(err);
      code = exit;
      if (print) {
        const message = err.message.replace(/^error: /, "");
        out.error(new AppError(`${message} (see --help)`, 2, "usage_error"));
      }
    } else if (err instanceof AppError) {
      code = err.exitCode;
      out.error(err);
    } else {
      // A bug, not a user error: say so, with the stack only when asked for.
      code = 70;
      out.error(new AppError(`internal error: ${(err as Error)?.message ?? String(err)}`, 70, "internal_error"));
      if (process.env.APICRED_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    }
  }
  const ctx = currentContext();
  if (ctx) for (const w of ctx.store.warnings) ctx.out.warn(w);
  process.exitCode = code;
}
