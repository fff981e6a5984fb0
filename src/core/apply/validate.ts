// The validator's tools: every problem of the document is collected with its JSON path; nothing throws
// until planApply has seen the whole document, then invalidDocument lists them all (exit 2).
// Strict: unknown keys are errors (a typo must never be ignored), types are checked, values go
// through the same core validators the commands use.
import { looksLikeSecret } from "../secrets.js";
import { quote } from "../echo.js";
import { AppError, UsageError } from "../errors.js";
import { didYouMean } from "../suggest.js";

export type Json = Record<string, unknown>;

export class Problems {
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
      // The core's message alone: a hint for the command line (err.hint) has no place in a file's problems.
      this.add(path, err.message);
      return undefined;
    }
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** An object with only the allowed keys (unknown keys are errors: a typo must never be ignored). */
export function objectAt(p: Problems, path: string, v: unknown, allowed: readonly string[]): Json | undefined {
  if (!isObject(v)) {
    p.add(path, `must be an object, not ${typeName(v)}`);
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) p.add(`${path}.${key}`, `unknown field${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
  }
  return v;
}

export function stringAt(p: Problems, path: string, v: unknown, fallback?: string): string | undefined {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === "string") return v;
  p.add(path, v === undefined ? "is required (a string)" : `must be a string, not ${typeName(v)}`);
  return undefined;
}

/** A string, or null / absent (both mean "none"). */
export function optionalStringAt(p: Problems, path: string, v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  p.add(path, `must be a string or null, not ${typeName(v)}`);
  return undefined;
}

export function stringsAt(p: Problems, path: string, v: unknown): { value: string; path: string }[] | undefined {
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
export function sectionAt(p: Problems, doc: Json, key: string): { value: unknown; path: string }[] | undefined {
  const v = doc[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    p.add(key, `must be an array, not ${typeName(v)}`);
    return [];
  }
  return v.map((value, i) => ({ value, path: `${key}[${i}]` }));
}

// "$schema": where editors find schema/apply.schema.json (`apicred export --schema`); its value is not used.
export const TOP = ["$schema", "version", "admins", "actions", "roles", "credentials", "ipAllowlist", "policy"] as const;
export const ADMIN_FIELDS = ["username", "disabled"];
export const ACTION_FIELDS = ["name", "category"];
export const ROLE_FIELDS = ["name", "description", "grants"];
export const CREDENTIAL_FIELDS = ["name", "identifier", "admin", "description", "roles", "ips", "expiresAt", "disabled"];
export const POLICY_FIELDS = ["maxLifetime"];
export const IP_FIELDS = ["address", "note"];

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/**
 * A value from the document's credentials section, quoted for a message, unless it looks like a
 * secret (apc_…): someone who pasted a secret into the file must not see it echoed into a terminal,
 * a CI log or an error report.
 */
export function quoted(value: string): string {
  return looksLikeSecret(value.trimStart()) ? "(a value that looks like a secret, apc_…, not shown)" : quote(value);
}

export function label(c: { name: string | null; identifier: string | null }): string {
  return c.name ?? c.identifier ?? "(unnamed)";
}

const MAX_LISTED_PROBLEMS = 200;

export function invalidDocument(problems: readonly string[], source: string | undefined): UsageError {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
  const what = source ? `${source}` : "the document";
  return new UsageError(`${what} has ${problems.length} error${problems.length === 1 ? "" : "s"}; nothing was changed:`, "invalid_document", shown);
}
