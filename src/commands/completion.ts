// `apicred completion bash|zsh|fish` prints the committed completion script (completions/), and the
// hidden `apicred __complete <words...>` that those scripts call. bin/apicred.js answers
// `__complete` from dist/complete.cjs before loading this bundle; the command here gives the same
// answer from the live tree (for callers of main(), and so the tree knows the command exists).
import { Argument, type Command } from "commander";
import { completionOutput } from "../complete/run.js";
import { describeCommand } from "../complete/tree.js";
import { runIO } from "../run.js";

/** The scripts in completions/, embedded by build.mjs. */
/** The scripts of completions/ as JSON text, {bash, zsh, fish} (build.mjs). */
declare const APICRED_COMPLETION_SCRIPTS: string;

const SHELLS = ["bash", "zsh", "fish"] as const;

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

/** `whole` builds the whole command tree (the registry passes it in: commands never import it). */
export function register(program: Command, whole: () => Command): void {
  program
    .command("completion")
    .description("print the shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(SHELLS))
    .addHelpText("after", SETUP)
    .action((shell: (typeof SHELLS)[number], _opts: unknown, cmd: Command) => {
      runIO(cmd).stdout.write((JSON.parse(APICRED_COMPLETION_SCRIPTS) as Record<typeof shell, string>)[shell]);
    });

  program
    .command("__complete", { hidden: true })
    .description("list completion candidates for the words after `apicred` (used by the shell scripts)")
    .argument("[words...]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_words: unknown, _opts: unknown, cmd: Command) => {
      // Program options on the line (`--store`, `--json`) are parsed by commander before this runs:
      // take the words as they were typed instead.
      // commander keeps the argv it parsed in rawArgs (not in its typings).
      const raw = (program as Command & { rawArgs: string[] }).rawArgs;
      const words = raw.slice(raw.indexOf("__complete") + 1);
      // This run built only the `completion` noun (program.ts); candidates come from the whole tree.
      runIO(cmd).stdout.write(await completionOutput(describeCommand(whole()), words, runIO(cmd).env));
    });
}
