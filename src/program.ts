// The command registry: the commander tree with the global options. Each noun lives in
// src/commands/<noun>.ts and registers its verbs here.
import { Command, Option } from "commander";
import { register as registerAccessKey } from "./commands/access-key.js";
import { register as registerAction } from "./commands/action.js";
import { register as registerAdmin } from "./commands/admin.js";
import { register as registerCompletion } from "./commands/completion.js";
import { register as registerAudit } from "./commands/audit.js";
import { register as registerCheck } from "./commands/check.js";
import { register as registerCredential } from "./commands/credential.js";
import { register as registerDoctor } from "./commands/doctor.js";
import { register as registerExport } from "./commands/export.js";
import { register as registerInit } from "./commands/init.js";
import { register as registerRole } from "./commands/role.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerIp } from "./commands/ip.js";
import { configureHelp, register as registerHelp } from "./help/help.js";
import { register as registerPolicy } from "./commands/policy.js";
import { register as registerScan } from "./commands/scan.js";
import { register as registerWhoCan } from "./commands/who-can.js";
import { register as registerStore } from "./commands/store.js";
import { Context, type GlobalOptions } from "./context.js";
import { checkValue, type ValueKind } from "./core/limits.js";

declare const APICRED_VERSION: string;

/** The exit code the last action asked for (0 unless it returned one). */
let actionExitCode = 0;

export function takeExitCode(): number {
  const code = actionExitCode;
  actionExitCode = 0;
  return code;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** The Context of the command being run, created by `act` (main.ts prints its store warnings). */
let current: Context | undefined;

export function currentContext(): Context | undefined {
  return current;
}

/**
 * Wraps a command handler: builds the Context from the global options and records the exit code the
 * handler returns. Handlers receive commander's positional arguments and then the verb's options.
 */
export function act<A extends unknown[]>(handler: (ctx: Context, ...args: A) => Promise<number | void>) {
  return async (...argv: unknown[]): Promise<void> => {
    const cmd = argv[argv.length - 1] as Command;
    current = new Context(cmd.optsWithGlobals<GlobalOptions>(), commandPath(cmd));
    checkValues(cmd, argv.slice(0, -2));
    const code = await handler(current, ...(argv.slice(0, -1) as A));
    actionExitCode = code ?? 0;
  };
}

/**
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

/**
 * Every noun: the top-level command names (and aliases) a module registers, and its register
 * function, in the order `--help` lists them. The names let a run build only the command it needs:
 * building all of commander's tree costs more than the whole of `check` (test/unit/program.test.ts
 * keeps the names true).
 */
export const NOUNS: readonly (readonly [names: readonly string[], register: (program: Command) => void])[] = [
  [["init", "status"], registerInit],
  [["admin"], registerAdmin],
  [["action"], registerAction],
  [["role"], registerRole],
  [["credential", "cred"], registerCredential],
  [["ip"], registerIp],
  [["access-key"], registerAccessKey],
  [["check"], registerCheck],
  [["who-can"], registerWhoCan],
  [["scan"], registerScan],
  [["policy"], registerPolicy],
  [["export", "apply"], registerExport],
  [["audit"], registerAudit],
  [["doctor"], registerDoctor],
  [["serve"], registerServe],
  [["store"], registerStore],
  [["completion", "__complete"], registerCompletion],
  [["help"], (program) => registerHelp(program, () => buildProgram())],
];

/** The command word of an argv (after node and the script), skipping global options and --store's value. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return args[i + 1];
    if (a === "--store") i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/**
 * The commander tree. Given the argv, only the noun it names is registered (all of them when it
 * names none, or an unknown one: help and "did you mean" need the whole list).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command("apicred");
  program
    .description("Manage API credentials, roles, the IP allowlist and the access key of a WHMCS-style billing API")
    .version(APICRED_VERSION, "-V, --version")
    .addOption(new Option("--store <path>", "the store file (default: $APICRED_STORE, else ~/.config/apicred/store.json)"))
    .option("--json", "print one JSON document on stdout (errors as JSON on stderr)")
    .option("--field <name>", "print only this field of the result, raw (e.g. --field secret); of a list, that field of each item")
    .option("--no-color", "no colour (also NO_COLOR)")
    .option("-y, --yes", "assume yes to confirmations")
    .option("--no-input", "never prompt (implied when stdin is not a terminal or CI is set)")
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // main.ts prints errors in our format
    .showSuggestionAfterError(true)
    .helpCommand(false); // `apicred help <command…>` is ours (help/help.ts): commander's goes one level deep
  configureHelp(program);

  const word = argv ? commandWord(argv.slice(2)) : undefined;
  const only = NOUNS.filter(([names]) => word !== undefined && names.includes(word));
  for (const [, register] of only.length > 0 ? only : NOUNS) register(program);
  return program;
}
