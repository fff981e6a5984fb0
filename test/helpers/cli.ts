// Black-box harness: runs apicred with an explicit environment (a temp store, no NODE_ENV, NO_COLOR=1,
// CI unset unless asked) and no inherited stdin. `run` runs the built bundle in-process (a worker
// thread, main(argv, io) with captured streams: a few ms instead of ~100 ms for a process);
// `runSpawned` and `spawn` start bin/apicred.js the way a user's shell would, for what needs a real
// process (start-up, signals, terminals, real file descriptors, parallel processes, time limits).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/**
 * Which backend the black-box suite runs against: the file store, or PostgreSQL in the `postgres`
 * project of vitest.config.ts (the same test files, each Sandbox on a fresh database).
 */
export const BACKEND: "file" | "postgres" = process.env.APICRED_TEST_BACKEND === "postgres" ? "postgres" : "file";
/** For tests about files by nature (permissions, locks, temp files, the file's bytes): `it.skipIf(ON_POSTGRES)`. */
export const ON_POSTGRES = BACKEND === "postgres";

let databases = 0;
let copies = 0;

/** A new empty database on the project's PostgreSQL server, created with psql (the Sandbox is synchronous). */
function newDatabase(): string {
  const admin = process.env.APICRED_TEST_PG_ADMIN_URL;
  if (!admin) throw new Error("APICRED_TEST_BACKEND=postgres needs the postgres project's global setup (APICRED_TEST_PG_ADMIN_URL)");
  const name = `cli_${process.pid}_${++databases}`;
  const r = spawnSync("psql", [admin, "-v", "ON_ERROR_STOP=1", "-qc", `CREATE DATABASE ${name}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not create a test database: ${r.stderr}`);
  return admin.replace(/\/postgres$/, `/${name}`);
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

/** A temp folder and a store in it (or a fresh PostgreSQL database); `run` uses it through $APICRED_STORE. */
export class Sandbox {
  readonly dir: string;
  readonly store: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "apicred-test-"));
    this.store = ON_POSTGRES ? newDatabase() : join(this.dir, "store.json");
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

  /** The store as apicred names it in output: the path, or the URL without its password. */
  get location(): string {
    return this.store.replace(/^(postgres(?:ql)?:\/\/[^:@/]+):[^@/]*@/, "$1@");
  }

  /**
   * The store's document as text, whichever backend holds it: the file's bytes, or PostgreSQL's
   * store copied to a file by `apicred store copy` (which only reads the source). The id of the last
   * change (`lastChange`, a file's own bookkeeping) is left out, so two reads of an unchanged store
   * are equal on both backends. undefined when there is no store.
   */
  storeText(): string | undefined {
    let path = this.store;
    if (ON_POSTGRES) {
      path = join(this.dir, `.copy-${++copies}.json`);
      const r = spawnSync(process.execPath, [BIN, "store", "copy", "--from", this.store, "--to", path, "--yes"], { env: this.env(), encoding: "utf8" });
      if (r.status === 5 && /no store/.test(r.stderr)) return undefined;
      if (r.status !== 0) throw new Error(`store copy failed: ${r.stderr}`);
    }
    if (!existsSync(path)) return undefined;
    return readFileSync(path, "utf8").replace(/,\n {2}"lastChange": "[0-9a-f]{16}"\n/, "\n");
  }

  /** The store's document, parsed (throws when there is none). */
  storeDoc(): any {
    const text = this.storeText();
    if (text === undefined) throw new Error("there is no store");
    return JSON.parse(text);
  }

  /** The audit log as JSON lines (time, user, command, object, change), whichever backend keeps it; "" when none. */
  auditText(): string {
    if (ON_POSTGRES) {
      const sql = `SELECT json_build_object('time', time, 'user', "user", 'command', command, 'object', object, 'change', change) FROM apicred.audit ORDER BY id`;
      const r = spawnSync("psql", [this.store, "-Atqc", sql], { encoding: "utf8", maxBuffer: 1 << 30 });
      if (r.status !== 0) {
        if (/does not exist/.test(r.stderr)) return "";
        throw new Error(`psql: ${r.stderr}`);
      }
      // As the file keeps them: one compact JSON object per line.
      return r.stdout.split("\n").filter((l) => l !== "").map((l) => `${JSON.stringify(JSON.parse(l))}\n`).join("");
    }
    const path = this.store.replace(/\.json$/, ".audit.jsonl");
    return existsSync(path) ? readFileSync(path, "utf8") : "";
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
