// The store: one JSON file read and written through lowdb with our adapter. Reads are lock-free (the
// file is only ever replaced by an atomic rename); every change is a locked read-modify-write whose
// audit events are on disk before the store is replaced (store/audit.ts says why and how).
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, realpathSync, type Stats, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { LowSync } from "lowdb";
import { StoreError } from "../core/errors.js";
import type { StoreWarning } from "../core/store-warnings.js";
import { type AuditChange, emptyStore, type Recorder, type StoreDoc } from "../core/types.js";
import { StoreFile } from "./adapter.js";
import { appendAudit, readAudit } from "./audit.js";
import type { AuditRead, LeftoverTemp, UpdateOptions } from "./backend.js";
import { canonicalPath, makeFolder, sameFile, tempFilesOf } from "./files.js";
import { acquireLock } from "./lock.js";
import { auditPathFor, lockPathFor, usagePathFor } from "./paths.js";
import { processAlive } from "./process.js";
import { readOneCredential } from "./read-one.js";

export class Store {
  readonly auditPath: string;
  /** Warnings met while opening (e.g. a store readable by others), for the caller to print. */
  readonly warnings: StoreWarning[] = [];
  private readonly file: StoreFile;
  /** Whether file.head is what the store on disk records (set by any read or write). */
  private headKnown = false;

