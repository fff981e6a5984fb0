// Reading the store: the whole document (for a change, or a command that lists everything) and the
// few rows one decision needs, each in one round trip, in the core's own shapes and key order (a copy
// to a file is then byte-for-byte what the file backend would have written).
// - The whole store is every table's plain rows (one simple-protocol query of several statements, in
//   one snapshot), made into the document here: for 100,000 credentials that is a quarter of the
//   server time of building the document as JSON in the server, and the rows as read are what a
//   change's diff compares against (rows.ts).
// - A decision's rows are ONE statement that builds its small document as JSON in the server.
import { asciiLower } from "../../core/ascii.js";
import { isIdentifier } from "../../core/secrets.js";
import { STORE_VERSION, type StoreDoc } from "../../core/types.js";
import type { Client } from "./pg-impl.js";
import { docOf } from "./rows-doc.js";
import { type StoredRows, TABLES } from "./rows.js";
import { SCHEMA } from "./schema.js";

const S = SCHEMA;

const ADMIN = `json_build_object('id', a.id, 'username', a.username, 'disabled', a.disabled, 'createdAt', a.created_at)`;
const ACTION = `json_build_object('name', x.name, 'category', x.category, 'createdAt', x.created_at)`;
const ROLE = `json_build_object('id', r.id, 'name', r.name, 'description', r.description, 'grants', to_json(r.grants), 'createdAt', r.created_at)`;
const IP = `json_build_object('address', i.address, 'note', i.note, 'addedAt', i.added_at)`;
/** A credential `c`, its role ids from `cr.ids` and IPs from `ci.ips` (json arrays or NULL). */
const CREDENTIAL = `json_build_object(
  'identifier', c.identifier, 'name', c.name, 'adminId', c.admin_id, 'description', c.description,
  'roleIds', coalesce(cr.ids, '[]'::json), 'ips', coalesce(ci.ips, '[]'::json),
  'expiresAt', c.expires_at, 'createdAt', c.created_at, 'secretHash', c.secret_hash,
  'previousSecret', CASE WHEN c.previous_hash IS NULL THEN NULL
    ELSE json_build_object('hash', c.previous_hash, 'until', c.previous_until) END,
  'rotatedAt', c.rotated_at, 'disabled', c.disabled)`;

const list = (obj: string, from: string, order: string) => `coalesce((SELECT json_agg(${obj} ORDER BY ${order}) FROM ${from}), '[]'::json)`;
const ACCESS_KEY = `(SELECT json_build_object('hash', k.hash, 'fingerprint', k.fingerprint, 'setAt', k.set_at) FROM ${S}.access_key k)`;
const STATE = `'schema', (SELECT max(version) FROM ${S}.schema_version),
  'exists', EXISTS (SELECT 1 FROM ${S}.meta WHERE key = 'store')`;

/**
 * One decision's rows: the credential through the primary key (an identifier) or the lower(name)
 * index, its admin, its roles, and the small tables every decision needs (custom actions, the
 * allowlist, the access key). Nothing here scans the credentials.
 */
const ONE = `WITH c AS (
    SELECT * FROM (
      SELECT c.*, 0 AS pri FROM ${S}.credentials c WHERE c.identifier = $1
      UNION ALL
      SELECT c.*, 1 AS pri FROM ${S}.credentials c WHERE lower(c.name) = $2
    ) found ORDER BY pri LIMIT 1)
  SELECT json_build_object(${STATE},
  'credentials', ${list(
    CREDENTIAL,
    `c
      LEFT JOIN LATERAL (SELECT json_agg(role_id ORDER BY pos) AS ids FROM ${S}.credential_roles WHERE identifier = c.identifier) cr ON true
      LEFT JOIN LATERAL (SELECT json_agg(ip ORDER BY pos) AS ips FROM ${S}.credential_ips WHERE identifier = c.identifier) ci ON true`,
    "c.identifier",
  )},
  'admins', ${list(ADMIN, `${S}.admins a WHERE a.id IN (SELECT admin_id FROM c)`, "a.pos")},
  'roles', ${list(ROLE, `${S}.roles r WHERE r.id IN (SELECT role_id FROM ${S}.credential_roles WHERE identifier IN (SELECT identifier FROM c))`, "r.pos")},
  'actions', ${list(ACTION, `${S}.actions x`, "x.pos, x.name")},
  'ipAllowlist', ${list(IP, `${S}.ip_allowlist i`, "i.pos, i.address")},
  'accessKey', ${ACCESS_KEY}
) AS doc`;

