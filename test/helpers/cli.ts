// Black-box harness: runs apicred with an explicit environment (a temp store, no NODE_ENV, NO_COLOR=1,
// CI unset unless asked) and no inherited stdin. `run` runs the built bundle in-process (a worker
// thread, main(argv, io) with captured streams: a few ms instead of ~100 ms for a process);
// `runSpawned` and `spawn` start bin/apicred.js the way a user's shell would, for what needs a real
// process (start-up, signals, terminals, real file descriptors, parallel processes, time limits).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "apicred.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not). */
  json: () => any;
  /** In-process runs with `answers`: the questions asked, in order (kind, message, values offered). */
  prompts?: { kind: "confirm" | "select" | "checkbox"; message: string; choices?: unknown[] }[];
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /**
   * In-process only: run as if at a terminal (stdin and stdout TTYs) with these answers to the
   * prompts, in order (the Prompter test double); the result lists the questions.
   */
  answers?: unknown[];
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

/** The worker that runs apicred in-process (one per test file's process, started on first use). */
let runner: { port: MessagePort; flag: Int32Array } | undefined;

function inProcess(args: string[], env: NodeJS.ProcessEnv, input: string | Buffer, cwd: string, answers?: unknown[]): RunResult {
  if (!runner) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(join(ROOT, "test", "helpers", "inproc-worker.cjs"), {
      workerData: { port: port2, flag, root: ROOT },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    runner = { port: port1, flag };
  }
  const { port, flag } = runner;
  Atomics.store(flag, 0, 0);
  port.postMessage({ args, env, input: Buffer.from(input), cwd, answers });
  if (Atomics.wait(flag, 0, 0, 60_000) === "timed-out") throw new Error(`apicred ${args.join(" ")}: no answer in-process within 60 s`);
  type Reply = { code: number; stdout: string; stderr: string; prompts: RunResult["prompts"] } | { crash: string };
  const reply = receiveMessageOnPort(port)?.message as Reply;
  if ("crash" in reply) throw new Error(`apicred ${args.join(" ")} crashed in-process: ${reply.crash}`);
  return { ...result(reply.code, reply.stdout, reply.stderr), ...(answers && { prompts: reply.prompts }) };
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

  /** Runs apicred synchronously, in-process (relative paths against this folder, as for a process started in it). */
  run(args: string[], options: RunOptions = {}): RunResult {
    // APICRED_TEST_SPAWN=1 runs the whole suite black-box, every call a process (as before).
    if (process.env.APICRED_TEST_SPAWN === "1" && !options.answers) return this.runSpawned(args, options);
    return inProcess(args, this.env(options.env), options.input ?? "", this.dir, options.answers);
  }

  /** Runs bin/apicred.js synchronously in a new process, in this folder. */
  runSpawned(args: string[], options: RunOptions = {}): RunResult {
    if (options.answers) throw new Error("answers are for in-process runs (a process gets a real terminal: test/helpers/tty.ts)");
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
