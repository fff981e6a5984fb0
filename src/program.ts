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
import { register as registerIp } from "./commands/ip.js";
import { Context, type GlobalOptions } from "./context.js";

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
    const code = await handler(current, ...(argv.slice(0, -1) as A));
    actionExitCode = code ?? 0;
  };
}

/** Collects a repeatable option (`--allow A --allow B`, or `--allow A,B`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
  return [...(previous ?? []), ...parts];
}

export function buildProgram(): Command {
  const program = new Command("apicred");
  program
    .description("Manage API credentials, roles, the IP allowlist and the access key of a WHMCS-style billing API")
    .version(APICRED_VERSION, "-V, --version")
    .addOption(new Option("--store <path>", "the store file (default: $APICRED_STORE, else ~/.config/apicred/store.json)"))
    .option("--json", "print one JSON document on stdout (errors as JSON on stderr)")
    .option("--no-color", "no colour (also NO_COLOR)")
    .option("-y, --yes", "assume yes to confirmations")
    .option("--no-input", "never prompt (implied when stdin is not a terminal or CI is set)")
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // main.ts prints errors in our format
    .showSuggestionAfterError(true)
    .helpCommand(false);

  // One line per noun, in the order `--help` lists them.
  const nouns: ((program: Command) => void)[] = [registerInit, registerAdmin, registerAction, registerRole, registerCredential, registerAudit, registerIp, registerAccessKey, registerCheck, registerExport, registerDoctor, registerCompletion];
  for (const register of nouns) register(program);
  return program;
}
