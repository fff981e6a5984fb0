// Length limits of every value apicred takes (SPEC "Fail closed": arguments and fields have sane
// length limits), in one table, and the one rule for blank values. Checked before any lookup, so a
// 5 MB argument costs a length comparison, not a "did you mean" over every credential.
import { quote } from "./echo.js";
import { UsageError } from "./errors.js";

/** What a value is: decides its length limit and whether it may be empty. */
export type ValueKind =
  | "name" // admin usernames, role and credential names, action names in `action add`
  | "action" // an action to look up
  | "category"
  | "grant"
  | "credential" // a credential reference: identifier or name
  | "ip" // an address or CIDR range
  | "when" // a date/time or a duration
  | "path" // a file name
  | "description"
  | "note"
  | "other";

/** Maximum length (UTF-16 units) of each kind of value. */
export const MAX_LENGTH: Readonly<Record<ValueKind, number>> = {
  name: 64, // the name patterns allow 1-64 characters
  action: 100,
  category: 64,
  grant: 128, // "Category:*" with the longest category, with room
  credential: 128, // an identifier is 32; a name at most 64
  ip: 64, // the longest IPv6 text with a prefix is 49 characters
  when: 64,
  path: 4096, // PATH_MAX
  description: 500, // roles and credentials (core/roles.ts MAX_DESCRIPTION)
  note: 200, // allowlist notes (core/allowlist.ts MAX_NOTE_LENGTH)
  other: 1024,
};

/** Free text where "" means "none" (`-d ""` clears a description). Every other kind must not be blank. */
const MAY_BE_EMPTY: ReadonlySet<ValueKind> = new Set(["description", "note"]);


/**
 * The one rule for a value given where one is expected (`where`: "--ip", "<cred>", "line 3: ip"):
 * not empty or blank (unless free text), no surrounding whitespace (nothing is trimmed), not longer
 * than its kind allows. Returns the value unchanged.
 */
export function checkValue(where: string, value: string, kind: ValueKind, allowEmpty = MAY_BE_EMPTY.has(kind)): string {
  const max = MAX_LENGTH[kind];
  if (value.length > max) {
    const hint = kind === "name" ? `: names take 1-64 letters, digits, ".", "_" or "-" ("@" too in usernames)` : "";
    throw new UsageError(`${where}: too long (${value.length} characters; at most ${max})${hint}`, "invalid_input");
  }
  if (allowEmpty) return value;
  if (value === "") throw new UsageError(`${where}: an empty value is not allowed (an unset variable, or a stray comma?)`, "invalid_input");
  if (value.trim() === "") throw new UsageError(`${where}: a blank value is not allowed`, "invalid_input");
  if (value.trim() !== value) {
    throw new UsageError(`${where}: the value has surrounding whitespace; nothing is trimmed, remove it`, "invalid_input");
  }
  return value;
}

/** The longest wait a setting may ask for: a day (Node's timers overflow past ~24.8 days). */
const MAX_SETTING_MS = 86_400_000;

/**
 * A time in milliseconds from the environment ($APICRED_LOCK_TIMEOUT_MS, $APICRED_READ_TIMEOUT_MS,
 * $APICRED_USAGE_FLUSH_MS): undefined when unset. Anything but a whole number from 1 ms to a day,
 * an empty value included, is exit 2: a typo must not quietly mean the default.
 */
export function envMilliseconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined) return undefined;
  const ms = /^[0-9]{1,8}$/.test(text) ? Number(text) : Number.NaN;
  if (!(ms >= 1 && ms <= MAX_SETTING_MS)) {
    throw new UsageError(`$${name} must be a whole number of milliseconds from 1 to ${MAX_SETTING_MS}, not ${quote(text)}`, "invalid_input");
  }
  return ms;
}
