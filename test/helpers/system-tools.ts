// Some tests drive real programs from Debian packages: the shells' completion (bash-completion, zsh,
// fish), terminals (`script`, util-linux/bsdutils) and nginx. .ci/run installs them all. Missing on a
// developer's machine, the tests that need them are skipped with one loud line naming the packages;
// under CI (the variable CI set) nothing is skipped, so a missing package fails the run instead.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

/** What each program is called on the machine, and the Debian package that brings it. */
const TOOLS = {
  "bash-completion": { present: () => onPath("bash") && existsSync("/usr/share/bash-completion/bash_completion"), pkg: "bash-completion" },
  zsh: { present: () => onPath("zsh"), pkg: "zsh" },
  fish: { present: () => onPath("fish"), pkg: "fish" },
  script: { present: () => onPath("script"), pkg: "bsdutils" },
  nginx: { present: () => existsSync("/usr/sbin/nginx"), pkg: "nginx" },
} as const;
export type Tool = keyof typeof TOOLS;

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

const announced = new Set<string>();

/** True when a test needing `tools` must be skipped (missing, and not under CI); says so once, loudly. */
export function lacking(...tools: Tool[]): boolean {
  const missing = tools.filter((t) => !TOOLS[t].present());
  if (missing.length === 0 || process.env.CI) return false;
  const pkgs = missing.map((t) => TOOLS[t].pkg).join(" ");
  if (!announced.has(pkgs)) {
    announced.add(pkgs);
    process.stderr.write(`\n!!!!!!!! SKIPPING tests that need ${missing.join(", ")}: apt-get install ${pkgs} (CI never skips them) !!!!!!!!\n\n`);
  }
  return true;
}
