// Where the store lives: --store, else $APICRED_STORE, else $XDG_CONFIG_HOME/apicred/store.json,
// else ~/.config/apicred/store.json (SPEC.md "Command line").
import { homedir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";

/** `postgres://…` or `postgresql://…`: a database, not a path (never resolved against the cwd). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A path resolved against the cwd; a PostgreSQL URL as it is. */
export function resolveStoreLocation(location: string): string {
  return isPostgresUrl(location) ? location : resolve(location);
}

export function resolveStorePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolveStoreLocation(flag);
  if (env.APICRED_STORE) return resolveStoreLocation(env.APICRED_STORE);
  const config = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return resolve(config, "apicred", "store.json");
}

/** The append-only audit log beside the store: store.json -> store.audit.jsonl */
export function auditPathFor(storePath: string): string {
  const base = basename(storePath, extname(storePath));
  return join(dirname(storePath), `${base}.audit.jsonl`);
}

/** Last-use times beside the store, written by `serve`: store.json -> store.usage.json */
export function usagePathFor(storePath: string): string {
  const base = basename(storePath, extname(storePath));
  return join(dirname(storePath), `${base}.usage.json`);
}
