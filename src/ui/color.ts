// The one chalk instance. chalk 5 ignores NO_COLOR, so the level is decided here.
import type { ChalkInstance } from "chalk";

/**
 * Colour or not, strongest first: --no-color, NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE (colour even
 * when piped), TERM=dumb (a terminal that shows escape codes as text), else whether it is a terminal.
 */
export function colorLevel(flag: boolean, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): 0 | 1 {
  if (!flag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === "0" || env.FORCE_COLOR === "false" ? 0 : 1;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== "" && env.CLICOLOR_FORCE !== "0") return 1;
  if (env.TERM === "dumb") return 0;
  return stream.isTTY ? 1 : 0;
}

/**
 * chalk builds its styles when its module runs (~0.8 ms of `check`'s start-up), and `check -q` or
 * `--json` prints no colour: required on first use, which the bundle turns into a deferred module.
 */
export function makeChalk(level: 0 | 1): ChalkInstance {
  const { Chalk } = require("chalk") as typeof import("chalk");
  return new Chalk({ level });
}
