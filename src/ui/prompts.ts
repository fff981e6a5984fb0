// Prompts, rendered on stderr so stdout stays for results. Callers check ctx.interactive first:
// inquirer left alone hangs on an open silent stdin and exits 0 on a closed one.
import { safe } from "../core/echo.js";
import { UsageError } from "../core/errors.js";

type Impl = typeof import("./prompts-impl.js");
let impl: Promise<Impl> | undefined;

/**
 * --no-color for the prompts too: inquirer colours through node's styleText, which follows NO_COLOR
 * (and TERM=dumb) and fixes some colours when it loads, so this is set before it is.
 */
export function promptsWithoutColour(): void {
  process.env.NO_COLOR = "1";
}

/** The lazily loaded prompt library. */
export function prompts(): Promise<Impl> {
  impl ??= import("./prompts-impl.js");
  return impl;
}

/**
 * Where prompts render: stderr, so `apicred ... > file` still shows them. A getter, because touching
 * process.stderr at load time would set the stream up on every run, prompts or not.
 */
export const promptContext = {
  get output(): NodeJS.WriteStream {
    return process.stderr;
  },
  clearPromptOnDone: false,
} as const;

/** Turns Ctrl-C in a prompt into a plain usage error instead of a stack trace. */
export async function asked<T>(run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (err) {
    if ((err as Error).name === "ExitPromptError") throw new UsageError("cancelled", "cancelled");
    throw err;
  }
}

export async function confirm(message: string, defaultValue = false): Promise<boolean> {
  const p = await prompts();
  // The question may name stored data: shown escaped, like all output.
  return asked(p.confirm({ message: safe(message), default: defaultValue }, promptContext));
}
