// One run of a command: `act` wraps each verb's handler (global options -> Context, the values
// checked, the store opened, the exit code recorded); `collect` gathers repeatable options. Owned by
// command-line.ts, which starts a run and reads its result: commands import this leaf, never the registry.
import type { Command } from "commander";
import type { CommandUnknownOpts, OptionValues } from "@commander-js/extra-typings";
import { Context, type GlobalOptions } from "./context.js";
import { checkValue, type ValueKind } from "./core/limits.js";
import type { IO } from "./io.js";

/**
 * One run's state: its IO, the Context `act` made and the exit code the action returned. Kept per
 * program (main builds a new program for every run), so two runs in one process share nothing.
 */
export interface Run {
  readonly io: IO;
  context?: Context;
  exitCode: number;
}

const runs = new WeakMap<Command, Run>();

/** Starts a run of `program` (command-line.ts): its actions will use `io`. */
export function startRun(program: Command, io: IO): Run {
  const run: Run = { io, exitCode: 0 };
  runs.set(program, run);
  return run;
}

/** The IO of the run `cmd` belongs to (for actions that need no Context: completion). */
export function runIO(cmd: Command | Program): IO {
  return runOf(cmd as Command).io;
}

function runOf(cmd: Command): Run {
  let root = cmd;
  while (root.parent) root = root.parent;
  const run = runs.get(root);
  if (!run) throw new Error("a command ran outside main(): no run was started");
  return run;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * The registry's commander program as @commander-js/extra-typings types it, so that each verb's
 * `.argument()`/`.option()` declarations give its run function's parameter types. Types only: the
 * object is commander's own (extra-typings' index.js builds a Command of its own at load, which the
 * bundle must not run), so a noun's `register` casts the program it is given to this.
 */
export type Program = CommandUnknownOpts;

/** True when A and B are the same type, not merely assignable one way (the usual identity test). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * `unknown` when run function H takes exactly what its command declares: the Context, the positional
 * arguments, then the options, with the types extra-typings reads off the `.argument()`/`.option()`
 * declarations (`--dry-run` is `dryRun?: true`, `--note <text>` with a default `note: string`, ...).
 * Otherwise a type naming what was declared, which H is then not assignable to: tsc refuses a
 * declared option missing from the options type, one the command does not declare, a wrong type or
 * optionality, a wrong argument. H may leave the options out only when the verb declares none.
 * Identity, not assignability: `{ note?: string }` would accept a declared `--dry-run` unseen.
 */
type Declared<H, Args extends unknown[], Opts> = H extends (ctx: Context, ...args: infer P) => Promise<number | void>
  ? Same<P, [...Args, Opts]> extends true
    ? unknown
    : Same<P, Args> extends true
      ? keyof Opts extends never
        ? unknown
        : { "the options this command declares": Opts }
      : { "the arguments and options this command declares": [...Args, Opts] }
  : never;

/**
 * Wraps a verb's run function for `.action()`: builds the Context from the global options, checks
 * the values, opens the store and records the exit code the run function returns. Args and Opts
 * are inferred only from where the result goes (`.action()` of a command typed by
 * @commander-js/extra-typings, a types-only import), so the run function is checked against the
 * declarations instead of the declarations being read off the run function.
 */
export function act<Args extends unknown[], Opts extends OptionValues, H extends (ctx: Context, ...args: never[]) => Promise<number | void>>(
  handler: H & NoInfer<Declared<H, Args, Opts>>,
): (...argv: [...Args, Opts, unknown]) => Promise<void> {
  return async (...argv: unknown[]): Promise<void> => {
    const cmd = argv[argv.length - 1] as Command;
    const run = runOf(cmd);
    const ctx = new Context(cmd.optsWithGlobals<GlobalOptions>(), commandPath(cmd), run.io);
    run.context = ctx;
    checkValues(cmd, argv.slice(0, -2));
    await ctx.open();
    const code = await (handler as (ctx: Context, ...args: unknown[]) => Promise<number | void>)(ctx, ...argv.slice(0, -1));
    run.exitCode = code ?? 0;
  };
}

/**
 * Collects a repeatable option (`--allow A --allow B`, or `--allow A,B`). The pieces are kept as
 * given: an empty one (`--ip ''`, `--ip ','`) or a padded one (`--ip ' 10.0.0.1'`) is refused by
 * checkValues, never dropped or trimmed into "no value". Marked `commaSeparated` so shell completion
 * (complete/tree.ts) completes the item after the last comma.
 */
export const collect = Object.assign(
  function collect(value: string, previous: string[] | undefined): string[] {
    return [...(previous ?? []), ...value.split(",")];
  },
  { commaSeparated: true as const },
);

/** The kind of each option's value (by commander's attribute name) and of each positional argument. */
const OPTION_KINDS: Readonly<Record<string, ValueKind>> = {
  admin: "name",
  role: "name",
  addRole: "name",
  removeRole: "name",
  name: "name",
  rename: "name",
  description: "description",
  note: "note",
  ip: "ip",
  allow: "grant",
  revoke: "grant",
  set: "grant",
  category: "category",
  expires: "when",
  expiring: "when",
  grace: "when",
  since: "when",
  file: "path",
  secretFile: "path",
  accessKeyFile: "path",
};
const ARGUMENT_KINDS: Readonly<Record<string, ValueKind>> = {
  cred: "credential",
  action: "action",
  name: "name",
  username: "name",
  "ip|cidr": "ip",
  entry: "ip",
  ip: "ip",
  text: "note",
};
/**
 * Kinds whose one validator refuses empty, padded and over-long values itself, with a more precise
 * message, before any lookup: the strict IP parser (core/ip.ts), the description and note checks.
 */
const DOMAIN_CHECKED: ReadonlySet<ValueKind> = new Set(["ip", "description", "note"]);
/**
 * Where a whole "" has a documented meaning, and one that only narrows access: `credential edit
 * --name ""` removes the name, `--role ""` every role. (`--ip ""` would widen it: --clear-ips says so.)
 */
const EMPTY_MEANS_NONE = new Set(["credential edit --name", "credential edit --role"]);

/**
 * Every value on the command line, checked before the handler runs (and so before any lookup): not
 * empty or blank where a value is expected, no surrounding whitespace, within its length limit
 * (core/limits.ts). Options and arguments not in the tables get the "other" limit and rule.
 */
function checkValues(cmd: Command, args: unknown[]): void {
  const path = commandPath(cmd);
  cmd.registeredArguments.forEach((arg, i) => {
    const kind = ARGUMENT_KINDS[arg.name()] ?? "other";
    if (DOMAIN_CHECKED.has(kind)) return;
    const value = args[i];
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") checkValue(`<${arg.name()}>`, v, kind);
  });
  const opts = cmd.opts();
  for (const option of cmd.options) {
    const key = option.attributeName();
    const value = opts[key];
    const flag = option.long ?? option.short ?? key;
    const kind = OPTION_KINDS[key] ?? "other";
    if (DOMAIN_CHECKED.has(kind)) continue;
    // Only the whole value "" (a list of one empty piece), never an empty piece among others.
    if (EMPTY_MEANS_NONE.has(`${path} ${flag}`) && (value === "" || (Array.isArray(value) && value.length === 1 && value[0] === ""))) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") checkValue(flag, v, kind);
  }
}
