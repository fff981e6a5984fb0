// Black-box harness: spawns bin/apicred.js the way a user's shell would, with an explicit environment
// (a temp store, no NODE_ENV, NO_COLOR=1, CI unset unless asked) and no inherited stdin.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "apicred.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not). */
  json: () => any;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
}

/** The environment every spawned apicred gets: nothing leaks in from the test runner. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function result(code: number | null, stdout: string, stderr: string): RunResult {
  return {
    code: code ?? -1,
    stdout,
    stderr,
    json: () => JSON.parse(stdout),
  };
}

/** A temp folder with a store path in it; `run` uses that store through $APICRED_STORE. */
export class Sandbox {
  readonly dir: string;
  readonly store: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "apicred-test-"));
    this.store = join(this.dir, "store.json");
  }

  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return cleanEnv({ APICRED_STORE: this.store, ...extra });
  }

  /** Runs apicred synchronously. */
  run(args: string[], options: RunOptions = {}): RunResult {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: this.env(options.env),
      input: options.input ?? "",
      encoding: "utf8",
      cwd: this.dir,
    });
    return result(r.status, r.stdout, r.stderr);
  }

  /** Runs apicred in the background (for concurrency tests). */
  spawn(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: this.env(options.env), cwd: this.dir });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolvePromise(result(code, stdout, stderr)));
      child.stdin.end(options.input ?? "");
    });
  }

  /** Runs and asserts success, returning the parsed --json output. */
  ok(args: string[], options: RunOptions = {}): any {
    const r = this.run([...args, "--json"], options);
    if (r.code !== 0) throw new Error(`apicred ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.json();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