/**
 * Every table's rows, in the columns' order; the ordered ones in list order, `pos` last. Without
 * `credentials`, their tables read as empty (shell completion of anything else).
 */
function wholeQuery(credentials: boolean, alone: boolean): string {
  const reads = TABLES.map((t) => {
    const columns = t.columns.map((c) => `t.${c.name}`).join(", ");
    const none = !credentials && (t.children || t.name === "credentials") ? " WHERE false" : "";
    // A credential's rows follow the credentials' order, so the document is made by one walk (rows-doc.ts).
    if (t.children) {
      return `SELECT ${columns} FROM ${S}.${t.name} t JOIN ${S}.credentials c USING (identifier)${none} ORDER BY c.pos, c.identifier, t.pos`;
    }
    const where = t.name === "meta" ? " WHERE key = 'policy'" : none;
    const order = t.ordered ? ` ORDER BY t.pos, t.${t.columns[0]!.name}` : "";
    return `SELECT ${columns} FROM ${S}.${t.name} t${where}${order}`;
  });
  const whole = [
    `SELECT (SELECT max(version) FROM ${S}.schema_version), EXISTS (SELECT 1 FROM ${S}.meta WHERE key = 'store')`,
    ...reads,
  ].join(";\n");
  // Outside a write's transaction, the statements still see one snapshot.
  return alone ? `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n${whole};\nCOMMIT` : whole;
}
const WHOLE = wholeQuery(true, false);
const WHOLE_ALONE = wholeQuery(true, true);
const WITHOUT_CREDENTIALS = wholeQuery(false, true);

export interface Loaded {
  /** The installed schema version (NULL in SQL when the table is empty). */
  schema: number | null;
  exists: boolean;
  doc: StoreDoc;
  /** The rows as read, for a change's diff (empty for a decision's read). */
  stored: StoredRows;
}

/**
 * The whole store. `inTransaction`: the caller's transaction (a write, under the advisory lock)
 * gives the snapshot; otherwise the read opens its own. `credentials` false: none (never for a write).
 */
export async function loadWhole(client: Client, inTransaction = false, credentials = true): Promise<Loaded> {
  let results: { rows: unknown[][] }[];
  const text = inTransaction ? WHOLE : credentials ? WHOLE_ALONE : WITHOUT_CREDENTIALS;
  try {
    results = (await client.query({ text, rowMode: "array" })) as unknown as { rows: unknown[][] }[];
  } catch (err) {
    if (!inTransaction) await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
  if (!inTransaction) results = results.slice(1, -1);
  const [state, ...tables] = results.map((r) => r.rows);
  const stored: StoredRows = new Map(TABLES.map((t, i) => [t.name, tables[i]!]));
  const [schema, exists] = state![0] as [number | null, boolean];
  return { schema, exists, doc: docOf(stored), stored };
}

function loaded(raw: Record<string, unknown>): Loaded {
  const { schema, exists, ...rest } = raw;
  const doc = { version: STORE_VERSION, ...rest } as unknown as StoreDoc;
  // The core's stored forms: an enabled credential has no `disabled` key.
  for (const c of doc.credentials) if (c.disabled !== true) delete c.disabled;
  return { schema: schema as number | null, exists: exists as boolean, doc, stored: new Map() };
}

export async function loadForCredential(client: Client, ref: string): Promise<Loaded> {
  const r = await client.query<{ doc: Record<string, unknown> }>(ONE, [isIdentifier(ref) ? ref : null, asciiLower(ref)]);
  return loaded(r.rows[0]!.doc);
}
