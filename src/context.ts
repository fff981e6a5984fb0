// What every command action receives: the global options resolved once, the output, the store.
import { UsageError } from "./core/errors.js";
import { envMilliseconds } from "./core/limits.js";
import type { Recorder, StoreDoc } from "./core/types.js";
import type { IO } from "./io.js";
import type { Backend } from "./store/backend.js";
import { openBackend } from "./store/open.js";
import { resolveStorePath } from "./store/paths.js";
import { colorLevel, makeChalk } from "./ui/color.js";
import { FieldOutput } from "./ui/field.js";
import { Output } from "./ui/output.js";
import { inquirerPrompter, type Prompter } from "./ui/prompts.js";

export interface GlobalOptions {
  store?: string;
  json?: boolean;
  /** --field NAME: print that field of the result, raw. */
  field?: string;
  color: boolean;
  yes?: boolean;
  input: boolean;
  /** --no-pager: long output is printed directly on a terminal too. */
  pager?: boolean;
}

export class Context {
  readonly out: Output;
  /** Where the store is: a path, or a PostgreSQL URL. */
  readonly location: string;
  private backend?: Backend;
  private canPrompt?: boolean;

  constructor(
    readonly options: GlobalOptions,
    /** The verb path, e.g. "role create" (for the audit log and messages). */
    readonly command: string,
    /** This run's streams, environment and working directory. */
    readonly io: IO,
  ) {
    const colours = () => makeChalk(colorLevel(options.color, io.stdout, io.env));
    this.out =
      options.field === undefined
        ? new Output(Boolean(options.json), colours, io)
        : new FieldOutput(options.field, Boolean(options.json), colours, io);
    this.location = resolveStorePath(options.store, io.env, io.cwd);
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** How to ask a person (only when `interactive`): inquirer, unless the IO brings its own (tests). */
  get prompter(): Prompter {
    return this.io.prompter ?? inquirerPrompter(this.options.color);
  }

  /** Opens the store's backend (a file store costs nothing; PostgreSQL loads its client). */
  async open(): Promise<void> {
    this.backend ??= await openBackend(this.location, { lockTimeoutMs: envMilliseconds(this.env, "APICRED_LOCK_TIMEOUT_MS") });
  }

  /** The store, through the storage port: commands never know which backend it is. */
  get store(): Backend {
    if (!this.backend) throw new Error("the store was used before it was opened");
    return this.backend;
  }

  /** The backend if it was opened (command-line.ts prints its warnings and closes it). */
  get opened(): Backend | undefined {
    return this.backend;
  }

  /**
   * Prompting is allowed: stdin and stdout are terminals, CI is unset and --no-input was not given.
   * Asked lazily: touching process.stdin sets up a stream (~4 ms), which `check` never needs.
   */
  get interactive(): boolean {
    this.canPrompt ??= this.options.input && this.io.stdin.isTTY && this.io.stdout.isTTY && !this.env.CI;
    return this.canPrompt;
  }

  get json(): boolean {
    return this.out.json;
  }

  read(): Promise<StoreDoc> {
    return this.store.read();
  }

  update<T>(fn: (doc: StoreDoc, record: Recorder, now: string) => T): Promise<T> {
    return this.store.update({ command: this.command }, fn);
  }

  /** Confirms a destructive step: --yes, else a prompt, else a usage error naming --yes. */
  async confirm(message: string): Promise<void> {
    if (this.options.yes) return;
    if (!this.interactive) throw new UsageError(`${this.command}: --yes required when not running interactively`);
    if (!(await this.prompter.confirm(message))) throw new UsageError("cancelled, nothing changed", "cancelled");
  }

  /** A missing required value without a TTY: a usage error that names the flag to pass. */
  missing(flag: string): never {
    throw new UsageError(`${this.command}: ${flag} is required when not running interactively`);
  }
}
