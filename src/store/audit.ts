// The append-only audit log beside the store: one JSON line per change (time, OS user, command,
// object, change). Callers pass changes that never contain a secret or a hash.
import { appendFileSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { StoreError } from "../core/errors.js";
import type { AuditChange } from "../core/types.js";

export interface AuditEvent extends AuditChange {
  time: string;
  user: string;
  command: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}

export function appendAudit(auditPath: string, command: string, time: string, changes: readonly AuditChange[]): void {
  if (changes.length === 0) return;
  const user = osUser();
  const lines = changes.map((c) => JSON.stringify({ time, user, command, object: c.object, change: c.change }));
  // One write call with O_APPEND: concurrent writers' lines never interleave mid-line.
  appendFileSync(auditPath, `${lines.join("\n")}\n`, { mode: 0o600 });
}

export interface AuditRead {
  events: AuditEvent[];
  /** 1-based numbers of lines that were not a complete event (e.g. a crash mid-append). */
  skipped: number[];
  /** False when there is no log file at all. */
  exists: boolean;
}

function isEvent(value: unknown): value is AuditEvent {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.time === "string" &&
    typeof e.user === "string" &&
    typeof e.command === "string" &&
    typeof e.object === "string" &&
    typeof e.change === "object" &&
    e.change !== null
  );
}

/** Reads the log; lines that are not a whole event are skipped and reported, never fatal. */
export function readAudit(auditPath: string): AuditRead {
  let text: string;
  try {
    text = readFileSync(auditPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { events: [], skipped: [], exists: false };
    throw new StoreError(`cannot read the audit log ${auditPath}: ${(err as Error).message}`, "audit_unreadable");
  }
  const events: AuditEvent[] = [];
  const skipped: number[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line === "") return;
    try {
      const value: unknown = JSON.parse(line);
      if (isEvent(value)) events.push(value);
      else skipped.push(i + 1);
    } catch {
      skipped.push(i + 1);
    }
  });
  return { events, skipped, exists: true };
}
