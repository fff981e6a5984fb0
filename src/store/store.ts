// The store: one JSON file read and written through lowdb with our adapter. Reads are lock-free (the
// file is only ever replaced by an atomic rename); every change is a locked read-modify-write.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { LowSync } from "lowdb";
import { StoreError } from "../core/errors.js";
import { type AuditChange, emptyStore, type Recorder, type StoreDoc } from "../core/types.js";
import { StoreFile } from "./adapter.js";
import { appendAudit } from "./audit.js";
import { acquireLock } from "./lock.js";
import { auditPathFor } from "./paths.js";
import { readOneCredential } from "./read-one.js";

export interface UpdateOptions {
  /** The command line verb path, e.g. "role create", for the audit log. */
  command: string;
  /** The time stamped on the change (tests pin it). */
  now?: Date;
}

export class Store {
  readonly auditPath: string;
  /** Warnings met while opening (e.g. a store readable by others), for the caller to print. */
  readonly warnings: string[] = [];
  private readonly file: StoreFile;

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
   * when it throws, or when it records no change and the store already exists.
   */
  update<T>(options: UpdateOptions, fn: (doc: StoreDoc, record: Recorder, now: string) => T): T {
    const now = (options.now ?? new Date()).toISOString();
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 }); // the lock lives beside the store
    } catch (err) {
      throw new StoreError(`cannot create the folder for the store ${this.path}: ${(err as Error).message}`, "store_unwritable");
    }
    const lock = acquireLock(this.path, this.lockTimeoutMs);
    try {
      const existing = this.load();
      const db = new LowSync<StoreDoc>(this.file, existing ?? emptyStore());
      const changes: AuditChange[] = [];
      const result = fn(db.data, (object, change) => changes.push({ object, change }), now);
      if (changes.length === 0 && existing) return result;
      if (!existing) changes.unshift({ object: `store:${this.path}`, change: { created: true } });
      db.write();
      try {
        appendAudit(this.auditPath, options.command, now, changes);
      } catch (err) {
        this.warnings.push(`could not append to the audit log ${this.auditPath}: ${(err as Error).message}`);
      }
      return result;
    } finally {
      lock.release();
    }
  }

  private load(): StoreDoc | null {
    this.checkPermissions();
    return this.file.read(); // null when missing: lowdb's read() would hide that behind the default

  }

  private checkPermissions(): void {
    let mode: number;
    try {
      mode = statSync(this.path).mode;
    } catch {
      return; // missing: reported by the caller that needs it
    }
    if (mode & 0o022) {
      throw new StoreError(
        `store ${this.path} is writable by group or others, so anyone could grant themselves access; ` +
          `fix it with: chmod 600 ${this.path}`,
        "store_unsafe",
      );
    }
    const warning = `store ${this.path} is readable by group or others; fix it with: chmod 600 ${this.path}`;
    if (mode & 0o044 && !this.warnings.includes(warning)) this.warnings.push(warning);
  }
}
