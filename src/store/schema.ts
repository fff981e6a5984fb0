// Validates a parsed store document, so a hand-edited file with a wrong field type is reported
// (exit 5, naming the field) instead of crashing a command later.
import { StoreError } from "../core/errors.js";
import { isMaxLifetime } from "../core/policy.js";
import { STORE_VERSION, type StoreDoc } from "../core/types.js";

type Check = (value: unknown) => boolean;

const str: Check = (v) => typeof v === "string";
const bool: Check = (v) => typeof v === "boolean";
const strOrNull: Check = (v) => v === null || typeof v === "string";
/** An ISO-8601 time: a typo here would make a credential never expire (Date.parse gives NaN). */
const time: Check = (v) => typeof v === "string" && !Number.isNaN(Date.parse(v));
const timeOrNull: Check = (v) => v === null || time(v);
const strArray: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const SHAPES: Record<string, Record<string, Check>> = {
  admins: { id: str, username: str, disabled: bool, createdAt: str },
  actions: { name: str, category: str, createdAt: str },
  roles: { id: str, name: str, description: str, grants: strArray, createdAt: str },
  credentials: {
    identifier: str,
    name: strOrNull,
    adminId: str,
    description: str,
    roleIds: strArray,
    ips: strArray,
    expiresAt: timeOrNull,
    createdAt: str,
    secretHash: str,
    previousSecret: (v) => v === null || (isObject(v) && str(v.hash) && time(v.until)),
    rotatedAt: strOrNull,
    // Optional: stores written before `credential disable` existed have no such field (= enabled).
    disabled: (v) => v === undefined || bool(v),
  },
  ipAllowlist: { address: str, note: str, addedAt: str },
};
const ACCESS_KEY: Record<string, Check> = { hash: str, fingerprint: str, setAt: str };
/** A policy that cannot be read would silently stop being enforced: it must parse, or the store is invalid. */
const POLICY: Record<string, Check> = { maxLifetime: (v) => v === undefined || (typeof v === "string" && isMaxLifetime(v)) };

function fail(file: string, where: string, what: string): never {
  throw new StoreError(
    `store ${file} is invalid: ${where} ${what}; fix the file by hand or restore it from a backup`,
    "store_invalid",
  );
}

function checkFields(file: string, where: string, value: unknown, shape: Record<string, Check>): void {
  if (!isObject(value)) fail(file, where, "must be an object");
  for (const key in shape) {
    if (!shape[key]!(value[key])) fail(file, `${where}.${key}`, "is missing, has the wrong type, or is not a valid date where one is expected");
  }
}

/**
 * The store file's one key outside the document: the id of its last change, which ties it to the
 * audit log (store/audit.ts). Taken out of `value` (so no reader sees it in the document) and
 * returned; null when the file records none (new, or written by an older apicred).
 */
export const HEAD_KEY = "lastChange";

export function takeHead(value: unknown, file: string): string | null {
  if (!isObject(value) || !(HEAD_KEY in value)) return null;
  const head = value[HEAD_KEY];
  if (typeof head !== "string" || !/^[0-9a-f]{16}$/.test(head)) fail(file, HEAD_KEY, "must be a change id (16 hex digits)");
  delete value[HEAD_KEY];
  return head;
}

export function validateStore(value: unknown, file: string): StoreDoc {
  if (!isObject(value)) fail(file, "the document", "must be a JSON object");
  takeHead(value, file);
  const version = value.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    fail(file, "version", "must be a positive integer");
  }
  if (version > STORE_VERSION) {
    throw new StoreError(
      `store ${file} was written by a newer apicred (schema version ${version}; this one reads ${STORE_VERSION}); ` +
        `upgrade apicred to use it`,
      "store_newer",
    );
  }
  for (const list in SHAPES) {
    const items = value[list];
    if (!Array.isArray(items)) fail(file, list, "must be an array");
    const shape = SHAPES[list]!;
    for (let i = 0; i < items.length; i++) checkFields(file, `${list}[${i}]`, items[i], shape);
  }
  if (value.accessKey !== null) checkFields(file, "accessKey", value.accessKey, ACCESS_KEY);
  if (value.policy !== undefined) checkFields(file, "policy", value.policy, POLICY);
  return value as unknown as StoreDoc;
}
