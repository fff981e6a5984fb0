// The only place that turns an error into an exit code: runs one command line on a program.
import { type Command, CommanderError } from "commander";
import { clip, safe } from "./core/echo.js";
import { withHint } from "./commands/hints.js";
import { AppError } from "./core/errors.js";
import { warningText } from "./core/store-warnings.js";
import type { IO } from "./io.js";
import { startRun } from "./run.js";
import { makeChalk } from "./ui/color.js";
import { Output } from "./ui/output.js";

/**
 * Commander's parse error in our words: the "did you mean" it puts on a line of its own joins the
 * line (Output escapes every line break, so a line break in an argument can never fake a line), and
 * the arguments it quotes are clipped.
 */
export function commanderMessage(message: string): string {
  let text = message.replace(/^error: /, "");
  const suggestion = /\n\(Did you mean ([^\n]*)\?\)$/.exec(text);
  if (suggestion) text = `${text.slice(0, suggestion.index)} (did you mean ${suggestion[1]}?)`;
  return `${text.replace(/'([^']*)'/g, (_, quoted: string) => `'${clip(quoted)}'`)} (see --help)`;
}

/** Commander's help and version are successes; every other parse error is a usage error (2). */
function commanderExit(err: CommanderError): { code: number; print: boolean } {
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return { code: 0, print: false };
  // `apicred admin help` shows help (exit 0); `apicred admin` without a verb shows it as an error (2).
  if (err.code === "commander.help") return { code: err.exitCode === 0 ? 0 : 2, print: false };
  return { code: 2, print: true };
}

/**
 * Runs one command line on `program` (built for it, with `io`) and returns its exit code: main.ts
 * and main-check.ts are the entries. Everything the run reads or prints goes through `io`.
 */
export async function runCommandLine(program: Command, argv: string[], io: IO): Promise<number> {
  let code: number;
  const run = startRun(program, io);
  try {
    await program.parseAsync(argv);
    code = run.exitCode;
  } catch (err) {
    // The Context may not exist yet (a parse error): fall back to what argv says.
    const out = run.context?.out ?? new Output(argv.includes("--json"), () => makeChalk(0), io);
    if (err instanceof CommanderError) {
      const { code: exit, print } = commanderExit(err);
      code = exit;
      if (print) out.error(new AppError(commanderMessage(err.message), 2, "usage_error"));
    } else if (err instanceof AppError) {
      code = err.exitCode;
      out.error(withHint(err));
    } else {
      // A bug, not a user error: say so, with the stack only when asked for.
      code = 70;
      out.error(new AppError(`internal error: ${(err as Error)?.message ?? String(err)}`, 70, "internal_error"));
      if (io.env.APICRED_DEBUG) io.stderr.write(`${String((err as Error)?.stack).split("\n").map((l) => safe(l)).join("\n")}\n`);
    }
  }
  const store = run.context?.opened;
  if (store) {
    for (const w of store.warnings) run.context!.out.warn(warningText(w));
    await store.close(); // a database connection would keep the process alive
  }
  return code;
}
