// Reading the store: the whole document (for a change, or a command that lists everything) and the
// few rows one decision needs. Each is ONE statement that builds the document as JSON in the server,
// so a read costs one round trip whatever its size, and comes back in the core's own shapes and key
// order (a copy to a file is then byte-for-byte what the file backend would have written).
import { asciiLower } from "../../core/ascii.js";
import { isIdentifier } from "../../core/secrets.js";
import { STORE_VERSION, type StoreDoc } from "../../core/types.js";
import type { Client } from "./pg-impl.js";
import type { Positions } from "./rows.js";
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

const WHOLE = `SELECT json_build_object(${STATE},
  'admins', ${list(ADMIN, `${S}.admins a`, "a.pos, a.id")},
  'actions', ${list(ACTION, `${S}.actions x`, "x.pos, x.name")},
  'roles', ${list(ROLE, `${S}.roles r`, "r.pos, r.id")},
  'credentials', ${list(
    CREDENTIAL,
    `${S}.credentials c
      LEFT JOIN (SELECT identifier, json_agg(role_id ORDER BY pos) AS ids FROM ${S}.credential_roles GROUP BY identifier) cr USING (identifier)
      LEFT JOIN (SELECT identifier, json_agg(ip ORDER BY pos) AS ips FROM ${S}.credential_ips GROUP BY identifier) ci USING (identifier)`,
    "c.pos, c.identifier",
  )},
  'ipAllowlist', ${list(IP, `${S}.ip_allowlist i`, "i.pos, i.address")},
  'accessKey', ${ACCESS_KEY},
  'policy', (SELECT value FROM ${S}.meta WHERE key = 'policy'),
  'pos', json_build_object(
    'admins', (SELECT coalesce(json_agg(pos ORDER BY pos, id), '[]') FROM ${S}.admins),
    'actions', (SELECT coalesce(json_agg(pos ORDER BY pos, name), '[]') FROM ${S}.actions),
    'roles', (SELECT coalesce(json_agg(pos ORDER BY pos, id), '[]') FROM ${S}.roles),
    'credentials', (SELECT coalesce(json_agg(pos ORDER BY pos, identifier), '[]') FROM ${S}.credentials),
    'ipAllowlist', (SELECT coalesce(json_agg(pos ORDER BY pos, address), '[]') FROM ${S}.ip_allowlist))
) AS doc`;

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

export interface Loaded {
  /** The installed schema version (NULL in SQL when the table is empty). */
  schema: number | null;
  exists: boolean;
  doc: StoreDoc;
  pos: Positions;
}

function loaded(raw: Record<string, unknown>): Loaded {
  const { schema, exists, pos, ...rest } = raw;
  const doc = { version: STORE_VERSION, ...rest } as unknown as StoreDoc;
  // The core's stored forms: an enabled credential has no `disabled` key, no policy no `policy` key.
  for (const c of doc.credentials) if (c.disabled !== true) delete c.disabled;
  if (doc.policy == null) delete doc.policy;
  return { schema: schema as number | null, exists: exists as boolean, doc, pos: (pos ?? {}) as Positions };
}

export async function loadWhole(client: Client): Promise<Loaded> {
  const r = await client.query<{ doc: Record<string, unknown> }>(WHOLE);
  return loaded(r.rows[0]!.doc);
}

export async function loadForCredential(client: Client, ref: string): Promise<Loaded> {
  const r = await client.query<{ doc: Record<string, unknown> }>(ONE, [isIdentifier(ref) ? ref : null, asciiLower(ref)]);
  return loaded(r.rows[0]!.doc);
}
