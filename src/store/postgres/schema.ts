// The tables, in their own schema `apicred`, and the versioned migrations that create them. Run by
// every write (so `init` creates them) inside the write's transaction, after its advisory lock: two
// first writers never race to create them, and a failed migration leaves nothing behind.
//
// Why these shapes:
// - One table per kind of thing, so a change writes only its rows and a decision reads only its rows.
// - Times are kept as the ISO text the core wrote: a round trip file -> PostgreSQL -> file is
//   byte-for-byte, and the core compares those strings (usage keeps the later one).
// - `pos` keeps each list's order (exports and listings are in creation order); new rows append.
// - Names are unique case-insensitively (as the core treats them) through exclusion constraints,
//   which unlike unique indexes can be deferred to COMMIT: one change may swap two names.
// - Only the indexes a read uses: the primary keys (a decision finds its credential, roles and IPs
//   through them) and lower(name). Each further index is paid by every bulk insert.
// - No foreign keys from a credential's roles and IPs to the credential: every write computes those
//   rows from the document, deleted ones included, and a key's check per row (233,000 for 100,000
//   credentials) cost more than the inserts themselves.
// - The audit's `change` is `json`, not `jsonb`, so it reads back with its keys in their order.
import { StoreError } from "../../core/errors.js";
import type { Client } from "./pg-impl.js";

export const SCHEMA = "apicred";
/** The schema version this program reads and writes. */
export const SCHEMA_VERSION = 1;
/** Notified after every committed change; `serve` instances LISTEN on it. */
export const CHANNEL = "apicred_changes";

const MIGRATIONS: readonly (readonly string[])[] = [
  // version 1
  [
    `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
    `CREATE TABLE ${SCHEMA}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    // key 'store': the store exists (created by init or the first write); key 'policy': the policy.
    `CREATE TABLE ${SCHEMA}.meta (key text PRIMARY KEY, value json NOT NULL)`,
    `CREATE TABLE ${SCHEMA}.admins (
      id text PRIMARY KEY, username text NOT NULL, disabled boolean NOT NULL, created_at text NOT NULL, pos bigint NOT NULL,
      CONSTRAINT admins_username_unique EXCLUDE USING btree (lower(username) WITH =) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE TABLE ${SCHEMA}.actions (name text PRIMARY KEY, category text NOT NULL, created_at text NOT NULL, pos bigint NOT NULL)`,
    `CREATE TABLE ${SCHEMA}.roles (
      id text PRIMARY KEY, name text NOT NULL, description text NOT NULL, grants text[] NOT NULL, created_at text NOT NULL, pos bigint NOT NULL,
      CONSTRAINT roles_name_unique EXCLUDE USING btree (lower(name) WITH =) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE TABLE ${SCHEMA}.credentials (
      identifier text PRIMARY KEY, name text, admin_id text NOT NULL, description text NOT NULL,
      expires_at text, created_at text NOT NULL, secret_hash text NOT NULL,
      previous_hash text, previous_until text, rotated_at text, disabled boolean NOT NULL DEFAULT false, pos bigint NOT NULL,
      CONSTRAINT credentials_name_unique EXCLUDE USING btree (lower(name) WITH =) DEFERRABLE INITIALLY DEFERRED)`,
    `CREATE TABLE ${SCHEMA}.credential_roles (
      identifier text NOT NULL, role_id text NOT NULL, pos integer NOT NULL, PRIMARY KEY (identifier, role_id))`,
    `CREATE TABLE ${SCHEMA}.credential_ips (
      identifier text NOT NULL, ip text NOT NULL, pos integer NOT NULL, PRIMARY KEY (identifier, ip))`,
    `CREATE TABLE ${SCHEMA}.ip_allowlist (address text PRIMARY KEY, note text NOT NULL, added_at text NOT NULL, pos bigint NOT NULL)`,
    `CREATE TABLE ${SCHEMA}.access_key (
      id boolean PRIMARY KEY DEFAULT true CHECK (id), hash text NOT NULL, fingerprint text NOT NULL, set_at text NOT NULL)`,
    `CREATE TABLE ${SCHEMA}.audit (
      id bigserial PRIMARY KEY, time text NOT NULL, "user" text NOT NULL, command text NOT NULL, object text NOT NULL, change json NOT NULL)`,
    `CREATE TABLE ${SCHEMA}.usage (identifier text PRIMARY KEY, last_used_at text NOT NULL, last_used_ip text)`,
  ],
];

export function newerSchemaError(found: number, location: string): StoreError {
  return new StoreError(
    `store ${location} was written by a newer apicred (schema version ${found}; this one reads ${SCHEMA_VERSION}); ` +
      `upgrade apicred to use it`,
    "store_newer",
  );
}

/** Whether the schema has been created (column `present`); one statement, whatever is there. */
export const SCHEMA_PRESENT = `SELECT to_regclass('${SCHEMA}.schema_version') IS NOT NULL AS present`;

/** The schema version in the database, 0 when there is none. */
export async function installedVersion(client: Client): Promise<number> {
  // Two statements: one naming a missing table fails at parse time, whatever a CASE around it says.
  const t = await client.query<{ t: string | null }>(`SELECT to_regclass('${SCHEMA}.schema_version')::text AS t`);
  if (t.rows[0]?.t == null) return 0;
  const r = await client.query<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ${SCHEMA}.schema_version`);
  return r.rows[0]?.v ?? 0;
}

/**
 * Brings the schema up to SCHEMA_VERSION; call inside a transaction holding the store's advisory lock.
 * A schema newer than this program is exit 5: it may hold what this one would silently drop.
 */
export async function migrate(client: Client, location: string): Promise<void> {
  const found = await installedVersion(client);
  if (found > SCHEMA_VERSION) throw newerSchemaError(found, location);
  for (let v = found + 1; v <= SCHEMA_VERSION; v++) {
    for (const sql of MIGRATIONS[v - 1]!) await client.query(sql);
    await client.query(`INSERT INTO ${SCHEMA}.schema_version (version) VALUES ($1)`, [v]);
  }
}
