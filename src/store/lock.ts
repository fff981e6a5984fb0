// A cross-process lock beside the store: a file created with O_EXCL naming its holder (pid, host,
// creation time, the process's start time and a random token). A lock that cannot belong to a live
// apicred is taken over under a short-lived guard file, so two waiters can never both remove it and
// both believe they hold it:
// - content that is not a lock (empty or garbage: a crash between creating and writing it) once it is
//   older than a short grace, because a live creator may be between those two steps;
// - same host: a dead pid, or a live pid whose start time differs (the pid was reused by another
//   process). Where the start time cannot be known (not Linux, or a lock written by an older apicred
//   without it) a live pid is trusted;
// - another host: a lock untouched for a minute.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { StoreError } from "../core/errors.js";
import { writeAll } from "./files.js";
import { lockPathFor } from "./paths.js";
import { processAlive, processStartTime } from "./process.js";

const FOREIGN_STALE_MS = 60_000; // a lock from another host: assume dead after a minute
const GARBAGE_GRACE_MS = 2_000; // a creator writes its lock microseconds after creating it
const GUARD_STALE_MS = 5_000; // the guard is held for microseconds; older means its owner died
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new StoreError(`cannot create lock file ${path}: ${(err as Error).message}`, "store_unwritable");
  }
  try {
    writeAll(fd, Buffer.from(content));
  } catch (err) {
    // A lock we could not fill in would block others until its grace ends: remove it.
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
    throw new StoreError(`cannot write lock file ${path}: ${(err as Error).message}`, "store_unwritable");
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Milliseconds since the file was last written, or undefined when it is gone. */
function age(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

interface Holder {
  pid: number;
  host: string;
  /** The holder's start time; undefined when not known (not Linux, or an older apicred's lock). */
  start?: string;
}

/**
 * `pid\nhost\ncreated-ms\nstart-time|-\ntoken\n`; an older apicred wrote the first three lines only.
 * Anything else is not a lock (undefined).
 */
export function parseLock(content: string): Holder | undefined {
  const lines = content.split("\n");
  const [pidText = "", host = "", created = "", start, token] = lines;
  if (!/^[1-9]\d{0,9}$/.test(pidText) || host === "" || !/^\d+$/.test(created)) return undefined;
  const pid = Number(pidText);
  if (lines.length === 4 && start === "") return { pid, host }; // an older apicred's lock
  if (lines.length !== 6 || lines[5] !== "" || !/^(\d+|-)$/.test(start!) || !/^[0-9a-f]{16,64}$/.test(token!)) return undefined;
  return start === "-" ? { pid, host } : { pid, host, start };
}

function isStale(content: string, path: string): boolean {
  const holder = parseLock(content);
  const ms = age(path);
  if (ms === undefined) return false; // gone: just try again
  if (!holder) return ms > GARBAGE_GRACE_MS;
  if (holder.host !== hostname()) return ms > FOREIGN_STALE_MS;
  if (!processAlive(holder.pid)) return true;
  if (holder.start === undefined) return false;
  const start = processStartTime(holder.pid);
  return start !== undefined && start !== holder.start;
}

/** Removes the lock at `path` if it is still the stale one we saw. */
function takeOver(path: string, seen: string): void {
  const guard = `${path}.guard`;
  if (!tryCreate(guard, `${process.pid}\n${hostname()}\n`)) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // gone already, or someone else cleared it
    }
    return;
  }
  try {
    if (readLock(path) === seen) unlinkSync(path);
  } catch {
    // already removed
  } finally {
    unlinkSync(guard);
  }
}

export interface HeldLock {
  release(): void;
}

/** What our lock file says: unique to this acquisition (the token), so release removes only ours. */
function myLock(): string {
  const start = processStartTime(process.pid) ?? "-";
  return `${process.pid}\n${hostname()}\n${Date.now()}\n${start}\n${randomBytes(8).toString("hex")}\n`;
}

/** Waits for the lock up to `timeoutMs`; exit 5 when it cannot be had. */
export function acquireLock(storePath: string, timeoutMs = 10_000): HeldLock {
  const path = lockPathFor(storePath);
  const me = myLock();
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    if (tryCreate(path, me)) {
      return {
        release() {
          try {
            if (readLock(path) === me) unlinkSync(path);
          } catch {
            // nothing to release
          }
        },
      };
    }
    const seen = readLock(path);
    if (seen !== undefined && isStale(seen, path)) {
      takeOver(path, seen);
      continue;
    }
    if (Date.now() > deadline) {
      const holder = seen === undefined ? undefined : parseLock(seen);
      throw new StoreError(
        `timed out after ${timeoutMs / 1000}s waiting for the lock ${path} (held by ${holder ? `pid ${holder.pid}` : "an unreadable lock"}); ` +
          `if no apicred is running, remove the lock file`,
        "lock_timeout",
      );
    }
    sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}
