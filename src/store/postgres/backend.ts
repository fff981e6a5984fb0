// The PostgreSQL backend of the storage port (SPEC.md "Stores beyond one machine: PostgreSQL").
// A change is one transaction: BEGIN; a transaction-scoped advisory lock (so writers on every host
// take turns); migrate if needed; load the whole document; run the same pure core mutation as the
// file backend; write only the rows that changed and the audit rows; NOTIFY; COMMIT. A decision reads
// only its rows, in one statement (load.ts).
import { AppError, StoreError } from "../../core/errors.js";
import type { StoreWarning } from "../../core/store-warnings.js";
import { type AuditChange, emptyStore, type Recorder, type StoreDoc } from "../../core/types.js";
import type { AuditEvent, AuditRead, Backend, UpdateOptions, UsageMap } from "../backend.js";
import { validateStore } from "../schema.js";
import { connect, parseTarget, storeError, type Target } from "./client.js";
import { type Loaded, loadForCredential, loadWhole } from "./load.js";
import type { Client } from "./pg-impl.js";
import { copyRows } from "./copy-in.js";
import { diff } from "./diff.js";
import { type Column, jsonRows, writeChanges } from "./rows.js";
import { CHANNEL, installedVersion, migrate, newerSchemaError, SCHEMA, SCHEMA_PRESENT, SCHEMA_VERSION } from "./schema.js";
import { osUser } from "../audit.js";
import { watchChannel } from "./watch.js";

/** The advisory lock every writer of an apicred schema takes (any constant: "apicred" in ASCII, as a number). */
const LOCK_KEY = "27426670683252068";

export interface PostgresOptions {
  /** How long a change waits for another writer before giving up (exit 5). */
  lockTimeoutMs?: number;
  /** How long connecting may take (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
}

/** What a whole-store copy writes (store copy): the document, its audit log and its usage. */
export interface StoreContents {
  doc: StoreDoc;
  audit: AuditEvent[];
  usage: UsageMap;
}

export class PostgresBackend implements Backend {
  readonly warnings: StoreWarning[] = [];
  private readonly target: Target;
  private client?: Promise<Client>;
  private readonly stops = new Set<() => void>();

  constructor(url: string, private readonly options: PostgresOptions = {}) {
    this.target = parseTarget(url);
  }

  get auditLocation(): string {
    return `${this.target.location} (table ${SCHEMA}.audit)`;
  }

  get location(): string {
    return this.target.location;
  }

