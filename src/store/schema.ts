// Validates a parsed store document, so a hand-edited file with a wrong field type is reported
// (exit 5, naming the field) instead of crashing a command later. A hand edit is read as written or
// not at all: a key the store does not define (`"Disabled": true` must not leave a credential enabled
// while its editor thinks it off), a time Date.parse would read otherwise, and two items one lookup
// would find are refused too. Keys written twice are found against the text (json-members.ts).
import { asciiLower } from "../core/ascii.js";
import { daysInMonth } from "../core/durations.js";
import { quote } from "../core/echo.js";
import { StoreError } from "../core/errors.js";
import { isMaxLifetime } from "../core/policy.js";
import { STORE_VERSION, type StoreDoc } from "../core/types.js";

type Check = (value: unknown) => boolean;

const str: Check = (v) => typeof v === "string";
const bool: Check = (v) => typeof v === "boolean";
const strOrNull: Check = (v) => v === null || typeof v === "string";
/**
 * A point in time as apicred writes it (toISOString), or a date, or a date/time with its zone: what
 * Date.parse reads differently (`1` as 2001, `2026-02-31` as March 3rd, a time without a zone in the
 * server's local time) could make a credential expire later than its editor meant.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;
const time: Check = (v) => {
  const m = typeof v === "string" ? ISO_TIME.exec(v) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
};
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
    previousSecret: (v) => v === null || isObject(v), // its fields: PREVIOUS_SECRET
    rotatedAt: strOrNull,
    // Optional: stores written before `credential disable` existed have no such field (= enabled).
    disabled: (v) => v === undefined || bool(v),
  },
  ipAllowlist: { address: str, note: str, addedAt: str },
};
const PREVIOUS_SECRET: Record<string, Check> = { hash: str, until: time };
const ACCESS_KEY: Record<string, Check> = { hash: str, fingerprint: str, setAt: str };
/** A policy that cannot be read would silently stop being enforced: it must parse, or the store is invalid. */
const POLICY: Record<string, Check> = { maxLifetime: (v) => v === undefined || (typeof v === "string" && isMaxLifetime(v)) };

function fail(file: string, where: string, what: string): never {
  throw new StoreError(
    `store ${file} is invalid: ${where} ${what}; fix the file by hand or restore it from a backup`,
    "store_invalid",
  );
}

/** Checks `value` against `shape` (every key defined, none missing); returns how many keys it has. */
function checkFields(file: string, where: string, value: unknown, shape: Record<string, Check>): number {
  if (!isObject(value)) fail(file, where, "must be an object");
  let known = 0;
  for (const key in shape) {
    const field = value[key];
    if (!shape[key]!(field)) fail(file, `${where}.${key}`, "is missing, has the wrong type, or is not a valid date where one is expected");
    if (field !== undefined) known++;
  }
  // More keys than the shape's present ones: find the one it does not define (the rare, slow path).
  const members = Object.keys(value).length;
  if (members !== known) {
    for (const key in value) {
      if (!Object.hasOwn(shape, key)) fail(file, where, `has an unknown key ${quote(key)} (its keys are ${Object.keys(shape).join(", ")})`);
    }
  }
  return members;
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

/**
 * What identifies an item of each list, as the PostgreSQL schema enforces it: ids exactly, names in
 * any case (as every lookup finds them). A hand edit that repeats one makes a lookup ambiguous (which
 * "ci" does `check ci` mean?), so it is refused rather than resolved by list order.
 */
const UNIQUE: [list: string, field: string, fold: boolean][] = [
  ["admins", "id", false],
  ["admins", "username", true],
  ["actions", "name", true],
  ["roles", "id", false],
  ["roles", "name", true],
  ["credentials", "identifier", false],
  ["credentials", "name", true],
  ["ipAllowlist", "address", false],
];

function refuseRepeats(file: string, doc: Record<string, unknown>): void {
  for (const [list, field, fold] of UNIQUE) {
    const items = doc[list] as Record<string, unknown>[];
    if (items.length < 2) continue;
    const seen = new Map<string, number>();
    for (let i = 0; i < items.length; i++) {
      const value = items[i]![field] as string | null;
      if (value === null) continue; // a credential without a name
      const key = fold ? asciiLower(value) : value;
      const first = seen.get(key);
      if (first !== undefined) {
        fail(file, `${list}[${i}].${field}`, `${quote(value)} repeats ${list}[${first}]'s${fold ? " (in any case)" : ""}, which makes it ambiguous`);
      }
      seen.set(key, i);
    }
  }
}

/** The document's top-level keys, besides HEAD_KEY. */
const TOP: Record<string, true> = { version: true, ...Object.fromEntries(Object.keys(SHAPES).map((k) => [k, true])), accessKey: true, policy: true };

/** A store document checked: the document, the id of its last change, and the members it holds. */
export interface CheckedStore {
  doc: StoreDoc;
  head: string | null;
  /** Object members in the document, HEAD_KEY included: what json-members.ts counts in its text. */
  members: number;
}

export function validateStore(value: unknown, file: string): StoreDoc {
  return checkStore(value, file).doc;
}

/** Validates a parsed store (exit 5 naming the field); takes out its HEAD_KEY. */
export function checkStore(value: unknown, file: string): CheckedStore {
  if (!isObject(value)) fail(file, "the document", "must be a JSON object");
  let members = Object.keys(value).length;
  const head = takeHead(value, file);
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
  for (const key in value) {
    if (!Object.hasOwn(TOP, key)) fail(file, "the document", `has an unknown key ${quote(key)} (its keys are ${[...Object.keys(TOP), HEAD_KEY].join(", ")})`);
  }
  for (const list in SHAPES) {
    const items = value[list];
    if (!Array.isArray(items)) fail(file, list, "must be an array");
    const shape = SHAPES[list]!;
    for (let i = 0; i < items.length; i++) {
      members += checkFields(file, `${list}[${i}]`, items[i], shape);
      const previous = list === "credentials" ? (items[i] as Record<string, unknown>).previousSecret : null;
      if (previous !== null) members += checkFields(file, `${list}[${i}].previousSecret`, previous, PREVIOUS_SECRET);
    }
  }
  if (value.accessKey !== null) members += checkFields(file, "accessKey", value.accessKey, ACCESS_KEY);
  if (value.policy !== undefined) members += checkFields(file, "policy", value.policy, POLICY);
  refuseRepeats(file, value);
  return { doc: value as unknown as StoreDoc, head, members };
}
