// Walking the files and folders a user names (`apicred scan PATH...`): store/ is the only layer that
// touches the filesystem. Synchronous on purpose: one read at a time is what a scan of a source tree
// is bound by, and it keeps the order of the report the order of the tree.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export type SkipReason = "git" | "binary" | "too_large" | "symlink" | "special";

export interface TreeVisitor {
  /** A regular file's whole content. */
  file(path: string, bytes: Buffer): void;
  /** Not scanned, and why (folders named .git, binaries, files over the limit, links, devices). */
  skipped(path: string, why: SkipReason): void;
  /** Could not be read (missing, no permission): the caller decides what that means. */
  error(path: string, message: string): void;
}

export interface WalkOptions {
  /** Files larger than this many bytes are skipped without being read. */
  maxBytes: number;
  /** Decides from the first bytes (up to 8 KiB) whether a file is binary (then it is not read on). */
  isBinary: (head: Buffer) => boolean;
  /** What relative paths are read against (the run's cwd); visitors see paths as named. */
  cwd?: string;
}

/** Where `path` is on disk: against options.cwd when one is given. */
function onDisk(path: string, options: WalkOptions): string {
  return options.cwd === undefined ? path : resolve(options.cwd, path);
}

const HEAD = 8192;

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === "ENOENT" ? "no such file or folder" : e.code === "EACCES" ? "permission denied" : (e.code ?? e.message);
}

/** Reads one file: its head first, so a binary or an oversized file costs one small read at most. */
function visitFile(path: string, options: WalkOptions, v: TreeVisitor): void {
  let fd: number;
  try {
    fd = openSync(onDisk(path, options), "r");
  } catch (err) {
    return v.error(path, why(err));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return v.skipped(path, "special");
    if (st.size > options.maxBytes) return v.skipped(path, "too_large");
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < Math.min(HEAD, st.size)) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (options.isBinary(bytes.subarray(0, got))) return v.skipped(path, "binary");
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break; // shrank while being read: scan what was there
      got += n;
    }
    v.file(path, got === st.size ? bytes : bytes.subarray(0, got));
  } catch (err) {
    v.error(path, why(err));
  } finally {
    closeSync(fd);
  }
}

function visitFolder(dir: string, options: WalkOptions, v: TreeVisitor): void {
  let entries;
  try {
    entries = readdirSync(onDisk(dir, options), { withFileTypes: true });
  } catch (err) {
    return v.error(dir, why(err));
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === ".git") v.skipped(path, "git");
      else visitFolder(path, options, v);
    } else if (e.isFile()) visitFile(path, options, v);
    // Links inside a tree are not followed (no loops, no scanning outside it), like ripgrep.
    else if (e.isSymbolicLink()) v.skipped(path, "symlink");
    else v.skipped(path, "special");
  }
}

/** Visits every file under the given paths (a file named directly is read even through a link). */
export function walkFiles(roots: readonly string[], options: WalkOptions, v: TreeVisitor): void {
  for (const root of roots) {
    let st;
    try {
      st = statSync(onDisk(root, options));
    } catch (err) {
      v.error(root, why(err));
      continue;
    }
    if (st.isDirectory()) visitFolder(root, options, v);
    else visitFile(root, options, v);
  }
}
