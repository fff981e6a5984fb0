// The files a user names (`--secret-file`, `apply --file`, `export --file`) and the one atomic
// writer shared with the store: store/ is the only layer that touches the filesystem. Errors are
// thrown as they come (NodeJS.ErrnoException); the callers turn them into their own messages.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The most the store or its usage file may hold: 100,000 credentials take ~35 MB, and a JS string
 * cannot hold much more than 512 MiB, so past this the read would fail anyway, later and less clearly.
 */
export const MAX_STORE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * The whole text (UTF-8) of one of the store's own files, bounded: only a regular file of at most
 * MAX_STORE_FILE_BYTES (a FIFO planted there would block the read forever, a device never end it).
 * Opened without blocking and checked on the open descriptor, so a swap after a check cannot slip in.
 */
export function readTextFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error("it is not a regular file");
    if (stat.size > MAX_STORE_FILE_BYTES) throw new Error(`it is larger than ${MAX_STORE_FILE_BYTES / 1024 / 1024} MiB`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
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
 * The one name a path is known by once every symlink is resolved (in the folders too, and for a file
 * that does not exist yet): two paths that reach the same file give the same string.
 */
export function canonicalPath(path: string): string {
  let target: string;
  try {
    target = writeTarget(resolve(path));
  } catch {
    return resolve(path);
  }
  try {
    return realpathSync(target);
  } catch {
    try {
      return join(realpathSync(dirname(target)), basename(target));
    } catch {
      return target;
    }
  }
}

/** True when `a` and `b` are the same file: the same real path, or (existing) the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (canonicalPath(a) === canonicalPath(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** An error with a code, like the ones node:fs throws (so callers treat them alike). */
function fsError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Writes every byte of `data` at the file's current offset: one writeSync may write less than asked
 * (a full disk, a file-size limit), and what it did not write must not be silently lost.
 */
export function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) {
    const n = writeSync(fd, data, done, data.length - done);
    if (n <= 0) throw fsError(`short write: ${done} of ${data.length} bytes written`, "EIO");
    done += n;
  }
}

/** The temp file name of a write in progress: `.<file>.<pid>.<12 hex>.tmp` beside the file. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Writes a text file atomically: a unique temp file beside the target, created with `mode` (less the
 * umask), written in full (a short write is an error), checked, fsynced and renamed over it, then the
 * folder fsynced. A reader sees the old file or the new one, never half; a failure or a crash leaves
 * the old one byte for byte. A symlink is followed: the file it points to is replaced. `mode`: 0o600
 * for the store, 0o644 for an export. On failure the temp file is removed and the error rethrown.
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const target = writeTarget(path);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const data = Buffer.from(text, "utf8");
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode);
    writeAll(fd, data);
    fsyncSync(fd);
    // What the disk holds now, not what we asked for, is what gets renamed over the old file.
    const size = fstatSync(fd).size;
    if (size !== data.length) throw fsError(`short write: the file has ${size} of ${data.length} bytes`, "EIO");
    const closing = fd;
    fd = undefined;
    closeSync(closing);
    renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw err;
  }
  fsyncDir(dir);
}

export interface TempFile {
  path: string;
  /** The writer that made it (from its name). */
  pid: number;
  mtimeMs: number;
}

/** Temp files of writes to `path` (in the folder of the file it resolves to) that are still there. */
export function tempFilesOf(path: string): TempFile[] {
  let target: string;
  let names: string[];
  try {
    target = writeTarget(path);
    names = readdirSync(dirname(target));
  } catch {
    return [];
  }
  const base = basename(target);
  const out: TempFile[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || m[1] !== base) continue;
    const file = join(dirname(target), name);
    try {
      out.push({ path: file, pid: Number(m[2]), mtimeMs: statSync(file).mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  return out;
}

/**
 * `mkdir -p` with a bound: creates the missing folders of `dir` one by one from the deepest one that
 * exists. Node's recursive mkdir loops forever where mkdir keeps failing with ENOENT (under /proc).
 */
export function makeFolder(dir: string, mode: number): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw fsError(`${at} is not a folder`, "ENOTDIR");
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break; // the root itself is missing: mkdir reports it
    at = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, mode);
    } catch (err) {
      // Made meanwhile by another writer: fine if it is a folder now.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(folder).isDirectory()) throw err;
    }
  }
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
