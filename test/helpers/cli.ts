// Black-box harness: spawns bin/apicred.js the way a user's shell would, with an explicit environment
// (a temp store, no NODE_ENV, NO_COLOR=1, CI unset unless asked) and no inherited stdin.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
