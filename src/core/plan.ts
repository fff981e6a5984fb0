// Configuration as code (SPEC.md "Export and apply"): the desired-state document, its export from a
// store, and apply's plan. Pure: the command reads the file and runs planApply + applyPlan inside one
// locked store update (or planApply alone for --dry-run).
//
// planApply validates the whole document first and collects EVERY error with its JSON path into one
// UsageError (exit 2), so nothing is written when anything is wrong. The plan is computed against the
// final state: names are unique after every rename, create and (with --prune) removal. A section the
// document leaves out (e.g. no "ipAllowlist" key) is not managed: it is neither changed nor pruned.
// An empty array is managed: with --prune it empties that part of the store.
//
// Bulk: everything is matched through Maps and Sets built once, and new credentials are built with
// core/credentials' newCredentialRecord, so 100,000 credentials cost linear time.
import { addAdmin, removeAdmin, setAdminDisabled, validateUsername } from "./admins.js";
import { addIp, removeIps, setIpNote, validateNote } from "./allowlist.js";
import { buildCatalog, type Catalog, isBuiltinAction, newCustomAction } from "./catalog.js";
import {
  canonicalIps,
  freshIdentifier,
  isExpired,
  newCredentialRecord,
  validateCredentialName,
} from "./credentials.js";
import { addCustomAction, removeCustomAction } from "./custom-actions.js";
import { parseDateTime } from "./durations.js";
import { quote } from "./echo.js";
import { canonicalMaxLifetime, lifetimeProblem, setMaxLifetime } from "./policy.js";
import { AppError, UsageError } from "./errors.js";
import { canonicalGrant, compareGrants, grantInCatalog } from "./grants.js";
import { coverageKey, parseIpOrCidr } from "./ip.js";
import { createRole, deleteRole, validateDescription, validateRoleName } from "./roles.js";
import { isIdentifier, looksLikeSecret } from "./secrets.js";
import { didYouMean } from "./suggest.js";
import type { Admin, Credential, CustomAction, IpEntry, Recorder, Role, StoreDoc } from "./types.js";
import { asciiLower } from "./ascii.js";

export const EXPORT_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// The document

export interface ExportAdmin {
  username: string;
  disabled: boolean;
}
export interface ExportAction {
  name: string;
  category: string;
}
export interface ExportRole {
  name: string;
  description: string;
  grants: string[];
}
export interface ExportCredential {
  name: string | null;
  identifier: string;
  admin: string;
  description: string;
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  /** Only when true (`credential disable`); absent = enabled. */
  disabled?: true;
}
export interface ExportIp {
  address: string;
  note: string;
}
export interface ExportDoc {
  version: typeof EXPORT_VERSION;
  admins: ExportAdmin[];
  actions: ExportAction[];
  roles: ExportRole[];
  credentials: ExportCredential[];
  ipAllowlist: ExportIp[];
  /** Only when a policy is set (`apicred policy`). */
  policy?: { maxLifetime: string };
}

