// The append-only audit log beside the store: one JSON line per change (time, OS user, command,
// object, change). Callers pass changes that never contain a secret or a hash.
//
// A change that is in the store must be in the log, so its events are appended (and fsynced) BEFORE
// the store is renamed, and a failed append means the change does not land. A crash between the two
// leaves events of a change that never landed; the log tells them apart like this. Each change has a
// random id; each of its events carries `changeId` and `parentId`, the id of the store state it was
// made on (the store file keeps the id of its last change, see adapter.ts). Writers hold the lock, so
// changes are appended in the order they land. Change G landed exactly when:
// - a later change in the log was made on another state than G's parent (the next writer found G's
//   store, or at least not the one G started from), or
// - G is the last change in the log and the store holds G's id (or a state other than G's parent:
//   replaced by hand since, so G cannot be told apart and is kept).
// A change whose successor was made on G's own parent, or the last one while the store still holds
// its parent, never landed (a writer died or failed between the append and the rename): `audit`
// leaves it out. Events without the two fields (written by an older apicred) are always shown.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, readSync } from "node:fs";
import { userInfo } from "node:os";
import { StoreError } from "../core/errors.js";
import type { StoreWarning } from "../core/store-warnings.js";
import type { AuditChange } from "../core/types.js";
import type { AuditEvent, AuditRead } from "./backend.js";
import { writeAll } from "./files.js";


/** Which change a group of events belongs to, and the store state that change was made on. */
export interface ChangeMark {
  id: string;
  /** null when the store did not exist or did not record its last change (an older apicred). */
  parent: string | null;
}

/** The OS user, for the audit log (both backends). */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}

/**
 * Opens the log without following a symlink (a planted `store.audit.jsonl -> ../victim` must not
 * make apicred append to, or read, another file) and without blocking on a FIFO, and applies the
 * store's rules: a regular file, not writable by group or others (refused), not readable by them
 * (a warning, returned). undefined when it does not exist and `create` is false.
 */
function openLog(path: string, create: boolean): { fd: number; warning?: StoreWarning } | undefined {
  const { O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_RDWR, O_APPEND, O_CREAT } = constants;
  const flags = (create ? O_RDWR | O_APPEND | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK;
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !create) return undefined;
    if (code === "ELOOP") {
      throw new StoreError(
        `the audit log ${path} is a symbolic link; apicred does not follow it (it could point anywhere): replace it with the real file`,
        "audit_unsafe",
      );
    }
    throw err;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new StoreError(`the audit log ${path} is not a regular file`, "audit_unsafe");
    if (stat.mode & 0o022) {
      throw new StoreError(
        `the audit log ${path} is writable by group or others, so anyone could rewrite the history; fix it with: chmod 600 ${path}`,
        "audit_unsafe",
      );
    }
    const warning: StoreWarning | undefined =
      stat.mode & 0o044
        ? { code: "audit_log_readable", object: "audit-log", message: `the audit log ${path} is readable by group or others`, fix: `chmod 600 ${path}` }
        : undefined;
    return { fd, warning };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Appends the events of one change (one write, then fsync: they are on disk before the store is
 * renamed). Returns a warning when the log is readable by others. Throws on any failure: the caller
 * must then not land the change.
 */
export function appendAudit(
  auditPath: string,
  command: string,
  time: string,
  changes: readonly AuditChange[],
  mark: ChangeMark,
): StoreWarning | undefined {
  if (changes.length === 0) return undefined;
  const user = osUser();
  const lines = changes.map((c) =>
    JSON.stringify({ time, user, command, object: c.object, change: c.change, changeId: mark.id, parentId: mark.parent }),
  );
  const { fd, warning } = openLog(auditPath, true)!;
  try {
    // A torn last line (a crash or a full disk mid-append) must not swallow our first event.
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    // One write with O_APPEND (and the store lock held): lines never interleave with another writer's.
    writeAll(fd, Buffer.from(`${torn ? "\n" : ""}${lines.join("\n")}\n`));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return warning;
}


export interface Line {
  event: AuditEvent;
  changeId?: string;
  parentId?: string | null;
}

function parseLine(value: unknown): Line | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  const ok =
    typeof e.time === "string" &&
    typeof e.user === "string" &&
    typeof e.command === "string" &&
    typeof e.object === "string" &&
    typeof e.change === "object" &&
    e.change !== null;
  if (!ok) return undefined;
  const event = { time: e.time, user: e.user, command: e.command, object: e.object, change: e.change } as AuditEvent;
  if (e.changeId === undefined && e.parentId === undefined) return { event }; // an older apicred's event
  if (typeof e.changeId !== "string" || (e.parentId !== null && typeof e.parentId !== "string")) return undefined;
  return { event, changeId: e.changeId, parentId: e.parentId };
}

/**
 * The changes (by id) in `lines` that never landed, by the rule at the top of this file. `head` is
 * the id of the store's last change (null: no store, or it records none).
 */
export function unlandedChanges(lines: readonly Line[], head: string | null): Set<string> {
  const groups: { id: string; parent: string | null }[] = [];
  for (const l of lines) {
    if (l.changeId === undefined) continue;
    if (groups.at(-1)?.id !== l.changeId) groups.push({ id: l.changeId, parent: l.parentId ?? null });
  }
  const out = new Set<string>();
  groups.forEach((g, i) => {
    const next = groups[i + 1];
    const landed = next ? next.parent !== g.parent : head === g.id || head !== g.parent;
    if (!landed) out.add(g.id);
  });
  return out;
}

/**
 * Reads the log; lines that are not a whole event are skipped and reported, never fatal. `head`: the
 * id of the store's last change, to leave out changes that never landed.
 */
export function readAudit(auditPath: string, head: string | null): AuditRead {
  let text: string;
  let opened: ReturnType<typeof openLog>;
  try {
    opened = openLog(auditPath, false);
    if (!opened) return { events: [], skipped: [], exists: false, unlanded: 0, warnings: [] };
    try {
      text = readFileSync(opened.fd, "utf8");
    } finally {
      closeSync(opened.fd);
    }
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot read the audit log ${auditPath}: ${(err as Error).message}`, "audit_unreadable");
  }
  const parsed: Line[] = [];
  const skipped: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    let l: Line | undefined;
    try {
      l = parseLine(JSON.parse(line));
    } catch {
      l = undefined;
    }
    if (l) parsed.push(l);
    else skipped.push(i + 1);
  });
  const unlanded = unlandedChanges(parsed, head);
  const events = parsed.filter((l) => l.changeId === undefined || !unlanded.has(l.changeId)).map((l) => l.event);
  return { events, skipped, exists: true, unlanded: unlanded.size, warnings: opened.warning ? [opened.warning] : [] };
}
