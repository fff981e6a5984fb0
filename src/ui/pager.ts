// Long human output on a terminal goes through a pager: $APICRED_PAGER, else $PAGER, else `less -FRX`
// (-F: quits at once when it fits one screen, -R: keeps colour, -X: leaves the text on the screen).
// Never when piped, under --json or with --no-pager; an empty variable means no pager. The output is
// collected first, so what fits the screen is printed directly and a pager that cannot start costs
// nothing but itself: the text is printed directly then.
import type { Context } from "../context.js";

const DEFAULT_PAGER = "less -FRX";

/** The pager's command line (split on blanks: no shell, no quoting), or undefined for none. */
export function pagerCommand(env: NodeJS.ProcessEnv): string[] | undefined {
  const text = env.APICRED_PAGER ?? env.PAGER ?? DEFAULT_PAGER;
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  return words.length === 0 ? undefined : words;
}

/** Runs `body`, whose stdout output goes through the pager when it is longer than the screen. */
export async function withPager(ctx: Context, body: () => Promise<void>): Promise<void> {
  const command = ctx.options.pager === false || ctx.json || !ctx.out.tty ? undefined : pagerCommand(ctx.io.env);
  if (!command) return body();
  const chunks: string[] = [];
  // Looks like the terminal to the output (tables still fit its width), but collects.
  const stdout = ctx.io.stdout;
  const collect = (text: string): void => void chunks.push(text);
  ctx.out.divert({ isTTY: true, columns: stdout.columns, rows: stdout.rows, write: collect, writeSync: collect });
  try {
    await body();
  } finally {
    ctx.out.divert(undefined);
  }
  const text = chunks.join("");
  const lines = text.split("\n").length - 1;
  if (lines < (stdout.rows || 24) || !(await page(command, text))) stdout.write(text);
}

/** Shows `text` in the pager; false when it could not start (then nothing was shown). */
function page([cmd, ...args]: string[], text: string): Promise<boolean> {
  return new Promise((resolve) => {
    let child;
    try {
      // Asked for here: the bundle's stand-in for child_process (build.mjs) serves commander only.
      const { spawn } = process.getBuiltinModule("node:child_process");
      child = spawn(cmd!, args, { stdio: ["pipe", "inherit", "inherit"] });
    } catch {
      return resolve(false);
    }
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      // The reader may quit before reading it all (q in less): not an error.
      child.stdin.on("error", () => {});
      child.stdin.end(text);
      child.once("close", () => resolve(true));
    });
  });
}