/** Locale-independent ordering (the same bytes on every machine): case-insensitive, then exact. */
function byText(a: string, b: string): number {
  const x = asciiLower(a);
  const y = asciiLower(b);
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The store as a desired-state document: sorted so it diffs cleanly, custom actions only, no secret,
 * hash, access key, id or timestamp. Credentials: named ones by name, then unnamed by identifier.
 */
export function exportDoc(doc: StoreDoc): ExportDoc {
  const admins = new Map(doc.admins.map((a) => [a.id, a]));
  const roles = new Map(doc.roles.map((r) => [r.id, r]));
  const credentials = [...doc.credentials].sort((a, b) => {
    if (a.name !== null && b.name !== null) return byText(a.name, b.name);
    if (a.name !== null) return -1;
    if (b.name !== null) return 1;
    return byText(a.identifier, b.identifier);
  });
  return {
    version: EXPORT_VERSION,
    admins: doc.admins.map((a) => ({ username: a.username, disabled: a.disabled })).sort((a, b) => byText(a.username, b.username)),
    actions: doc.actions.map((a) => ({ name: a.name, category: a.category })).sort((a, b) => byText(a.name, b.name)),
    roles: doc.roles
      .map((r) => ({ name: r.name, description: r.description, grants: [...r.grants].sort(compareGrants) }))
      .sort((a, b) => byText(a.name, b.name)),
    credentials: credentials.map((c) => ({
      name: c.name,
      identifier: c.identifier,
      admin: admins.get(c.adminId)?.username ?? "",
      description: c.description,
      roles: c.roleIds.flatMap((id) => {
        const r = roles.get(id);
        return r ? [r.name] : [];
      }).sort(byText),
      ips: [...c.ips].sort(byText),
      expiresAt: c.expiresAt,
      ...(c.disabled === true ? { disabled: true as const } : {}),
    })),
    ipAllowlist: doc.ipAllowlist.map((e) => ({ address: e.address, note: e.note })).sort((a, b) => byText(a.address, b.address)),
    ...(doc.policy?.maxLifetime !== undefined ? { policy: { maxLifetime: doc.policy.maxLifetime } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The plan

export type ChangeKind = "admin" | "action" | "role" | "credential" | "ip" | "policy";
export type ChangeOp = "create" | "update" | "remove";

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One line of the plan (apply's `changes`). */
export interface Change {
  op: ChangeOp;
  kind: ChangeKind;
  /** Username, action name, role name, credential name (else its identifier), IP address. */
  name: string;
  /** Credentials only: the identifier, or null for one that gets a fresh identifier when applied. */
  identifier?: string | null;
  /** Updates: what changes, from -> to. */
  fields?: FieldChange[];
  /** Removing an admin also removes this many credentials that the document does not keep. */
  credentialsRemoved?: number;
  /** Creating an action: its category. */
  category?: string;
}

export interface PlanOptions {
  /** Remove what the document's sections do not list. */
  prune: boolean;
  /** What the document is called in messages (the file name). */
  source?: string;
}

interface WantedAdmin {
  username: string;
  disabled: boolean;
  existing?: Admin;
}
interface WantedAction {
  name: string;
  category: string;
  existing?: CustomAction;
}
interface WantedRole {
  name: string;
  description: string;
  grants: string[];
  existing?: Role;
}
interface WantedCredential {
  name: string | null;
  /** Given in the document (kept when creating), else null (a fresh one). */
  identifier: string | null;
  /** Lower-case username. */
  admin: string;
  description: string;
  /** Lower-case role names, in document order, without duplicates. */
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  disabled: boolean;
  existing?: Credential;
  change?: Change;
}
interface WantedIp {
  address: string;
  note: string;
  existing?: IpEntry;
}

export interface Plan {
  changes: Change[];
  counts: Record<ChangeOp, number>;
  /** Things that will work as written but probably not as meant. */
  warnings: string[];
  /** @internal what applyPlan needs */
  readonly work: Work;
}

interface Work {
  admins: { create: WantedAdmin[]; update: WantedAdmin[]; remove: Admin[] };
  actions: { create: WantedAction[]; update: WantedAction[]; remove: CustomAction[] };
  roles: { create: WantedRole[]; update: WantedRole[]; remove: Role[] };
  credentials: { create: WantedCredential[]; update: WantedCredential[]; remove: Credential[] };
  ips: { create: WantedIp[]; update: WantedIp[]; remove: IpEntry[] };
  /** Set when the document's policy differs from the store's: the new max lifetime (undefined = none). */
  policy?: { maxLifetime: string | undefined };
}

// ---------------------------------------------------------------------------------------------
// Validation helpers: every problem is collected with its path; nothing throws until the end.

type Json = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  /** Runs a core validator; its error message is recorded under `path`. */
  check<T>(path: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      this.add(path, tidy(err.message));
      return undefined;
    }
  }
}

/** Core messages end with a hint for the command line ("; see `apicred action list` …"): drop it. */
function tidy(message: string): string {
  return message.replace(/; see `apicred [^`]*`.*$/, "").replace(/ \(pass --normalize to store that\)/, "");
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** An object with only the allowed keys (unknown keys are errors: a typo must never be ignored). */
function objectAt(p: Problems, path: string, v: unknown, allowed: readonly string[]): Json | undefined {
  if (!isObject(v)) {
    p.add(path, `must be an object, not ${typeName(v)}`);
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) p.add(`${path}.${key}`, `unknown field${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
  }
  return v;
}

function stringAt(p: Problems, path: string, v: unknown, fallback?: string): string | undefined {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === "string") return v;
  p.add(path, v === undefined ? "is required (a string)" : `must be a string, not ${typeName(v)}`);
  return undefined;
}

/** A string, or null / absent (both mean "none"). */
function optionalStringAt(p: Problems, path: string, v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  p.add(path, `must be a string or null, not ${typeName(v)}`);
  return undefined;
}

function stringsAt(p: Problems, path: string, v: unknown): { value: string; path: string }[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    p.add(path, `must be an array of strings, not ${typeName(v)}`);
    return undefined;
  }
  const out: { value: string; path: string }[] = [];
  let ok = true;
  v.forEach((item, i) => {
    if (typeof item === "string") out.push({ value: item, path: `${path}[${i}]` });
    else {
      p.add(`${path}[${i}]`, `must be a string, not ${typeName(item)}`);
      ok = false;
    }
  });
  return ok ? out : undefined;
}

/** A section of the document: undefined when absent (not managed), else its items with paths. */
function sectionAt(p: Problems, doc: Json, key: string): { value: unknown; path: string }[] | undefined {
  const v = doc[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    p.add(key, `must be an array, not ${typeName(v)}`);
    return [];
  }
  return v.map((value, i) => ({ value, path: `${key}[${i}]` }));
}

// "$schema": where editors find schema/apply.schema.json (`apicred export --schema`); its value is not used.
const TOP = ["$schema", "version", "admins", "actions", "roles", "credentials", "ipAllowlist", "policy"] as const;
const ADMIN_FIELDS = ["username", "disabled"];
const ACTION_FIELDS = ["name", "category"];
const ROLE_FIELDS = ["name", "description", "grants"];
const CREDENTIAL_FIELDS = ["name", "identifier", "admin", "description", "roles", "ips", "expiresAt", "disabled"];
const POLICY_FIELDS = ["maxLifetime"];
const IP_FIELDS = ["address", "note"];

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/**
 * A value from the document's credentials section, quoted for a message, unless it looks like a
 * secret (apc_…): someone who pasted a secret into the file must not see it echoed into a terminal,
 * a CI log or an error report.
 */
function quoted(value: string): string {
  return looksLikeSecret(value.trimStart()) ? "(a value that looks like a secret, apc_…, not shown)" : quote(value);
}

function label(c: { name: string | null; identifier: string | null }): string {
  return c.name ?? c.identifier ?? "(unnamed)";
}

// ---------------------------------------------------------------------------------------------

/**
 * Validates `input` (the parsed document) against the store and computes what apply would change.
 * Every error is collected; if there is any, one UsageError (exit 2) lists them all. `now` (ms) is
 * used only for warnings (an expiry in the past).
 */
export function planApply(doc: StoreDoc, input: unknown, options: PlanOptions, now: number): Plan {
  const p = new Problems();
  const prune = options.prune;
  const changes: Change[] = [];
  const warnings: string[] = [];
  const work: Work = {
    admins: { create: [], update: [], remove: [] },
    actions: { create: [], update: [], remove: [] },
    roles: { create: [], update: [], remove: [] },
    credentials: { create: [], update: [], remove: [] },
    ips: { create: [], update: [], remove: [] },
  };

  const top = objectAt(p, "(document)", input, TOP) ?? {};
  if (isObject(input)) {
    if (top.$schema !== undefined && typeof top.$schema !== "string") p.add("$schema", `must be a string, not ${typeName(top.$schema)}`);
    const version = top.version;
    if (version === undefined) p.add("version", `is required (${EXPORT_VERSION})`);
    else if (version !== EXPORT_VERSION) {
      p.add("version", typeof version === "number" && version > EXPORT_VERSION
        ? `${version} was written by a newer apicred; this one reads version ${EXPORT_VERSION}`
        : `must be ${EXPORT_VERSION}`);
    }
  }

  // --- policy (first: it decides which credentials below are acceptable) ------------------------
  let maxLifetime = doc.policy?.maxLifetime;
  if (top.policy !== undefined) {
    const o = objectAt(p, "policy", top.policy, POLICY_FIELDS);
    const text = o === undefined ? undefined : optionalStringAt(p, "policy.maxLifetime", o.maxLifetime);
    if (text !== undefined) {
      const wanted = text === null ? undefined : p.check("policy.maxLifetime", () => canonicalMaxLifetime(text, "maxLifetime"));
      if (text === null || wanted !== undefined) {
        maxLifetime = wanted;
        if (wanted !== doc.policy?.maxLifetime) {
          work.policy = { maxLifetime: wanted };
          changes.push({ op: "update", kind: "policy", name: "maxLifetime", fields: [{ field: "maxLifetime", from: doc.policy?.maxLifetime ?? null, to: wanted ?? null }] });
        }
      }
    }
  }

  // --- admins -------------------------------------------------------------------------------
  const adminSection = sectionAt(p, top, "admins");
  const storeAdmins = new Map(doc.admins.map((a) => [asciiLower(a.username), a]));
  const finalAdmins = new Map<string, WantedAdmin>();
  if (adminSection === undefined) {
    for (const a of doc.admins) finalAdmins.set(asciiLower(a.username), { username: a.username, disabled: a.disabled, existing: a });
  } else {
    const firstPath = new Map<string, string>();
    for (const { value, path } of adminSection) {
      const o = objectAt(p, path, value, ADMIN_FIELDS);
      if (!o) continue;
      const username = stringAt(p, `${path}.username`, o.username);
      const disabled = o.disabled === undefined ? false : o.disabled;
      if (typeof disabled !== "boolean") p.add(`${path}.disabled`, `must be true or false, not ${typeName(disabled)}`);
      if (username === undefined || p.check(`${path}.username`, () => validateUsername(username)) === undefined) continue;
      const key = asciiLower(username);
      const seen = firstPath.get(key);
      if (seen) {
        p.add(`${path}.username`, `${quote(username)} is listed twice (also at ${seen}; usernames ignore case)`);
        continue;
      }
      firstPath.set(key, path);
      finalAdmins.set(key, { username, disabled: disabled === true, existing: storeAdmins.get(key) });
    }
    for (const a of doc.admins) {
      const key = asciiLower(a.username);
      if (finalAdmins.has(key)) continue;
      if (prune) work.admins.remove.push(a);
      else finalAdmins.set(key, { username: a.username, disabled: a.disabled, existing: a });
    }
  }

  // --- actions ------------------------------------------------------------------------------
  const actionSection = sectionAt(p, top, "actions");
  const storeActions = new Map(doc.actions.map((a) => [asciiLower(a.name), a]));
  let finalActions: CustomAction[] = doc.actions;
  if (actionSection !== undefined) {
    const listed = new Map<string, { name: string; category: string; path: string }>();
    for (const { value, path } of actionSection) {
      const o = objectAt(p, path, value, ACTION_FIELDS);
      if (!o) continue;
      const name = stringAt(p, `${path}.name`, o.name);
      const category = stringAt(p, `${path}.category`, o.category);
      if (name === undefined || category === undefined) continue;
      const key = asciiLower(name);
      const seen = listed.get(key);
      if (seen) p.add(`${path}.name`, `${quote(name)} is listed twice (also at ${seen.path}; action names ignore case)`);
      else if (isBuiltinAction(name)) p.add(`${path}.name`, `${name} is a built-in WHMCS action; list only custom actions here`);
      else listed.set(key, { name, category, path });
    }
    const kept: CustomAction[] = [];
    for (const a of doc.actions) {
      if (listed.has(asciiLower(a.name))) continue;
      if (prune) work.actions.remove.push(a);
      else kept.push(a);
    }
    // Validate each against the built-ins and the actions accepted so far (category spelling included).
    const accepted: CustomAction[] = [...kept];
    for (const { name, category, path } of listed.values()) {
      const action = p.check(path, () => newCustomAction(buildCatalog(accepted), name, category, ""));
      if (!action) continue;
      accepted.push(action);
      const existing = storeActions.get(asciiLower(name));
      const wanted: WantedAction = { name: action.name, category: action.category, existing };
      if (!existing) {
        work.actions.create.push(wanted);
        changes.push({ op: "create", kind: "action", name: action.name, category: action.category });
      } else {
        const fields: FieldChange[] = [];
        if (existing.name !== action.name) fields.push({ field: "name", from: existing.name, to: action.name });
        if (existing.category !== action.category) fields.push({ field: "category", from: existing.category, to: action.category });
        if (fields.length) {
          work.actions.update.push(wanted);
          changes.push({ op: "update", kind: "action", name: action.name, fields });
        }
      }
    }
    finalActions = accepted;
  }
  const catalog: Catalog = buildCatalog(finalActions);

  // --- roles --------------------------------------------------------------------------------
  const roleSection = sectionAt(p, top, "roles");
  const storeRoles = new Map(doc.roles.map((r) => [asciiLower(r.name), r]));
  /** lower-case name -> final spelling, for every role that exists after apply */
  const finalRoles = new Map<string, string>();
  if (roleSection === undefined) {
    for (const r of doc.roles) finalRoles.set(asciiLower(r.name), r.name);
  } else {
    const firstPath = new Map<string, string>();
    for (const { value, path } of roleSection) {
      const o = objectAt(p, path, value, ROLE_FIELDS);
      if (!o) continue;
      const name = stringAt(p, `${path}.name`, o.name);
      const description = stringAt(p, `${path}.description`, o.description, "");
      const grantInputs = stringsAt(p, `${path}.grants`, o.grants);
      if (description !== undefined) p.check(`${path}.description`, () => validateDescription(description));
      if (name === undefined || p.check(`${path}.name`, () => validateRoleName(name)) === undefined) continue;
      const key = asciiLower(name);
      const seen = firstPath.get(key);
      if (seen) {
        p.add(`${path}.name`, `${quote(name)} is listed twice (also at ${seen}; role names ignore case)`);
        continue;
      }
      firstPath.set(key, path);
      finalRoles.set(key, name);
      const existing = storeRoles.get(key);
      const grants = new Set<string>();
      for (const g of grantInputs ?? []) {
        // A grant the role already holds that has left the catalog (a removed custom action) is kept
        // as it is, so applying an export of this very store changes nothing; doctor reports it.
        const held = existing?.grants.find((h) => asciiLower(h) === asciiLower(g.value));
        if (held !== undefined && !grantInCatalog(catalog, held)) {
          grants.add(held);
          continue;
        }
        const canonical = p.check(g.path, () => canonicalGrant(catalog, g.value));
        if (canonical !== undefined) grants.add(canonical);
      }
      if (description === undefined || grantInputs === undefined) continue;
      const wanted: WantedRole = { name, description, grants: [...grants].sort(compareGrants), existing };
      if (!existing) {
        work.roles.create.push(wanted);
        changes.push({ op: "create", kind: "role", name });
      } else {
        const fields: FieldChange[] = [];
        if (existing.name !== name) fields.push({ field: "name", from: existing.name, to: name });
        if (existing.description !== description) fields.push({ field: "description", from: existing.description, to: description });
        if (!sameSet(existing.grants, wanted.grants)) fields.push({ field: "grants", from: [...existing.grants], to: wanted.grants });
        if (fields.length) {
          work.roles.update.push(wanted);
          changes.push({ op: "update", kind: "role", name, fields });
        }
      }
    }
    for (const r of doc.roles) {
      const key = asciiLower(r.name);
      if (finalRoles.has(key)) continue;
      if (prune) work.roles.remove.push(r);
      else finalRoles.set(key, r.name);
    }
  }

  // --- credentials --------------------------------------------------------------------------
  const credentialSection = sectionAt(p, top, "credentials");
  const storeById = new Map<string, Credential>();
  const storeByName = new Map<string, Credential>();
  for (const c of doc.credentials) {
    storeById.set(c.identifier, c);
    if (c.name !== null) storeByName.set(asciiLower(c.name), c);
  }
  const roleNameById = new Map(doc.roles.map((r) => [r.id, r.name]));
  const adminById = new Map(doc.admins.map((a) => [a.id, a]));
  const removedAdminIds = new Set(work.admins.remove.map((a) => a.id));
  /** Store credentials the document matched, with the path that matched them. */
  const matched = new Map<Credential, string>();
  if (credentialSection !== undefined) {
    const idPaths = new Map<string, string>();
    const namePaths = new Map<string, string>();
    const wantedList: { w: WantedCredential; path: string }[] = [];
    const finalRoleNames = [...finalRoles.values()];
    const finalAdminNames = [...finalAdmins.values()].map((a) => a.username);
    for (const { value, path } of credentialSection) {
      const o = objectAt(p, path, value, CREDENTIAL_FIELDS);
      if (!o) continue;
      let bad = false;
      const name = optionalStringAt(p, `${path}.name`, o.name);
      if (name === undefined) bad = true;
      else if (name !== null && looksLikeSecret(name.trimStart())) {
        p.add(`${path}.name`, "looks like a secret (apc_…), not a name; a secret never belongs in this file");
        bad = true;
      } else if (name !== null && p.check(`${path}.name`, () => validateCredentialName(name)) === undefined) bad = true;
      const identifier = optionalStringAt(p, `${path}.identifier`, o.identifier);
      if (identifier === undefined) bad = true;
      else if (identifier !== null && !isIdentifier(identifier)) {
        p.add(
          `${path}.identifier`,
          looksLikeSecret(identifier.trimStart())
            ? "looks like a secret (apc_…), not an identifier; a secret never belongs in this file: leave the identifier out to create a new credential"
            : `${quoted(identifier)} is not an identifier (32 letters and digits); leave it out to create a new credential`,
        );
        bad = true;
      }
      const admin = stringAt(p, `${path}.admin`, o.admin);
      if (admin === undefined) bad = true;
      else if (!finalAdmins.has(asciiLower(admin))) {
        const gone = prune && storeAdmins.has(asciiLower(admin)) ? " (it is not in the document's admins, so --prune removes it)" : "";
        p.add(`${path}.admin`, `no admin ${quoted(admin)}${gone}${didYouMean(admin, finalAdminNames)}`);
        bad = true;
      }
      const description = stringAt(p, `${path}.description`, o.description, "");
      if (description === undefined || p.check(`${path}.description`, () => validateDescription(description)) === undefined) bad = true;
      const roleInputs = stringsAt(p, `${path}.roles`, o.roles);
      const roles: string[] = [];
      if (roleInputs === undefined) bad = true;
      for (const r of roleInputs ?? []) {
        const key = asciiLower(r.value);
        if (!finalRoles.has(key)) {
          const gone = prune && storeRoles.has(key) ? " (it is not in the document's roles, so --prune removes it)" : "";
          p.add(r.path, `no role ${quoted(r.value)}${gone}${didYouMean(r.value, finalRoleNames)}`);
          bad = true;
        } else if (!roles.includes(key)) roles.push(key);
      }
      const ipInputs = stringsAt(p, `${path}.ips`, o.ips);
      let ips: string[] = [];
      if (ipInputs === undefined) bad = true;
      else {
        let ipsOk = true;
        for (const ip of ipInputs) if (p.check(ip.path, () => parseIpOrCidr(ip.value)) === undefined) ipsOk = false;
        const all = ipsOk ? p.check(`${path}.ips`, () => canonicalIps(ipInputs.map((i) => i.value))) : undefined;
        if (all === undefined) bad = true;
        else ips = all;
      }
      let expiresAt: string | null = null;
      const expiry = optionalStringAt(p, `${path}.expiresAt`, o.expiresAt);
      if (expiry === undefined) bad = true;
      else if (expiry !== null) {
        const date = p.check(`${path}.expiresAt`, () => parseDateTime(expiry));
        if (date === undefined) bad = true;
        else expiresAt = date.toISOString();
      }
      const disabled = o.disabled === undefined ? false : o.disabled;
      if (typeof disabled !== "boolean") {
        p.add(`${path}.disabled`, `must be true or false, not ${typeName(disabled)}`);
        bad = true;
      }
      if (identifier && isIdentifier(identifier)) {
        const seen = idPaths.get(identifier);
        if (seen) {
          p.add(`${path}.identifier`, `${identifier} is listed twice (also at ${seen})`);
          bad = true;
        } else idPaths.set(identifier, path);
      }
      if (name) {
        const seen = namePaths.get(asciiLower(name));
        if (seen) {
          p.add(`${path}.name`, `${quoted(name)} is listed twice (also at ${seen}; credential names ignore case)`);
          bad = true;
        } else namePaths.set(asciiLower(name), path);
      }
      if (bad) continue;
      if (!name && !identifier) {
        warnings.push(`${path} has neither a name nor an identifier: every apply creates another credential for it (give it a name)`);
      }
      // Matched by identifier, else by name; an identifier not in the store is created with it.
      const existing = identifier ? storeById.get(identifier) : name ? storeByName.get(asciiLower(name)) : undefined;
      if (existing) {
        const other = matched.get(existing);
        if (other) {
          p.add(path, `matches the same credential (${existing.identifier}) as ${other}`);
          continue;
        }
        matched.set(existing, path);
      }
      wantedList.push({
        w: { name: name ?? null, identifier: identifier ?? null, admin: asciiLower(admin!), description: description!, roles, ips, expiresAt, disabled: disabled === true, existing },
        path,
      });
    }
    // Names must be unique after apply: a store credential the document does not list keeps its name
    // (unless --prune removes it, or its admin is removed with it).
    for (const c of doc.credentials) {
      if (matched.has(c)) continue;
      if (prune) {
        work.credentials.remove.push(c);
        continue;
      }
      if (c.name === null || removedAdminIds.has(c.adminId)) continue;
      const path = namePaths.get(asciiLower(c.name));
      if (path) {
        p.add(
          `${path}.name`,
          `"${c.name}" is already the name of credential ${c.identifier}, which this document does not list ` +
            `(add its identifier to update that one, rename one of them, or apply with --prune to replace it)`,
        );
      }
    }
    if (p.list.length === 0) {
      for (const { w, path } of wantedList) {
        const adminName = finalAdmins.get(w.admin)!.username;
        const roleNames = w.roles.map((r) => finalRoles.get(r)!);
        if (!w.existing) {
          const change: Change = { op: "create", kind: "credential", name: label(w), identifier: w.identifier };
          w.change = change;
          work.credentials.create.push(w);
          changes.push(change);
        } else {
          const c = w.existing;
          const fields: FieldChange[] = [];
          if (c.name !== w.name) fields.push({ field: "name", from: c.name, to: w.name });
          const oldAdmin = adminById.get(c.adminId)?.username ?? null;
          if ((oldAdmin === null ? undefined : asciiLower(oldAdmin)) !== w.admin) fields.push({ field: "admin", from: oldAdmin, to: adminName });
          if (c.description !== w.description) fields.push({ field: "description", from: c.description, to: w.description });
          const oldRoles = c.roleIds.flatMap((id) => {
            const n = roleNameById.get(id);
            return n === undefined ? [] : [n];
          });
          if (!sameSet(oldRoles.map((r) => asciiLower(r)), w.roles)) fields.push({ field: "roles", from: oldRoles, to: roleNames });
          if (!sameSet(c.ips, w.ips)) fields.push({ field: "ips", from: [...c.ips], to: w.ips });
          if (c.expiresAt !== w.expiresAt) fields.push({ field: "expiresAt", from: c.expiresAt, to: w.expiresAt });
          if ((c.disabled === true) !== w.disabled) fields.push({ field: "disabled", from: c.disabled === true, to: w.disabled });
          if (fields.length) {
            w.change = { op: "update", kind: "credential", name: label(w), identifier: c.identifier, fields };
            work.credentials.update.push(w);
            changes.push(w.change);
          }
        }
        // The policy holds for what this apply creates or changes, like `credential create|edit`.
        const problem = !w.existing || w.change ? lifetimeProblem(w.expiresAt, now, maxLifetime) : undefined;
        if (problem) p.add(`${path}.expiresAt`, `${problem} (the policy's maxLifetime)`);
        const admin = finalAdmins.get(w.admin)!;
        if (admin.disabled && (!w.existing || w.change)) {
          warnings.push(`credential ${label(w)} belongs to admin ${admin.username}, which is disabled: it is denied until \`apicred admin enable ${admin.username}\``);
        }
        if (w.expiresAt !== null && isExpired({ expiresAt: w.expiresAt }, now) && (!w.existing || w.change)) {
          warnings.push(`credential ${label(w)} expired at ${w.expiresAt}: it is denied`);
        }
      }
      for (const c of work.credentials.remove) {
        changes.push({ op: "remove", kind: "credential", name: c.name ?? c.identifier, identifier: c.identifier });
      }
    }
  }

  // --- IP allowlist -------------------------------------------------------------------------
  const ipSection = sectionAt(p, top, "ipAllowlist");
  if (ipSection !== undefined) {
    const storeIps = new Map(doc.ipAllowlist.map((e) => [coverageKey(e.address), e]));
    const listed = new Map<string, string>();
    for (const { value, path } of ipSection) {
      const o = objectAt(p, path, value, IP_FIELDS);
      if (!o) continue;
      const address = stringAt(p, `${path}.address`, o.address);
      const note = stringAt(p, `${path}.note`, o.note, "");
      if (note !== undefined) p.check(`${path}.note`, () => validateNote(note));
      if (address === undefined) continue;
      const parsed = p.check(`${path}.address`, () => parseIpOrCidr(address));
      if (!parsed || note === undefined) continue;
      const key = coverageKey(parsed.canonical);
      const seen = listed.get(key);
      if (seen) {
        p.add(`${path}.address`, `${parsed.canonical} is listed twice (also at ${seen}, covering the same addresses)`);
        continue;
      }
      listed.set(key, path);
      const existing = storeIps.get(key);
      if (!existing) {
        work.ips.create.push({ address: parsed.canonical, note });
        changes.push({ op: "create", kind: "ip", name: parsed.canonical });
      } else if (existing.note !== note) {
        work.ips.update.push({ address: existing.address, note, existing });
        changes.push({ op: "update", kind: "ip", name: existing.address, fields: [{ field: "note", from: existing.note, to: note }] });
      }
    }
    for (const e of doc.ipAllowlist) {
      if (!listed.has(coverageKey(e.address)) && prune) {
        work.ips.remove.push(e);
        changes.push({ op: "remove", kind: "ip", name: e.address });
      }
    }
  }

  if (p.list.length > 0) throw invalidDocument(p.list, options.source);

  // Admin changes (computed last: how many credentials an admin removal takes with it).
  const adminChanges: Change[] = [];
  for (const a of finalAdmins.values()) {
    if (!a.existing) {
      work.admins.create.push(a);
      adminChanges.push({ op: "create", kind: "admin", name: a.username });
    } else {
      const fields: FieldChange[] = [];
      if (a.existing.username !== a.username) fields.push({ field: "username", from: a.existing.username, to: a.username });
      if (a.existing.disabled !== a.disabled) fields.push({ field: "disabled", from: a.existing.disabled, to: a.disabled });
      if (fields.length) {
        work.admins.update.push(a);
        adminChanges.push({ op: "update", kind: "admin", name: a.username, fields });
      }
    }
  }
  const prunedCredentials = new Set(work.credentials.remove);
  for (const a of work.admins.remove) {
    let n = 0;
    for (const c of doc.credentials) if (c.adminId === a.id && !matched.has(c) && !prunedCredentials.has(c)) n++;
    adminChanges.push({ op: "remove", kind: "admin", name: a.username, credentialsRemoved: n });
  }
  const actionRemoves: Change[] = work.actions.remove.map((a) => ({ op: "remove", kind: "action", name: a.name }));
  const roleRemoves: Change[] = work.roles.remove.map((r) => ({ op: "remove", kind: "role", name: r.name }));
  const ordered = [...changes.filter((c) => c.kind === "policy"), ...adminChanges, ...changes.filter((c) => c.kind === "action"), ...actionRemoves, ...changes.filter((c) => c.kind === "role"), ...roleRemoves, ...changes.filter((c) => c.kind === "credential"), ...changes.filter((c) => c.kind === "ip")];
  const counts: Record<ChangeOp, number> = { create: 0, update: 0, remove: 0 };
  for (const c of ordered) counts[c.op]++;
  return { changes: ordered, counts, warnings, work };
}

const MAX_LISTED_PROBLEMS = 200;

function invalidDocument(problems: readonly string[], source: string | undefined): UsageError {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
  const what = source ? `${source}` : "the document";
  return new UsageError(`${what} has ${problems.length} error${problems.length === 1 ? "" : "s"}; nothing was changed:`, "invalid_document", shown);
}

// ---------------------------------------------------------------------------------------------
// Applying

/** A credential created by apply: its secret is returned once, for the caller to print once. */
export interface CreatedCredential {
  name: string | null;
  identifier: string;
  secret: string;
}

export type Progress = (done: number, total: number) => void;

/**
 * Applies a plan computed by planApply on this same document (call both inside one store update).
 * Records one audit change per object (never a secret or a hash). Fills in the identifiers of the
 * plan's credential creates. Returns the new credentials with their secrets, in document order.
 */
export function applyPlan(doc: StoreDoc, plan: Plan, now: string, record: Recorder, progress?: Progress): CreatedCredential[] {
  const w = plan.work;

  if (w.policy) setMaxLifetime(doc, w.policy.maxLifetime, record);

  // Admins first: credentials may refer to new ones.
  for (const a of w.admins.create) {
    addAdmin(doc, a.username, now, record);
    if (a.disabled) setAdminDisabled(doc, a.username, true, record);
  }
  for (const a of w.admins.update) {
    const admin = a.existing!;
    if (admin.username !== a.username) {
      record(`admin:${a.username}`, { renamedFrom: admin.username });
      admin.username = a.username;
    }
    setAdminDisabled(doc, a.username, a.disabled, record);
  }

  // Actions: removals first, so a new action's category takes the spelling the plan computed.
  for (const a of w.actions.remove) removeCustomAction(doc, a.name, record);
  for (const a of w.actions.update) {
    const action = a.existing!;
    const change: Record<string, unknown> = {};
    if (action.name !== a.name) change.renamedFrom = action.name;
    if (action.category !== a.category) change.category = a.category;
    action.name = a.name;
    action.category = a.category;
    record(`action:${a.name}`, change);
  }
  for (const a of w.actions.create) addCustomAction(doc, a.name, a.category, now, record);

  // Roles, against the final catalog.
  const catalog = buildCatalog(doc.actions);
  for (const r of w.roles.create) createRole(doc, catalog, { name: r.name, description: r.description, grants: r.grants }, now, record);
  for (const r of w.roles.update) {
    const role = r.existing!;
    const change: Record<string, unknown> = {};
    if (role.name !== r.name) {
      change.renamedFrom = role.name;
      change.renamedTo = r.name;
    }
    if (role.description !== r.description) change.description = r.description;
    const added = r.grants.filter((g) => !role.grants.includes(g));
    const removed = role.grants.filter((g) => !r.grants.includes(g));
    if (added.length) change.grantsAdded = added;
    if (removed.length) change.grantsRemoved = removed;
    role.name = r.name;
    role.description = r.description;
    role.grants = r.grants;
    record(`role:${role.name}`, change);
  }

  // Credentials: removals, updates, then the bulk of creates through Maps and a Set built once.
  const adminIds = new Map(doc.admins.map((a) => [asciiLower(a.username), a]));
  const roleIds = new Map(doc.roles.map((r) => [asciiLower(r.name), r]));
  if (w.credentials.remove.length > 0) {
    const gone = new Set(w.credentials.remove);
    doc.credentials = doc.credentials.filter((c) => !gone.has(c));
    for (const c of w.credentials.remove) record(`credential:${c.identifier}`, { deleted: true, name: c.name });
  }
  for (const c of w.credentials.update) {
    const cred = c.existing!;
    const change: Record<string, unknown> = {};
    for (const f of c.change!.fields!) change[f.field] = f.to;
    cred.name = c.name;
    cred.adminId = adminIds.get(c.admin)!.id;
    cred.description = c.description;
    cred.roleIds = c.roles.map((r) => roleIds.get(r)!.id);
    cred.ips = c.ips;
    cred.expiresAt = c.expiresAt;
    if (c.disabled) cred.disabled = true;
    else delete cred.disabled;
    record(`credential:${cred.identifier}`, change);
  }
  const created: CreatedCredential[] = [];
  const total = w.credentials.create.length;
  if (total > 0) {
    const taken = new Set(doc.credentials.map((c) => c.identifier));
    for (const c of w.credentials.create) {
      const admin = adminIds.get(c.admin)!;
      const roles = c.roles.map((r) => roleIds.get(r)!);
      const identifier = c.identifier ?? freshIdentifier((id) => taken.has(id));
      taken.add(identifier);
      const { credential, secret } = newCredentialRecord(
        { identifier, name: c.name, adminId: admin.id, description: c.description, roleIds: roles.map((r) => r.id), ips: c.ips, expiresAt: c.expiresAt },
        now,
      );
      if (c.disabled) credential.disabled = true;
      doc.credentials.push(credential);
      record(`credential:${identifier}`, {
        created: true,
        name: c.name,
        admin: admin.username,
        roles: roles.map((r) => r.name),
        ips: c.ips,
        expiresAt: c.expiresAt,
        ...(c.disabled ? { disabled: true } : {}),
      });
      c.change!.identifier = identifier;
      created.push({ name: c.name, identifier, secret });
      if (progress && created.length % 1000 === 0) progress(created.length, total);
    }
    progress?.(total, total);
  }

  // Removals that cascade: roles (unassigned from the credentials left holding them), then admins
  // (with the credentials the document does not keep).
  for (const r of w.roles.remove) deleteRole(doc, r.name, record);
  for (const a of w.admins.remove) removeAdmin(doc, a.username, record);

  // The allowlist.
  if (w.ips.remove.length > 0) removeIps(doc, w.ips.remove.map((e) => e.address), record);
  for (const e of w.ips.update) setIpNote(doc, e.address, e.note, record);
  for (const e of w.ips.create) addIp(doc, e.address, e.note, false, now, record);
  return created;
}
