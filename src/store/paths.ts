// Where the store lives: --store, else $APICRED_STORE, else $XDG_CONFIG_HOME/apicred/store.json,
// else ~/.config/apicred/store.json (SPEC.md "Command line"). The files kept beside it are named here.
import { homedir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";

/** `postgres://…` or `postgresql://…`: a database, not a path (never resolved against the cwd). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A path resolved against the cwd; a PostgreSQL URL as it is. */
export function resolveStoreLocation(location: string, cwd: string = process.cwd()): string {
  return isPostgresUrl(location) ? location : resolve(cwd, location);
}

/**
 * A blank `--store ""` (or a set but blank $APICRED_STORE, as an unset variable in a script gives) is
 * exit 2, never a fall back to another store: the command would silently act on a store nobody named.
 */
export function resolveStorePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (flag !== undefined) {
    if (flag.trim() === "") throw new UsageError("--store: the path is empty; name the store file", "invalid_input");
    return resolveStoreLocation(flag, cwd);
  }
  const fromEnv = env.APICRED_STORE;
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === "") {
      throw new UsageError("APICRED_STORE is set but empty; unset it or name the store file", "invalid_input");
    }
    return resolveStoreLocation(fromEnv, cwd);
  }
  const config = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return resolve(cwd, config, "apicred", "store.json");
}

/** The append-only audit log beside the store: store.json -> store.audit.jsonl */
export function auditPathFor(storePath: string): string {
  const base = basename(storePath, extname(storePath));
  return join(dirname(storePath), `${base}.audit.jsonl`);
}

/** The usage record (last use of each credential) beside the store: store.json -> store.usage.json */
export function usagePathFor(storePath: string): string {
  const base = basename(storePath, extname(storePath));
  return join(dirname(storePath), `${base}.usage.json`);
}

/** The cross-process lock beside the store: store.json -> store.json.lock */
export function lockPathFor(storePath: string): string {
  return `${storePath}.lock`;
}