  private db(): Promise<Client> {
    this.client ??= connect(this.target, this.options.connectTimeoutMs).catch((err) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  /** Runs `work` with the connection; every failure that is not already ours becomes exit 5. */
  private async run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.db();
    try {
      return await work(client);
    } catch (err) {
      throw err instanceof AppError ? err : storeError(err, this.target);
    }
  }

  private checked(l: Loaded, missingOk: boolean): StoreDoc {
    if ((l.schema ?? 0) > SCHEMA_VERSION) throw newerSchemaError(l.schema!, this.location);
    if (!l.exists) {
      if (missingOk) return emptyStore();
      throw new StoreError(`no store at ${this.location}; run \`apicred init\` or pass --store`, "store_missing");
    }
    return validateStore(l.doc, this.location);
  }

  /** Reads that find no schema at all: a missing store. */
  private async load(read: (client: Client) => Promise<Loaded>, missingOk: boolean): Promise<StoreDoc> {
    return this.run(async (client) => {
      try {
        return this.checked(await read(client), missingOk);
      } catch (err) {
        if (missingOk && (err as { code?: string }).code === "42P01") return emptyStore();
        throw err;
      }
    });
  }

  async exists(): Promise<boolean> {
    return this.run(async (client) => {
      const v = await installedVersion(client);
      if (v > SCHEMA_VERSION) throw newerSchemaError(v, this.location);
      if (v === 0) return false;
      const r = await client.query(`SELECT 1 FROM ${SCHEMA}.meta WHERE key = 'store'`);
      return r.rowCount === 1;
    });
  }

  read(): Promise<StoreDoc> {
    return this.load(loadWhole, false);
  }

  readOrEmpty(): Promise<StoreDoc> {
    return this.load(loadWhole, true);
  }

  /** The store without its credentials (for shell completion of anything else); missing reads as empty. */
  readWithoutCredentials(): Promise<StoreDoc> {
    return this.load((client) => loadWhole(client, false, false), true);
  }

  readForCredential(ref: string): Promise<StoreDoc> {
    return this.load((client) => loadForCredential(client, ref), false);
  }

  /** BEGIN, the advisory lock, the schema brought up to date, the document loaded; `work`; COMMIT. */
  private transaction<T>(work: (client: Client, loaded: Loaded) => Promise<T>): Promise<T> {
    return this.run(async (client) => {
      try {
        // One round trip: the transaction, how long it waits for the lock, the lock, whether there
        // is a schema. Then one for the document, which also says the schema's version: only a
        // schema that is missing or older needs the migrations (and a second read).
        const wait = Math.max(1, Math.floor(this.options.lockTimeoutMs ?? 10_000));
        const begin = (await client.query(
          `BEGIN; SET LOCAL lock_timeout = ${wait}; SELECT pg_advisory_xact_lock(${LOCK_KEY}); ${SCHEMA_PRESENT}`,
        )) as unknown as { rows: { present: boolean }[] }[];
        let loaded = begin.at(-1)!.rows[0]!.present ? await loadWhole(client, true) : undefined;
        if ((loaded?.schema ?? 0) < SCHEMA_VERSION) {
          await migrate(client, this.location);
          loaded = await loadWhole(client, true);
        }
        this.checked(loaded!, true);
        const result = await work(client, loaded!);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async update<T>(options: UpdateOptions, fn: (doc: StoreDoc, record: Recorder, now: string) => T): Promise<T> {
    const now = (options.now ?? new Date()).toISOString();
    const { result } = await this.transaction(async (client, loaded) => {
      const changes: AuditChange[] = [];
      const result = fn(loaded.doc, (object, change) => changes.push({ object, change }), now);
      if (changes.length === 0 && loaded.exists) return { result };
      if (!loaded.exists) changes.unshift({ object: `store:${this.location}`, change: { created: true } });
      await writeChanges(client, diff(loaded.stored, loaded.doc));
      await this.markExists(client, loaded, now);
      const user = osUser();
      await insertAudit(client, changes.map((c) => ({ time: now, user, command: options.command, ...c })));
      await notify(client);
      return { result };
    });
    return result;
  }

  private async markExists(client: Client, loaded: Loaded, now: string): Promise<void> {
    if (loaded.exists) return;
    await client.query(`INSERT INTO ${SCHEMA}.meta (key, value) VALUES ('store', $1)`, [JSON.stringify({ createdAt: now })]);
  }

  /**
   * Replaces the whole store with `contents` in one transaction (store copy): the document, the
   * audit log (the source's events, then `events`) and the usage.
   */
  async replace(contents: StoreContents, events: (existed: boolean) => AuditChange[], command: string, now = new Date()): Promise<void> {
    const time = now.toISOString();
    await this.transaction(async (client, loaded) => {
      await writeChanges(client, diff(loaded.stored, contents.doc));
      await this.markExists(client, loaded, time);
      await client.query(`DELETE FROM ${SCHEMA}.audit`);
      await client.query(`DELETE FROM ${SCHEMA}.usage`);
      const user = osUser();
      const own = events(loaded.exists).map((c) => ({ time, user, command, ...c }));
      await insertAudit(client, [...contents.audit, ...own]);
      await upsertUsage(client, contents.usage);
      await notify(client);
    });
  }

  async readAudit(): Promise<AuditRead> {
    return this.run(async (client) => {
      // A change and its audit rows commit together: nothing is torn, nothing is left unlanded.
      if ((await installedVersion(client)) === 0) return { events: [], skipped: [], exists: false, unlanded: 0, warnings: [] };
      const r = await client.query<AuditEvent>(
        `SELECT "time", "user", command, object, change FROM ${SCHEMA}.audit ORDER BY id`,
      );
      return { events: r.rows.map((e) => ({ time: e.time, user: e.user, command: e.command, object: e.object, change: e.change })), skipped: [], exists: true, unlanded: 0, warnings: [] };
    });
  }

  async readUsage(): Promise<UsageMap> {
    return this.run(async (client) => {
      if ((await installedVersion(client)) === 0) return new Map();
      const r = await client.query<{ identifier: string; last_used_at: string; last_used_ip: string | null }>(
        `SELECT identifier, last_used_at, last_used_ip FROM ${SCHEMA}.usage ORDER BY identifier`,
      );
      return new Map(r.rows.map((u) => [u.identifier, { lastUsedAt: u.last_used_at, lastUsedIp: u.last_used_ip }]));
    });
  }

  async recordUsage(uses: UsageMap): Promise<void> {
    if (uses.size === 0) return;
    await this.run((client) => upsertUsage(client, uses));
  }

  /**
   * The poll's cheap token (serve reloads when it moves): the schema version and the newest audit
   * row. Every committed change writes audit rows, and writers take turns under the advisory lock,
   * so ids grow in commit order; a copy that replaces the log inserts new, higher ids. One index
   * probe, whatever the size of the store, instead of reading it all every second.
   */
  async revision(): Promise<string> {
    return this.run(async (client) => {
      const v = await installedVersion(client);
      if (v === 0) return "none";
      const r = await client.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM ${SCHEMA}.audit`);
      return `${v}:${r.rows[0]?.id ?? "-"}`;
    });
  }

  watch(onChange: () => void): () => void {
    const stop = watchChannel(this.target, CHANNEL, onChange);
    this.stops.add(stop);
    return () => {
      this.stops.delete(stop);
      stop();
    };
  }

  async close(): Promise<void> {
    for (const stop of this.stops) stop();
    this.stops.clear();
    const client = this.client;
    this.client = undefined;
    if (client) await (await client.catch(() => undefined))?.end().catch(() => {});
  }
}

const AUDIT_COLUMNS: Column[] = [
  { name: '"time"', type: "text" }, { name: '"user"', type: "text" }, { name: "command", type: "text" },
  { name: "object", type: "text" }, { name: "change", type: "json" },
];
const USAGE_COLUMNS: Column[] = [
  { name: "identifier", type: "text" }, { name: "last_used_at", type: "text" }, { name: "last_used_ip", type: "text" },
];

/** Delivered at COMMIT (never for a rolled-back change) to every LISTENing `serve`. */
async function notify(client: Client): Promise<void> {
  await client.query(`SELECT pg_notify('${CHANNEL}', '')`);
}

async function insertAudit(client: Client, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await copyRows(client, `${SCHEMA}.audit`, AUDIT_COLUMNS, events.map((e) => [e.time, e.user, e.command, e.object, e.change]));
}

/** Merges uses into the usage table; a later time wins, so servers' records merge in any order. */
async function upsertUsage(client: Client, uses: UsageMap): Promise<void> {
  if (uses.size === 0) return;
  const rows = jsonRows(USAGE_COLUMNS, [...uses].map(([id, u]) => [id, u.lastUsedAt, u.lastUsedIp]), "u");
  await client.query(
    `INSERT INTO ${SCHEMA}.usage (identifier, last_used_at, last_used_ip)
     SELECT * FROM ${rows.sql}
     ON CONFLICT (identifier) DO UPDATE SET last_used_at = excluded.last_used_at, last_used_ip = excluded.last_used_ip
     WHERE ${SCHEMA}.usage.last_used_at < excluded.last_used_at`,
    rows.params,
  );
}
