// The storage port: what commands, `serve` and the library need from a store, whichever backend
// keeps it (a JSON file on one machine, PostgreSQL for a fleet). Async, because a database is.
// Every backend keeps the same guarantees: a change is one serialised read-modify-write that runs a
// pure core mutation on an in-memory document, and lands with its audit events or not at all.
import type { AuditChange, Recorder, StoreDoc } from "../core/types.js";
import type { StoreWarning } from "../core/store-warnings.js";

export interface UpdateOptions {
  /** The command line verb path, e.g. "role create", for the audit log. */
  command: string;
  /** The time stamped on the change (tests pin it). */
  now?: Date;
}

export interface AuditEvent extends AuditChange {
  time: string;
  user: string;
  command: string;
}

export interface AuditRead {
  events: AuditEvent[];
  /** 1-based numbers of lines that were not a complete event (file backend: a torn append). */
  skipped: number[];
  /** False when there is no log at all. */
  exists: boolean;
  /** How many changes in the log never landed in the store (left out of `events`). */
  unlanded: number;
  /** E.g. the log is readable by group or others. */
  warnings: StoreWarning[];
}

/** The last use of one credential, recorded by decisions (never part of the configuration). */
export interface UsageRecord {
  lastUsedAt: string;
  lastUsedIp: string | null;
}

/** Usage by credential identifier. */
export type UsageMap = Map<string, UsageRecord>;

/** A temp file of a file store's write that is still there (for `doctor`). */
export interface LeftoverTemp {
  path: string;
  pid: number;
  alive: boolean;
  ageMs: number;
}

export interface Backend {
  /** What to call the store in messages: a path, or a URL without its password. */
  readonly location: string;
  /** Where the audit log is kept, for messages: a file beside the store, or a table. */
  readonly auditLocation: string;
  /** Warnings met while opening (e.g. a store readable by others), for the caller to print. */
  readonly warnings: StoreWarning[];

  exists(): Promise<boolean>;
  /** The whole document; a missing store is exit 5 (read-only commands never create one). */
  read(): Promise<StoreDoc>;
  /** Like read(), but a missing store reads as empty (for commands that create it if need be). */
  readOrEmpty(): Promise<StoreDoc>;
  /**
   * For one decision: the document with only the referenced credential (by identifier or name) in
   * `credentials`, or none. Read-only: never pass the result to a write.
   */
  readForCredential(ref: string): Promise<StoreDoc>;
  /**
   * A serialised read-modify-write. `fn` mutates the document and records each change; nothing is
   * written when it throws, or when it records no change and the store already exists.
   */
  update<T>(options: UpdateOptions, fn: (doc: StoreDoc, record: Recorder, now: string) => T): Promise<T>;

  readAudit(): Promise<AuditRead>;
  readUsage(): Promise<UsageMap>;
  /** Merges newer uses into the stored usage (an older time never replaces a newer one). */
  recordUsage(uses: UsageMap): Promise<void>;

  /**
   * A cheap token that changes whenever the store may have changed (file: inode, size, times), for a
   * poll that backs up watch(): a missed event must not keep a revoked credential alive. Optional:
   * without it, a poller re-reads the store.
   */
  revision?(): Promise<string>;
  /** Calls `onChange` (debounced by the caller) when the store may have changed; returns a stop function. */
  watch(onChange: () => void): () => void;
  /** Releases connections and watchers. */
  close(): Promise<void>;

  /**
   * Files only: what `path` is, when it is one of the store's own files (the store, its audit log,
   * lock or usage file), which nothing but the store may write (`export --file` refuses them).
   */
  ownFile?(path: string): string | undefined;
  /** Files only: temp files of writes that are still there (`doctor` reports them). */
  leftoverTemps?(): LeftoverTemp[];
}
