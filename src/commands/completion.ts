// `apicred completion bash|zsh|fish` prints the committed completion script (completions/), and the
// hidden `apicred __complete <words...>` that those scripts call. bin/apicred.js answers
// `__complete` from dist/complete.cjs before loading this bundle; the command here gives the same
// answer from the live tree (for callers of main(), and so the tree knows the command exists).
import { Argument, type Command } from "commander";
import type { Argument as TypedArgument } from "@commander-js/extra-typings";
import { completionOutput } from "../complete/run.js";
import { describeCommand } from "../complete/tree.js";
import type { IO } from "../io.js";
import { runIO, type Program } from "../run.js";

/** The scripts of completions/ as JSON text, {bash, zsh, fish} (build.mjs). */
declare const APICRED_COMPLETION_SCRIPTS: string;

const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const SETUP = `
Enable completion (this command edits no file; add the line yourself):
  bash  add to ~/.bashrc:                   source <(apicred completion bash)
  zsh   add to ~/.zshrc (after compinit):   source <(apicred completion zsh)
  fish  add to ~/.config/fish/config.fish:  apicred completion fish | source

Or install the file system-wide (bash needs the bash-completion package):
  bash  apicred completion bash > /usr/share/bash-completion/completions/apicred
        (just for you: ~/.local/share/bash-completion/completions/apicred)
  zsh   apicred completion zsh > /usr/local/share/zsh/site-functions/_apicred
        (any folder on $fpath, before compinit runs)
  fish  apicred completion fish > /usr/share/fish/vendor_completions.d/apicred.fish
        (just for you: ~/.config/fish/completions/apicred.fish)

Values (roles, credentials, admins, actions, ...) are read from the store named by --store on the
line being completed, else $APICRED_STORE, else the default store.`;

/** `apicred completion <shell>`: the committed script for that shell. */
export function runCompletion(io: IO, shell: Shell): void {
  io.stdout.write((JSON.parse(APICRED_COMPLETION_SCRIPTS) as Record<Shell, string>)[shell]);
}

/**
 * `apicred __complete <words...>`: the candidates for the words typed after `apicred`, from the
 * whole tree (this run built only the `completion` noun: program.ts).
 */
export async function runComplete(io: IO, words: string[], whole: Command): Promise<void> {
  io.stdout.write(await completionOutput(describeCommand(whole), words, io.env));
}

/** `whole` builds the whole command tree (the registry passes it in: commands never import it). */
export function register(registry: Command, whole: () => Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("completion")
    .description("print the shell completion script for bash, zsh or fish")
    .addArgument(new (Argument as typeof TypedArgument)("<shell>", "bash, zsh or fish").choices(SHELLS))
    .addHelpText("after", SETUP)
    .action((shell, _opts, cmd) => runCompletion(runIO(cmd), shell));

  program
    .command("__complete", { hidden: true })
    .description("list completion candidates for the words after `apicred` (used by the shell scripts)")
    .argument("[words...]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_words, _opts, cmd) => {
      // Program options on the line (`--store`, `--json`) are parsed by commander before this runs:
      // take the words as they were typed instead.
      // commander keeps the argv it parsed in rawArgs (not in its typings).
      const raw = (registry as Command & { rawArgs: string[] }).rawArgs;
      await runComplete(runIO(cmd), raw.slice(raw.indexOf("__complete") + 1), whole());
    });
}
