// Store-wide policy (SPEC.md "Credential lifecycle"): a maximum credential lifetime. From the moment
// it is set, every credential that is created, edited, rotated or applied must expire no later than
// that long after the change; `doctor` reports the ones that already break it. Pure.
import { isDuration, parseDuration } from "./durations.js";
import { type Hint, UsageError } from "./errors.js";
import type { Credential, Recorder, StoreDoc } from "./types.js";

/** The shortest lifetime worth a policy: anything under an hour is a typo (`1m` meant as a month). */
const MIN_LIFETIME_MS = 3_600_000;

/** The canonical text of a lifetime (`365d`, `1y`), or a UsageError naming `flag`. */
export function canonicalMaxLifetime(text: string, flag = "--max-lifetime"): string {
  const ms = parseDuration(text, flag);
  if (ms < MIN_LIFETIME_MS) {
    throw new UsageError(`${flag}: "${text}" is shorter than an hour; give a lifetime like 90d, 365d or 1y`, "invalid_input");
  }
  return text.trim().toLowerCase();
}

/** Whether stored text is a valid lifetime (the store's schema check). */
export function isMaxLifetime(text: string): boolean {
  if (!isDuration(text)) return false;
  try {
    return parseDuration(text) >= MIN_LIFETIME_MS;
  } catch {
    return false;
  }
}

/**
 * Why a credential with this expiry breaks the policy when changed at `now`, or undefined when it
 * complies (or there is no policy). `maxLifetime` is the policy's text, for the message.
 */
export function lifetimeProblem(expiresAt: string | null, now: number, maxLifetime: string | undefined): string | undefined {
  if (maxLifetime === undefined) return undefined;
  const limit = now + parseDuration(maxLifetime);
  if (expiresAt === null) return `it never expires, but the policy allows at most ${maxLifetime}`;
  if (Date.parse(expiresAt) > limit) {
    return `it expires at ${expiresAt}, later than the policy's maximum lifetime of ${maxLifetime} (${new Date(limit).toISOString()})`;
  }
  return undefined;
}

/**
 * A UsageError (exit 2) when a credential being created, edited or rotated breaks the policy. Its
 * hint says which (the command line suggests a different fix for each: commands/hints.ts).
 */
export function enforceLifetime(
  doc: Pick<StoreDoc, "policy">,
  label: string,
  expiresAt: string | null,
  now: number,
  change: "create" | "edit" | "rotate",
): void {
  const maxLifetime = doc.policy?.maxLifetime;
  const problem = lifetimeProblem(expiresAt, now, maxLifetime);
  if (!problem || maxLifetime === undefined) return;
  const hint: Hint =
    change === "rotate"
      ? { code: "lifetime_on_rotate", params: { credential: label, maxLifetime } }
      : { code: change === "create" ? "lifetime_on_create" : "lifetime_on_edit", params: { maxLifetime } };
  throw new UsageError(`credential ${label}: ${problem}`, "policy_violation", [], hint);
}

/**
 * Credentials that break the policy as it stands. Measured from `now`: one that complied when it was
 * created or edited expires no later than that moment + the lifetime, so never later than now + it.
 */
export function policyViolators(doc: StoreDoc, now: number): { credential: Credential; problem: string }[] {
  const max = doc.policy?.maxLifetime;
  if (max === undefined) return [];
  const out: { credential: Credential; problem: string }[] = [];
  for (const c of doc.credentials) {
    const problem = lifetimeProblem(c.expiresAt, now, max);
    if (problem) out.push({ credential: c, problem });
  }
  return out;
}

/** Sets (a text) or unsets (undefined) the maximum lifetime. Returns whether it changed. */
export function setMaxLifetime(doc: StoreDoc, maxLifetime: string | undefined, record: Recorder): boolean {
  const before = doc.policy?.maxLifetime;
  if (before === maxLifetime) return false;
  if (maxLifetime === undefined) {
    const { maxLifetime: _gone, ...rest } = doc.policy ?? {};
    if (Object.keys(rest).length === 0) delete doc.policy;
    else doc.policy = rest;
  } else {
    doc.policy = { ...doc.policy, maxLifetime };
  }
  record("policy", { maxLifetime: maxLifetime ?? null, previous: before ?? null });
  return true;
}
