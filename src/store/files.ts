// The files a user names (`--secret-file`, `apply --file`, `export --file`) and the one atomic
// writer shared with the store: store/ is the only layer that touches the filesystem. Errors are
// thrown as they come (NodeJS.ErrnoException); the callers turn them into their own messages.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** A file's whole text (UTF-8). */
export function readTextFile(path: string): string {
  return readFileSync(path, "utf8");
}

/**
 * Where a write to `path` must land: the file a symlink points to, so the link stays a link (also a
 * link whose target does not exist yet: the target is created), else `path` itself.
 */
function writeTarget(path: string): string {
  let at = path;
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    let link: string;
    try {
      link = readlinkSync(at);
    } catch {
      return at; // nothing there (or not a link): the file is created at this path
    }
    at = resolve(dirname(at), link);
  }
  return at;
}

/**
 * Writes a text file atomically: a unique temp file beside the target, created with `mode` (less the
 * umask), fsynced and renamed over it, then the folder fsynced. A reader sees the old file or the new
 * one, never half; a crash leaves the old one. A symlink is followed: the file it points to is
 * replaced. `mode`: 0o600 for the store, 0o644 for an export. On failure the temp file is removed
 * and the error is rethrown.
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const target = writeTarget(path);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw err;
  }
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse to fsync a directory; the rename is still atomic
  }
}
