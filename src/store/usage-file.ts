// The usage file beside a file store: the last use (time, IP) of each credential, by identifier.
// Kept apart from the store so that recording a use never rewrites the configuration, never enters
// export or the audit log, and never contends for the store's lock. Only `serve` writes it.
import { StoreError } from "../core/errors.js";
import type { UsageMap, UsageRecord } from "./backend.js";
import { readTextFile, writeFileAtomic } from "./files.js";
import { membersWritten } from "./json-members.js";
import { acquireLock } from "./lock.js";

const USAGE_VERSION = 1;

function parseUsage(text: string, path: string): UsageMap {
  const bad = (why: string): never => {
    throw new StoreError(`usage file ${path} is invalid (${why}); remove it to start usage afresh`, "usage_corrupt");
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return bad((err as Error).message);
  }
  if (typeof value !== "object" || value === null) return bad("not an object");
  const { version, credentials, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) bad(`unknown key ${JSON.stringify(Object.keys(rest)[0])}`);
  if (version !== USAGE_VERSION) bad(`version ${JSON.stringify(version)}, expected ${USAGE_VERSION}`);
  if (typeof credentials !== "object" || credentials === null || Array.isArray(credentials)) return bad("no credentials object");
  const map: UsageMap = new Map();
  let members = 2; // version, credentials
  for (const [id, raw] of Object.entries(credentials)) {
    const r = raw as Partial<UsageRecord> | null;
    if (
      typeof r !== "object" || r === null || Object.keys(r).some((k) => k !== "lastUsedAt" && k !== "lastUsedIp") ||
      typeof r.lastUsedAt !== "string" || Number.isNaN(Date.parse(r.lastUsedAt)) ||
      !(r.lastUsedIp === null || typeof r.lastUsedIp === "string")
    ) {
      bad(`bad entry for ${id}`);
    }
    map.set(id, { lastUsedAt: r!.lastUsedAt!, lastUsedIp: r!.lastUsedIp ?? null });
    members += 1 + Object.keys(r!).length;
  }
  // JSON.parse keeps the last of two equal keys: a credential's use written twice is not guessed at.
  if (membersWritten(text) !== members) bad("a key appears twice");
  return map;
}

export function readUsageFile(path: string): UsageMap {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new StoreError(`cannot read the usage file ${path}: ${(err as Error).message}`, "usage_unreadable");
  }
  return parseUsage(text, path);
}

/** Adds `uses` to what is stored; a later time wins, so two servers' records merge in any order. */
export function mergeUsage(into: UsageMap, uses: UsageMap): void {
  for (const [id, use] of uses) {
    const old = into.get(id);
    if (!old || old.lastUsedAt < use.lastUsedAt) into.set(id, use);
  }
}

export function recordUsageFile(path: string, uses: UsageMap, lockTimeoutMs?: number): void {
  if (uses.size === 0) return;
  const lock = acquireLock(path, lockTimeoutMs);
  try {
    const stored = readUsageFile(path);
    mergeUsage(stored, uses);
    const credentials: Record<string, UsageRecord> = {};
    for (const [id, use] of stored) credentials[id] = use;
    try {
      writeFileAtomic(path, `${JSON.stringify({ version: USAGE_VERSION, credentials })}\n`, 0o600);
    } catch (err) {
      throw new StoreError(`cannot write the usage file ${path}: ${(err as Error).message}`, "usage_unwritable");
    }
  } finally {
    lock.release();
  }
}
