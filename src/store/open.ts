// Opens the backend a store location names: a PostgreSQL URL or a file path. Each backend is loaded
// only when named, so a `check` on a file store never loads a database client.
import type { Backend } from "./backend.js";
import { FileBackend } from "./file-backend.js";

/** `postgres://…` or `postgresql://…` */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface OpenOptions {
  /** How long a change waits for another writer before giving up (exit 5). */
  lockTimeoutMs?: number;
}

export async function openBackend(location: string, options: OpenOptions = {}): Promise<Backend> {
  return new FileBackend(location, options.lockTimeoutMs);
}
