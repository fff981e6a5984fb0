// Opens the backend a store location names: a PostgreSQL URL or a file path. Each backend is loaded
// only when named, so a `check` on a file store never loads a database client (the PostgreSQL client
// library is a separate bundle, dist/pg.cjs, required by src/store/postgres/client.ts on first use).
import type { Backend } from "./backend.js";
import { FileBackend } from "./file-backend.js";
import { isPostgresUrl } from "./paths.js";
import { PostgresBackend } from "./postgres/backend.js";

export { isPostgresUrl };

export interface OpenOptions {
  /** How long a change waits for another writer before giving up (exit 5). */
  lockTimeoutMs?: number;
}

export async function openBackend(location: string, options: OpenOptions = {}): Promise<Backend> {
  if (isPostgresUrl(location)) return new PostgresBackend(location, options);
  return new FileBackend(location, options.lockTimeoutMs);
}
