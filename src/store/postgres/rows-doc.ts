// The stored rows (as loadWhole read them, see rows.ts TABLES for the columns) made into the store
// document, in the core's shapes and key order. The rows are then kept as the diff's "before", so
// each is normalised in place to what rows.ts compares: `pos` a number, a JSON-like cell its JSON.
import { StoreError } from "../../core/errors.js";
import { type Credential, STORE_VERSION, type StoreDoc } from "../../core/types.js";
import type { StoredRows } from "./rows.js";

type Row = unknown[];

/** `pos` (bigint, read as a string) as a number, for every row of an ordered table. */
function numberPositions(rows: Row[]): Row[] {
  const last = rows[0] ? rows[0].length - 1 : 0;
  for (const r of rows) r[last] = Number(r[last]);
  return rows;
}

/**
 * Each credential's role ids or IPs from the child rows [identifier, value, pos], which load.ts reads
 * in the credentials' order and then `pos`: one walk along both lists, no map of 100,000 keys.
 */
function attach(rows: Row[], credentials: Credential[], field: "roleIds" | "ips"): void {
  let p = 0;
  for (const c of credentials) {
    const list = c[field];
    while (p < rows.length && rows[p]![0] === c.identifier) list.push(rows[p++]![1] as string);
  }
  // The query asks for exactly that order, and diff.ts counts on it: anything else is not a store
  // this program can change safely.
  if (p !== rows.length) throw new StoreError(`the store's ${field === "ips" ? "credential IPs" : "credential roles"} were not read in order`);
}

export function docOf(stored: StoredRows): StoreDoc {
  const rows = (table: string): Row[] => stored.get(table)!;
  const admins = numberPositions(rows("admins")).map(([id, username, disabled, createdAt]) => ({ id, username, disabled, createdAt }));
  const actions = numberPositions(rows("actions")).map(([name, category, createdAt]) => ({ name, category, createdAt }));
  const roles = numberPositions(rows("roles")).map((r) => {
    const [id, name, description, grants, createdAt] = r;
    r[3] = JSON.stringify(grants);
    return { id, name, description, grants, createdAt };
  });
  const credentials = numberPositions(rows("credentials")).map((r) => {
    const [identifier, name, adminId, description, expiresAt, createdAt, secretHash, previousHash, previousUntil, rotatedAt, disabled] = r;
    const c = {
      identifier, name, adminId, description, roleIds: [], ips: [], expiresAt, createdAt, secretHash,
      previousSecret: previousHash === null ? null : { hash: previousHash, until: previousUntil },
      rotatedAt,
    } as unknown as Credential;
    // The core's stored form: an enabled credential has no `disabled` key.
    if (disabled === true) c.disabled = true;
    return c;
  });
  attach(rows("credential_roles"), credentials, "roleIds");
  attach(rows("credential_ips"), credentials, "ips");
  const ipAllowlist = numberPositions(rows("ip_allowlist")).map(([address, note, addedAt]) => ({ address, note, addedAt }));
  const policy = rows("meta")[0];
  const key = rows("access_key")[0];
  const doc = {
    version: STORE_VERSION, admins, actions, roles, credentials, ipAllowlist,
    accessKey: key ? { hash: key[1], fingerprint: key[2], setAt: key[3] } : null,
  } as unknown as StoreDoc;
  if (policy) {
    doc.policy = policy[1] as StoreDoc["policy"];
    policy[1] = JSON.stringify(policy[1]);
  }
  return doc;
}
