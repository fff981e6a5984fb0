// A cross-process lock beside the store: a file created with O_EXCL holding our pid and host.
// A lock whose process is gone (same host) or that is very old (another host) is taken over under a
// short-lived guard file, so two waiters can never both remove it and both believe they hold it.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { StoreError } from "../core/errors.js";

const FOREIGN_STALE_MS = 60_000; // a lock from another host: assume dead after a minute
const GUARD_STALE_MS = 5_000; // the guard is held for microseconds; older means its owner died
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function tryCreate(path: string, content: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new StoreError(`cannot create lock file ${path}: ${(err as Error).message}`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function isStale(content: string, path: string): boolean {
  const [pidText, host] = content.split("\n");
  const pid = Number(pidText);
  if (host === hostname()) return Number.isInteger(pid) && pid > 0 && !processAlive(pid);
  try {
    return Date.now() - statSync(path).mtimeMs > FOREIGN_STALE_MS;
  } catch {
    return false;
  }
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

/** Waits for the lock up to `timeoutMs`; exit 5 when it cannot be had. */
export function acquireLock(storePath: string, timeoutMs = 10_000): HeldLock {
  const path = `${storePath}.lock`;
  const me = `${process.pid}\n${hostname()}\n${Date.now()}\n`;
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
      throw new StoreError(
        `timed out after ${timeoutMs / 1000}s waiting for the lock ${path} (held by pid ${seen?.split("\n")[0] ?? "?"}); ` +
          `if no apicred is running, remove the lock file`,
        "lock_timeout",
      );
    }
    sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
}
