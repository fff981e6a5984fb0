// Starts `bin/apicred.js serve` as a user would (port 0: the kernel picks a free port, the one line
// on stdout says which), and stops it by pid with a signal.
import { type ChildProcess, spawn } from "node:child_process";
import { BIN, type Sandbox } from "../helpers/cli.js";

export interface Running {
  child: ChildProcess;
  /** http://127.0.0.1:PORT, or unix:/path */
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

export async function startServe(sb: Sandbox, args: string[] = ["--listen", "127.0.0.1:0"], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], { env: sb.env(env), cwd: sb.dir, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${err}`)));
    setTimeout(() => reject(new Error(`serve did not announce itself in 10 s: ${err}`)), 10_000).unref();
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `fn` every 20 ms until it returns true; the elapsed ms, or throws after `limitMs`. */
export async function within(limitMs: number, fn: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - start;
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
}
