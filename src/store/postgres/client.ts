// Connecting to PostgreSQL: where (named in messages without the password), bounded waits, and
// every driver or server error turned into a StoreError (exit 5) that never echoes the password.
import { StoreError } from "../../core/errors.js";
import type { Client } from "./pg-impl.js";

/** Bounds: a server that does not answer, or a statement that never ends, is an error, not a hang. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const STATEMENT_TIMEOUT_MS = 60_000;

export interface Target {
  url: string;
  /** The URL without its password (and without a password= parameter): safe to print. */
  location: string;
  /** host:port/database, for error messages. */
  where: string;
  /** Strings that must never appear in a message (the password, raw and decoded). */
  secrets: string[];
}

export function parseTarget(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreError("the store URL is not a valid postgresql:// URL", "store_url_invalid");
  }
  const secrets: string[] = [];
  const remember = (s: string | null) => {
    if (!s) return;
    secrets.push(s);
    try {
      secrets.push(decodeURIComponent(s));
    } catch {
      // not %-encoded: the raw form is enough
    }
  };
  remember(u.password);
  remember(u.searchParams.get("password"));
  u.password = "";
  u.searchParams.delete("password");
  const host = u.searchParams.get("host") ?? (u.hostname ? decodeURIComponent(u.hostname) : "localhost");
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default database)";
  return {
    url,
    location: u.toString(),
    where: `${host}:${u.port || "5432"}/${database}`,
    secrets: [...new Set(secrets)].sort((a, b) => b.length - a.length),
  };
}

export function scrub(text: string, target: Target): string {
  let out = text;
  for (const s of target.secrets) out = out.split(s).join("***");
  return out;
}

type PgModule = typeof import("./pg-impl.js");
let pgModule: PgModule | undefined;

async function loadPg(): Promise<PgModule> {
  pgModule ??= await import("./pg-impl.js");
  return pgModule;
}

/** COPY … FROM STDIN with `chunks` as the data (the client library is loaded: a client exists). */
export async function copyIn(client: Client, sql: string, chunks: Iterable<Buffer>): Promise<void> {
  await (await loadPg()).copyIn(client, sql, chunks);
}

/** Server errors that mean "not there yet" rather than "broken": retried briefly on connect. */
const BUSY = new Set(["53300", "57P03"]); // too many clients, the server is starting up

export async function connect(target: Target, timeoutMs = CONNECT_TIMEOUT_MS): Promise<Client> {
  const { Client } = await loadPg();
  for (let attempt = 0; ; attempt++) {
    const client = new Client({
      connectionString: target.url,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 5_000,
      application_name: "apicred",
    });
    client.on("error", () => {}); // a dropped connection surfaces on the next query instead
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => {});
      if (BUSY.has((err as { code?: string }).code ?? "") && attempt < 20) {
        await new Promise((r) => setTimeout(r, 50 + attempt * 50));
        continue;
      }
      throw storeError(err, target);
    }
  }
}

/** Any error met talking to the server, as a StoreError naming host, port and database. */
export function storeError(err: unknown, target: Target): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: string; message?: string };
  const message = scrub(String(e?.message ?? err), target);
  const at = `PostgreSQL at ${target.where}`;
  switch (e?.code) {
    case "42P01":
    case "3F000":
      return new StoreError(`no store at ${target.location}; run \`apicred init\` or pass --store`, "store_missing");
    case "28P01":
    case "28000":
      return new StoreError(`cannot log in to ${at}: ${message}`, "store_auth");
    case "3D000":
      return new StoreError(`cannot connect to ${at}: ${message}`, "store_unreachable");
    case "42501":
      return new StoreError(`permission denied by ${at}: ${message}`, "store_permission");
    case "55P03":
      return new StoreError(`another writer held the store at ${at} too long: ${message}`, "store_locked");
    case "57014":
      return new StoreError(`a statement took too long at ${at}: ${message}`, "store_timeout");
  }
  // No SQLSTATE: a network error (ECONNREFUSED, ENOTFOUND…), a timeout or a dropped connection.
  if (!e?.code || /^E[A-Z]+$/.test(e.code)) {
    return new StoreError(`cannot connect to ${at}: ${message}`, "store_unreachable");
  }
  return new StoreError(`${at} failed: ${message}${e.code ? ` (${e.code})` : ""}`, "store_error");
}
