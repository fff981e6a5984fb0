// The root of the commander tree: its global options and output settings, with no command yet.
// program.ts adds every noun (dist/apicred.cjs); main-check.ts adds only `check` (dist/check.cjs).
import { Command } from "commander";
import { configureHelp } from "./help/help.js";
import type { IO } from "./io.js";

declare const APICRED_VERSION: string;

/** The global options, declared once: the program takes them, and commandWord skips their values. */
const GLOBAL_OPTIONS: readonly (readonly [flags: string, description: string])[] = [
  ["--store <path>", "the store file (default: $APICRED_STORE, else ~/.config/apicred/store.json)"],
  ["--json", "print one JSON document on stdout (errors as JSON on stderr)"],
  ["--field <name>", "print only this field of the result, raw (e.g. --field secret); of a list, that field of each item"],
  ["--no-color", "no colour (also NO_COLOR)"],
  ["-y, --yes", "assume yes to confirmations"],
  ["--no-input", "never prompt (implied when stdin is not a terminal or CI is set)"],
  ["--no-pager", "print long output directly, not through $PAGER (which is never used when piped)"],
];

/** The flags (`--store`, `--field`) whose value is the next word of the command line. */
const TAKES_VALUE = new Set(
  GLOBAL_OPTIONS.filter(([flags]) => flags.includes("<")).flatMap(([flags]) => flags.split(/[ ,]+/).filter((f) => f.startsWith("-"))),
);

/**
 * The command word of an argv (after node and the script), as commander finds it: global options
 * and the values of those that take one are skipped (`--field role credential list` is `credential`).
 */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return args[i + 1];
    if (TAKES_VALUE.has(a)) i++;
    else if (!(a.length > 1 && a.startsWith("-"))) return a;
  }
  return undefined;
}

/** The program with its global options, help and output settings; the caller registers commands. */
export function rootProgram(io?: IO): Command {
  const program = new Command("apicred");
  program
    .description("Manage API credentials, roles, the IP allowlist and the access key of a WHMCS-style billing API")
    .version(APICRED_VERSION, "-V, --version");
  for (const [flags, description] of GLOBAL_OPTIONS) program.option(flags, description);
  program
    .exitOverride()
    // command-line.ts prints errors in our format; help and --version go to the run's stdout (or stderr).
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
  return program;
}
