// Drives the real shells' completion for black-box tests: bash (bash-completion + our script, with
// COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT set as readline would), fish (`complete -C`) and zsh
// (a zpty capture of the matches, test/helpers/zsh-capture.zsh). `apicred` is put on PATH as a
// wrapper around bin/apicred.js in a temp folder.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, type Sandbox } from "./cli.js";

export const SCRIPTS = {
  bash: join(ROOT, "completions", "apicred.bash"),
  zsh: join(ROOT, "completions", "_apicred"),
  fish: join(ROOT, "completions", "apicred.fish"),
};

const BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";
const ZSH_CAPTURE = join(ROOT, "test", "helpers", "zsh-capture.zsh");

export interface ShellResult {
  code: number;
  /** One completion per line, as the shell would offer it. */
  lines: string[];
  stderr: string;
}

/** A temp bin folder holding an `apicred` wrapper; returns the environment the shells run with. */
export function shellEnv(box: Sandbox, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const bin = join(box.dir, "bin");
  mkdirSync(bin, { recursive: true });
  const wrapper = join(bin, "apicred");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return box.env({ PATH: `${bin}:${process.env.PATH}`, TERM: "dumb", ...extra });
}

function finish(r: ReturnType<typeof spawnSync>): ShellResult {
  const stdout = String(r.stdout ?? "");
  return {
    code: r.status ?? -1,
    lines: stdout.split("\n").filter((l) => l !== ""),
    stderr: String(r.stderr ?? ""),
  };
}

/**
 * bash: `words` are COMP_WORDS as readline splits them (it breaks at = and :, so
 * `--allow Billing:` is ["--allow", "Billing", ":"]); `line` is COMP_LINE, with the cursor at its end.
 * Prints COMPREPLY, one entry per line.
 */
export function bashComplete(env: NodeJS.ProcessEnv, line: string, words: string[], cwd?: string): ShellResult {
  const script = [
    `source ${BASH_COMPLETION}`,
    `source "$1"`,
    `COMP_LINE=$2`,
    `COMP_POINT=\${#COMP_LINE}`,
    `shift 2`,
    `COMP_WORDS=("$@")`,
    `COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))`,
    `_apicred`,
    `rc=$?`,
    `(( \${#COMPREPLY[@]} )) && printf '%s\\n' "\${COMPREPLY[@]}"`,
    `exit $rc`,
  ].join("\n");
  return finish(spawnSync("bash", ["-c", script, "bash", SCRIPTS.bash, line, ...words], { env, cwd, encoding: "utf8" }));
}

/** fish: `complete -C LINE`; lines are `value<TAB>description`. */
export function fishComplete(env: NodeJS.ProcessEnv, line: string, cwd?: string): ShellResult {
  const script = `source $argv[1]; complete -C $argv[2]`;
  return finish(spawnSync("fish", ["--no-config", "-c", script, SCRIPTS.fish, line], { env, cwd, encoding: "utf8" }));
}

/** zsh: the matches an interactive zsh offers on TAB, as `value -- description`. */
export function zshComplete(env: NodeJS.ProcessEnv, line: string, cwd?: string): ShellResult {
  return finish(
    spawnSync("zsh", ["-f", ZSH_CAPTURE, SCRIPTS.zsh, line], { env, cwd, encoding: "utf8", timeout: 20_000 }),
  );
}

export function syntaxCheck(shell: "bash" | "zsh" | "fish"): ShellResult {
  return finish(spawnSync(shell, ["-n", SCRIPTS[shell]], { encoding: "utf8" }));
}
