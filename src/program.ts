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
import type { IO } from "./io.js";

declare const APICRED_VERSION: string;

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
  [["completion", "__complete"], (program) => registerCompletion(program, () => buildProgram())],
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
export function buildProgram(argv?: readonly string[], io?: IO): Command {
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
    .option("--no-pager", "print long output directly, not through $PAGER (which is never used when piped)")
    .exitOverride()
    // main.ts prints errors in our format; help and --version go to the run's stdout (or stderr).
    .configureOutput({
      outputError: () => {},
      ...(io && {
        writeOut: (text: string) => io.stdout.write(text),
        writeErr: (text: string) => io.stderr.write(text),
        getOutHelpWidth: () => io.stdout.columns as number, // commander takes undefined as "not a terminal"
        getErrHelpWidth: () => io.stderr.columns as number,
      }),
    })
    .showSuggestionAfterError(true)
    .helpCommand(false); // `apicred help <command…>` is ours (help/help.ts): commander's goes one level deep
  configureHelp(program);

  const word = argv ? commandWord(argv.slice(2)) : undefined;
  const only = NOUNS.filter(([names]) => word !== undefined && names.includes(word));
  for (const [, register] of only.length > 0 ? only : NOUNS) register(program);
  return program;
}
