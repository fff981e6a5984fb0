// The JSON file backend of the storage port: the store file (store.ts: lowdb with our adapter, the
// lock, the atomic writer), the audit log beside it (store.audit.jsonl) and the usage file beside it
// (store.usage.json, written only by `serve`). The work is synchronous file I/O; the port is async
// because a database backend is.
import { statSync, watch as watchFolder } from "node:fs";
import { basename, dirname } from "node:path";
import type { StoreWarning } from "../core/store-warnings.js";
import type { Recorder, StoreDoc } from "../core/types.js";
import type { AuditRead, Backend, LeftoverTemp, UpdateOptions, UsageMap } from "./backend.js";
import { Store } from "./store.js";
import { readUsageFile, recordUsageFile } from "./usage-file.js";
import { usagePathFor } from "./paths.js";

export class FileBackend implements Backend {
  readonly store: Store;
  readonly usagePath: string;

  constructor(readonly path: string, lockTimeoutMs?: number) {
    this.store = new Store(path, lockTimeoutMs);
    this.usagePath = usagePathFor(path);
  }

  get location(): string {
    return this.path;
  }

  get auditLocation(): string {
    return this.store.auditPath;
  }

  get warnings(): StoreWarning[] {
    return this.store.warnings;
  }

  async exists(): Promise<boolean> {
    return this.store.exists();
  }

  async read(): Promise<StoreDoc> {
    return this.store.read();
  }

  async readOrEmpty(): Promise<StoreDoc> {
    return this.store.readOrEmpty();
  }

  async readForCredential(ref: string): Promise<StoreDoc> {
    return this.store.readForCredential(ref);
  }

  async update<T>(options: UpdateOptions, fn: (doc: StoreDoc, record: Recorder, now: string) => T): Promise<T> {
    return this.store.update(options, fn);
  }

  async readAudit(): Promise<AuditRead> {
    return this.store.readAudit();
  }

  async readUsage(): Promise<UsageMap> {
    return readUsageFile(this.usagePath);
  }

  async recordUsage(uses: UsageMap): Promise<void> {
    recordUsageFile(this.usagePath, uses);
  }

  /** The store file's identity and times; "missing" when there is none (a restore may be under way). */
  async revision(): Promise<string> {
    try {
      const s = statSync(this.path, { bigint: true });
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code}`;
    }
  }

  /**
   * Watches the folder, not the file: the store is replaced by an atomic rename, so the file's inode
   * changes with every write (and a restore from backup may replace it any way it likes).
   */
  watch(onChange: () => void): () => void {
    const name = basename(this.path);
    const watcher = watchFolder(dirname(this.path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) onChange();
    });
    watcher.on("error", () => onChange()); // the folder went away: let the reader report it
    return () => watcher.close();
  }

  async close(): Promise<void> {}

  ownFile(path: string): string | undefined {
    return this.store.ownFile(path);
  }

  leftoverTemps(): LeftoverTemp[] {
    return this.store.leftoverTemps();
  }
}
