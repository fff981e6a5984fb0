// Drives apicred on a real pseudo-terminal (util-linux `script`), as a person at the keyboard would.
import { spawn } from "node:child_process";
import { BIN, type Sandbox } from "./cli.js";

export const DOWN = "\x1b[B";
export const ENTER = "\r";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The screen as text: ANSI escapes and carriage returns removed. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

/**
 * Runs apicred on a pseudo-terminal with the sandbox's store. Each step waits until the screen shows
 * `waitFor`, then types `keys`. Resolves with the exit code and everything the terminal showed;
 * rejects when it has not exited within `timeoutMs` (a command left waiting on the terminal).
 */
export function onTty(
  sb: Sandbox,
  args: string[],
  steps: [waitFor: string, keys: string][],
  timeoutMs = 15_000,
  /** A terminal of this size (stty), extra environment. */
  opts: { cols?: number; rows?: number; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number; screen: string; raw: string }> {
  let cmd = [process.execPath, BIN, ...args].map(quote).join(" ");
  if (opts.cols !== undefined || opts.rows !== undefined) cmd = `stty cols ${opts.cols ?? 80} rows ${opts.rows ?? 24}; exec ${cmd}`;
  const child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: sb.env({ TERM: "xterm", ...opts.env }) });
  let screen = "";
  let step = 0;
  let sentAt = 0;
  const pump = () => {
    while (step < steps.length) {
      const [waitFor, keys] = steps[step]!;
      const at = plain(screen).indexOf(waitFor, sentAt);
      if (at < 0) return;
      sentAt = at + waitFor.length;
      step++;
      // Give the prompt a moment to attach its keypress listener after drawing.
      setTimeout(() => child.stdin.write(keys), 150);
    }
  };
  child.stdout.on("data", (d) => {
    screen += d;
    pump();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`still running after ${timeoutMs} ms (step ${step}); screen:\n${plain(screen)}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen: plain(screen), raw: screen });
    });
  });
}
