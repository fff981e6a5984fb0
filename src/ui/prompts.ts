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
  /** Typing narrows the list (the grant picker's 162 actions). */
  filter?: boolean;
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

/**
 * The inquirer prompts on stderr, the library loaded on first use. Without colour (--no-color), NO_COLOR
 * is set before inquirer loads: it colours through node's styleText, which follows NO_COLOR and fixes
 * some colours when it loads.
 */
export function inquirerPrompter(colour: boolean): Prompter {
  const load = (): Promise<Impl> => {
    if (!colour) process.env.NO_COLOR = "1";
    return prompts();
  };
  return {
    async confirm(message, defaultValue = false) {
      const p = await load();
      // The question may name stored data: shown escaped, like all output.
      return asked(p.confirm({ message: safe(message), default: defaultValue }, promptContext));
    },
    async select<T>(config: ChoiceConfig<T>): Promise<T> {
      const p = await load();
      return asked(p.select<T>(config as never, promptContext));
    },
    async checkbox<T>(config: ChoiceConfig<T>): Promise<T[]> {
      const p = await load();
      if (config.filter) return asked(p.filterCheckbox(config as never, promptContext) as Promise<T[]>);
      return asked(p.checkbox<T>(config as never, promptContext));
    },
  };
}
