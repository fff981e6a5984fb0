// Store-backed values for completion. Reads the store without a lock and never writes, prompts or
// prints: a missing, unreadable or corrupt store reads as an empty one (the built-in catalog still
// completes, since it is part of the program, not of the store).
import { homedir } from "node:os";
import { buildCatalog, listActions, listCategories } from "../core/catalog.js";
import { emptyStore, type StoreDoc } from "../core/types.js";
import { StoreFile } from "../store/adapter.js";
import { isPostgresUrl, resolveStorePath } from "../store/paths.js";
import { PostgresBackend } from "../store/postgres/backend.js";
import { readWithoutCredentials } from "../store/read-one.js";
import type { Candidate, ValueSource } from "./engine.js";
import type { ValueKind } from "./values.js";

/**
 * The store document, or an empty one when it is missing or cannot be read; never throws. Without
 * `credentials`, the credential list is skipped when the file allows it (a TAB press on a role of a
 * store with 10,000 credentials need not parse them).
 */
export function readQuietly(path: string, credentials = true): StoreDoc {
  try {
    return (credentials ? undefined : readWithoutCredentials(path)) ?? new StoreFile(path).read() ?? emptyStore();
  } catch {
    return emptyStore();
  }
}

/** A --store value as typed on the line: `~/x` is the shell's to expand, so expand it here. */
function expandTilde(path: string, env: NodeJS.ProcessEnv): string {
  if (path === "~" || path.startsWith("~/")) return (env.HOME ?? homedir()) + path.slice(1);
  return path;
}

function join(...parts: (string | null | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== null && p !== "").join(" — ");
}

export function valuesFromDoc(kind: ValueKind, doc: StoreDoc): Candidate[] {
  switch (kind) {
    case "role":
      return doc.roles.map((r) => ({ value: r.name, description: join(r.description, `${r.grants.length} grant${r.grants.length === 1 ? "" : "s"}`) }));
    case "admin":
      return doc.admins.map((a) => ({ value: a.username, description: a.disabled ? "admin (disabled)" : "admin" }));
    case "admin-enabled":
      return valuesFromDoc("admin", { ...doc, admins: doc.admins.filter((a) => !a.disabled) });
    case "admin-disabled":
      return valuesFromDoc("admin", { ...doc, admins: doc.admins.filter((a) => a.disabled) });
    case "credential":
    case "enabled-credential":
    case "disabled-credential": {
      const admins = new Map(doc.admins.map((a) => [a.id, a.username]));
      const out: Candidate[] = [];
      for (const c of doc.credentials) {
        if (kind !== "credential" && (c.disabled === true) !== (kind === "disabled-credential")) continue;
        const admin = admins.get(c.adminId);
        out.push({ value: c.identifier, description: join(c.name, c.description, admin && `admin ${admin}`) });
        if (c.name) out.push({ value: c.name, description: join(c.identifier, c.description, admin && `admin ${admin}`) });
      }
      return out;
    }
    case "action":
      return listActions(buildCatalog(doc.actions)).map((a) => ({ value: a.name, description: a.custom ? `${a.category} (custom)` : a.category }));
    case "custom-action":
      return doc.actions.map((a) => ({ value: a.name, description: `${a.category} (custom)` }));
    case "category":
      return listCategories(buildCatalog(doc.actions)).map((c) => ({ value: c.name, description: `${c.actions} action${c.actions === 1 ? "" : "s"}` }));
    case "grant": {
      const catalog = buildCatalog(doc.actions);
      return [
        { value: "*", description: "every action" },
        ...listCategories(catalog).map((c) => ({ value: `${c.name}:*`, description: `every ${c.name} action` })),
        ...valuesFromDoc("action", doc),
      ];
    }
    case "ip-entry":
      return doc.ipAllowlist.map((e) => ({ value: e.address, description: e.note }));
    case "file":
      return [];
  }
}

/** The store a completion reads: --store on the line, else $APICRED_STORE, else the default. */
export function completionStore(store: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolveStorePath(store === undefined || store === "" ? undefined : expandTilde(store, env), env);
}

/** A TAB press waits this long for a database at most: an unreachable one completes nothing, soon. */
const COMPLETION_CONNECT_MS = 1_500;

/**
 * Reads a PostgreSQL store ahead of completing from it (the engine asks synchronously; a database
 * answers later), without its credentials unless a credential is asked for, as readQuietly does for a
 * file; like readQuietly, any failure reads as empty. undefined for a file store (read when asked).
 */
export async function preload(location: string, credentials: boolean): Promise<StoreDoc | undefined> {
  if (!isPostgresUrl(location)) return undefined;
  const backend = new PostgresBackend(location, { connectTimeoutMs: COMPLETION_CONNECT_MS });
  try {
    return await (credentials ? backend.readOrEmpty() : backend.readWithoutCredentials());
  } catch {
    return emptyStore();
  } finally {
    await backend.close();
  }
}

/**
 * Values read from the store named by --store on the line, else $APICRED_STORE, else the default; a
 * store read ahead (`preloaded`, by preload) is used as it is.
 */
export function storeValues(env: NodeJS.ProcessEnv, preloaded?: { location: string; doc: StoreDoc }): ValueSource {
  return (kind, store) => {
    const path = completionStore(store, env);
    return valuesFromDoc(kind, path === preloaded?.location ? preloaded.doc : readQuietly(path, kind.endsWith("credential")));
  };
}
