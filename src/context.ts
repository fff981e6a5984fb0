// What every command action receives: the global options resolved once, the output, the store.
import { UsageError } from "./core/errors.js";
import type { Recorder, StoreDoc } from "./core/types.js";
import { resolveStorePath } from "./store/paths.js";
import { Store } from "./store/store.js";
import { colorLevel, makeChalk } from "./ui/color.js";
import { FieldOutput } from "./ui/field.js";
import { Output } from "./ui/output.js";
import { confirm } from "./ui/prompts.js";

export interface GlobalOptions {
  store?: string;
  json?: boolean;
  /** --field NAME: print that field of the result, raw. */
  field?: string;
  color: boolean;
  yes?: boolean;
  input: boolean;
}

export class Context {
  readonly out: Output;
  readonly store: Store;
  private canPrompt?: boolean;

  constructor(
    readonly options: GlobalOptions,
    /** The verb path, e.g. "role create" (for the audit log and messages). */
    readonly command: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const colours = () => makeChalk(colorLevel(options.color, process.stdout, env));
    this.out =
      options.field === undefined ? new Output(Boolean(options.json), colours) : new FieldOutput(options.field, Boolean(options.json), colours);
    const lockTimeout = Number(env.APICRED_LOCK_TIMEOUT_MS);
    this.store = new Store(resolveStorePath(options.store, env), lockTimeout > 0 ? lockTimeout : undefined);
  }

  /**
   * Prompting is allowed: stdin and stdout are terminals, CI is unset and --no-input was not given.
   * Asked lazily: touching process.stdin sets up a stream (~4 ms), which `check` never needs.
   */
  get interactive(): boolean {
    this.canPrompt ??=
      this.options.input && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !this.env.CI;
    return this.canPrompt;
  }

  get json(): boolean {
    return this.out.json;
  }

  read(): StoreDoc {
    return this.store.read();
  }

  update<T>(fn: (doc: StoreDoc, record: Recorder, now: string) => T): T {
    return this.store.update({ command: this.command }, fn);
  }

  /** Confirms a destructive step: --yes, else a prompt, else a usage error naming --yes. */
  async confirm(message: string): Promise<void> {
    if (this.options.yes) return;
    if (!this.interactive) throw new UsageError(`${this.command}: --yes required when not running interactively`);
    if (!(await confirm(message))) throw new UsageError("cancelled, nothing changed", "cancelled");
  }

  /** A missing required value without a TTY: a usage error that names the flag to pass. */
  missing(flag: string): never {
    throw new UsageError(`${this.command}: ${flag} is required when not running interactively`);
  }
}