  constructor(
    readonly path: string,
    /** How long a change waits for another process's lock before giving up (exit 5). */
    private readonly lockTimeoutMs = 10_000,
  ) {
    this.file = new StoreFile(path);
    this.auditPath = auditPathFor(path);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  /** The current document; a missing store is exit 5 (read-only commands never create one). */
  read(): StoreDoc {
    const doc = this.load();
    if (!doc) {
      throw new StoreError(`no store at ${this.path}; run \`apicred init\` or pass --store PATH`, "store_missing");
    }
    return doc;
  }

  /**
   * For a single `check`: the store with only the referenced credential in `credentials` (or none
   * when there is no such credential). Read-only: never pass the result to a write.
   */
  readForCredential(ref: string): StoreDoc {
    this.checkPermissions();
    let fast: StoreDoc | undefined;
    try {
      fast = readOneCredential(this.path, ref);
    } catch {
      fast = undefined; // missing, unreadable or invalid: the full read reports it properly
    }
    return fast ?? this.read();
  }

  /** Like read(), but a missing store reads as empty (for commands that create the store if need be). */
  readOrEmpty(): StoreDoc {
    return this.load() ?? emptyStore();
  }

  /**
   * Locked read-modify-write. `fn` mutates the document and records each change; nothing is written
   * when it throws, or when it records no change and the store already exists. The audit events are
   * appended first: when that fails, the change does not land (exit 5).
   */
  update<T>(options: UpdateOptions, fn: (doc: StoreDoc, record: Recorder, now: string) => T): T {
    const now = (options.now ?? new Date()).toISOString();
    try {
      makeFolder(dirname(this.path), 0o700); // the lock lives beside the store
    } catch (err) {
      throw new StoreError(`cannot create the folder for the store ${this.path}: ${(err as Error).message}`, "store_unwritable");
    }
    const lock = acquireLock(this.path, this.lockTimeoutMs);
    try {
      this.removeDeadTemps();
      const existing = this.load();
      const db = new LowSync<StoreDoc>(this.file, existing ?? emptyStore());
      const changes: AuditChange[] = [];
      const result = fn(db.data, (object, change) => changes.push({ object, change }), now);
      if (changes.length === 0 && existing) return result;
      if (!existing) changes.unshift({ object: `store:${this.path}`, change: { created: true } });
      const mark = { id: randomBytes(8).toString("hex"), parent: this.file.head };
      try {
        this.warn(appendAudit(this.auditPath, options.command, now, changes, mark));
      } catch (err) {
        const why = err instanceof StoreError ? err.message : `cannot append to the audit log ${this.auditPath}: ${(err as Error).message}`;
        throw new StoreError(`${why}; nothing changed (a change that cannot be audited is not made)`, err instanceof StoreError ? err.code : "audit_unwritable");
      }
      this.file.write(db.data, mark.id);
      return result;
    } finally {
      lock.release();
    }
  }

  /** The audit log, without the changes that never landed in this store. */
  readAudit(): AuditRead {
    if (!this.headKnown) this.load();
    const log = readAudit(this.auditPath, this.file.head);
    for (const w of log.warnings) this.warn(w);
    return log;
  }

  /**
   * What `path` is when it is one of the files the store keeps (the store, its audit log, lock or
   * usage file, beside the store as named or as its symlinks resolve), else undefined. Nothing but
   * the store itself may write over them (`export --file` asks this).
   */
  ownFile(path: string): string | undefined {
    const named: [string, (store: string) => string][] = [
      ["the store", (s) => s],
      ["the audit log", auditPathFor],
      ["the lock file", lockPathFor],
      ["the lock guard file", (s) => `${lockPathFor(s)}.guard`],
      ["the usage file", usagePathFor],
    ];
    const stores = [this.path, canonicalPath(this.path)];
    for (const [what, of] of named) {
      if (stores.some((s) => sameFile(path, of(s)))) return what === "the store" ? `the store ${this.path}` : `${what} of the store ${this.path}`;
    }
    return undefined;
  }

  /** Temp files of store writes still on disk (a killed writer's, or one in progress). */
  leftoverTemps(now = Date.now()): LeftoverTemp[] {
    return tempFilesOf(this.path).map((t) => ({ path: t.path, pid: t.pid, alive: processAlive(t.pid), ageMs: now - t.mtimeMs }));
  }

  /** Under the lock: temp files whose writer is gone can only be left by a killed writer. */
  private removeDeadTemps(): void {
    for (const t of tempFilesOf(this.path)) {
      if (processAlive(t.pid)) continue; // reported by `doctor`
      try {
        unlinkSync(t.path);
      } catch {
        // removed meanwhile
      }
    }
  }

  private load(): StoreDoc | null {
    this.checkPermissions();
    const doc = this.file.read(); // null when missing: lowdb's read() would hide that behind the default
    this.headKnown = true;
    return doc;
  }

  private warn(warning: StoreWarning | undefined): void {
    if (warning !== undefined && !this.warnings.some((w) => w.message === warning.message)) this.warnings.push(warning);
  }

  private checkPermissions(): void {
    this.checkFolders();
    let stat: Stats;
    try {
      stat = statSync(this.path);
    } catch {
      return; // missing: reported by the caller that needs it
    }
    // A FIFO or a device would be read without end (or block forever): only a file is a store.
    if (!stat.isFile()) throw new StoreError(`store ${this.path} is not a regular file`, "store_unreadable");
    const mode = stat.mode;
    if (mode & 0o022) {
      throw new StoreError(
        `store ${this.path} is writable by group or others, so anyone could grant themselves access; ` +
          `fix it with: chmod 600 ${this.path}`,
        "store_unsafe",
      );
    }
    if (mode & 0o044) {
      this.warn({ code: "store_readable", object: "store", message: `store ${this.path} is readable by group or others`, fix: `chmod 600 ${this.path}` });
    }
  }

  /**
   * Whoever can write the store's folder can rename another store over it (whatever the file's own
   * mode) or plant its audit log: warned about on every command (the folder of a symlinked store's
   * target too).
   */
  private checkFolders(): void {
    const folders = [dirname(this.path)];
    try {
      if (lstatSync(this.path).isSymbolicLink()) folders.push(dirname(realpathSync(this.path)));
    } catch {
      // missing or a dangling link: its own folder is what there is to check
    }
    for (const dir of folders) {
      let mode: number;
      try {
        mode = statSync(dir).mode;
      } catch {
        continue;
      }
      if (mode & 0o022) {
        this.warn({
          code: "store_folder_writable",
          object: "store",
          message: `the folder ${dir} of store ${this.path} is writable by group or others, so anyone could replace the store`,
          fix: `chmod go-w ${dir}`,
        });
      }
    }
  }
}
