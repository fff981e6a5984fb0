// Prompts, rendered on stderr so stdout stays for results. Callers check ctx.interactive first:
// inquirer left alone hangs on an open silent stdin and exits 0 on a closed one.
import { safe } from "../core/echo.js";
import { UsageError } from "../core/errors.js";

type Impl = typeof import("./prompts-impl.js");
let impl: Promise<Impl> | undefined;

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

/** A choice of a select or checkbox prompt (a separator line has no value). */
export interface PromptChoice<T> {
  name: string;
  value: T;
  checked?: boolean;
  disabled?: boolean | string;
}
/** A separator line between choices: inquirer tells one by its `type`, so no need to load it to make one. */
export class PromptSeparator {
  readonly type = "separator";
  constructor(readonly separator = "") {}
}
export interface ChoiceConfig<T> {
  message: string;
  choices: readonly (PromptChoice<T> | PromptSeparator)[];
  pageSize?: number;
  loop?: boolean;
}

/**
 * How commands ask a person (GitHub CLI's Prompter): the inquirer one on a terminal, a scripted one
 * in tests (test/helpers/inproc-worker.cjs). Callers check ctx.interactive first.
 */
export interface Prompter {
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  select<T>(config: ChoiceConfig<T>): Promise<T>;
  checkbox<T>(config: ChoiceConfig<T>): Promise<T[]>;
}

/** The inquirer prompts on stderr, the library loaded on first use. */
export const inquirerPrompter: Prompter = {
  confirm,
  async select<T>(config: ChoiceConfig<T>): Promise<T> {
    const p = await prompts();
    return asked(p.select<T>(config as never, promptContext));
  },
  async checkbox<T>(config: ChoiceConfig<T>): Promise<T[]> {
    const p = await prompts();
    return asked(p.checkbox<T>(config as never, promptContext));
  },
};
