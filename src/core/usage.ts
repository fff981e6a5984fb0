// Which credentials are really used: the last use recorded by `serve` and the library (kept beside the
// store, never in it), read against the credentials. Pure.
import type { Credential } from "./types.js";

/** The last use of a credential as the store's usage keeps it (see store/backend.ts UsageRecord). */
export interface LastUse {
  lastUsedAt: string;
  lastUsedIp: string | null;
}

/** `doctor` notes credentials unused this long (and created at least this long ago). */
export const UNUSED_NOTE_MS = 90 * 86_400_000;

/** The fields `credential list|show --json` add: null when never used. */
export function usageFields(usage: ReadonlyMap<string, LastUse>, c: Credential): { lastUsedAt: string | null; lastUsedIp: string | null } {
  const u = usage.get(c.identifier);
  return { lastUsedAt: u?.lastUsedAt ?? null, lastUsedIp: u?.lastUsedIp ?? null };
}

/** Not used within `withinMs` before `now`; a never-used credential counts as unused. */
export function unusedWithin(usage: ReadonlyMap<string, LastUse>, c: Credential, withinMs: number, now: number): boolean {
  const u = usage.get(c.identifier);
  return u === undefined || Date.parse(u.lastUsedAt) < now - withinMs;
}

/**
 * For doctor: unused for UNUSED_NOTE_MS, judged from the last use, else from the creation (a
 * credential made last week and not used yet is not "unused for 90 days").
 */
export function unusedLong(usage: ReadonlyMap<string, LastUse>, c: Credential, now: number): boolean {
  const since = usage.get(c.identifier)?.lastUsedAt ?? c.createdAt;
  return Date.parse(since) < now - UNUSED_NOTE_MS;
}
