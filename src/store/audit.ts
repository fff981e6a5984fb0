// The append-only audit log beside the store: one JSON line per change (time, OS user, command,
// object, change). Callers pass changes that never contain a secret or a hash.
import { appendFileSync } from "node:fs";
import { userInfo } from "node:os";
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
