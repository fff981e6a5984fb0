// The library face of apicred: load a store, decide, reload. `apicred serve` is built on it, and the
// package exports it (`import { loadEngine } from "apicred"`) for deciding in-process. The rules are
// core/decide.ts's, the one engine; this file only keeps a snapshot of the store current:
// - a reload reads the whole store through the storage port (backend.read(), which validates it),
//   builds a new Snapshot and swaps one reference, so a decision sees the old or the new state;
// - a store that cannot be read keeps the last good snapshot serving and marks the engine degraded;
// - watch() reloads on the backend's change events (debounced) and on a 1 s poll of the backend's
//   revision, so a missed event cannot keep a revoked credential alive for long.
import { type Decision, decide as decideWith, Snapshot } from "./core/decide.js";
import type { Backend } from "./store/backend.js";
import { openBackend } from "./store/open.js";
import { type CheckRequest, type ParsedRequest, parseRequest } from "./serve/request.js";
import { nativeSha256 } from "./serve/native-sha256.js";
import { DEFAULT_FLUSH_MS, UsageRecorder } from "./serve/usage-recorder.js";

export type { CheckRequest, ParsedRequest } from "./serve/request.js";
export { parseRequest } from "./serve/request.js";
export type { Decision, Reason, Step, StepName, StepResult } from "./core/decide.js";
export type { Backend, UsageMap, UsageRecord } from "./store/backend.js";
export { AppError, StoreError, UsageError } from "./core/errors.js";

export interface EngineOptions {
  /** Record each decision's use of a credential (time, IP) through the backend. Default true. */
  recordUsage?: boolean;
  /** How often recorded uses are written, at most (ms). Default 5000. */
  usageFlushMs?: number;
  /** Follow the store: reload when it changes (watch events + a poll). Default true. */
  watch?: boolean;
  /** How often the poll looks at the store's revision (ms). Default 1000. */
  pollMs?: number;
  /** Told of problems met in the background (a store that turned invalid, a usage write that failed). */
  onWarning?: (message: string) => void;
  /** Told after every reload that switched the snapshot. */
  onReload?: (info: SnapshotInfo) => void;
}

export interface SnapshotInfo {
  /** Credentials in the snapshot being served. */
  credentials: number;
  /** When that snapshot was loaded (ISO time). */
  loadedAt: string;
  /** False while the store on disk cannot be read or is invalid (the last good snapshot still serves). */
  healthy: boolean;
  /** Why the engine is degraded, or null. */
  error: string | null;
  /** Successful reloads since loading. */
  reloads: number;
}

const DEBOUNCE_MS = 20;
/** Credentials indexed and verified hashes kept (a server decides many times per snapshot); secrets hashed by node:crypto. */
const SNAPSHOT_OPTIONS = { index: true, sha256: nativeSha256, remember: true };

export class Engine {
  private snapshot: Snapshot;
  private loadedAt: number;
  private error: string | null = null;
  private reloads = 0;
  private revision?: string;
  private readonly usage?: UsageRecorder;
  private stopWatch?: () => void;
  private poll?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private running?: Promise<boolean>;
  private again = false;
  private closed = false;

  /** Use loadEngine(). */
  constructor(
    readonly backend: Backend,
    first: Snapshot,
    revision: string | undefined,
    private readonly options: EngineOptions,
    private readonly ownsBackend: boolean,
  ) {
    this.snapshot = first;
    this.revision = revision;
    this.loadedAt = Date.now();
    if (options.recordUsage !== false) {
      this.usage = new UsageRecorder(backend, options.usageFlushMs ?? DEFAULT_FLUSH_MS, (m) => this.warn(m));
    }
    if (options.watch !== false) this.watch();
  }

  /**
   * Decides one request (the batch line shape). Nothing is skipped: no secret is `bad_secret`, no IP
   * is `ip_not_allowed`. A malformed request (unknown key, wrong type, bad IP) throws a UsageError.
   */
  decide(request: CheckRequest, now = Date.now()): Decision {
    return this.decideParsed(parseRequest(request), now);
  }

  /** decide() for a request already checked by parseRequest (serve checks a whole array first). */
  decideParsed(r: ParsedRequest, now = Date.now()): Decision {
    // Spelt out, not spread: `{ ...r }` gave decide() objects of a shape V8 reads ~10× slower (measured).
    const decision = decideWith(this.snapshot, {
      credential: r.credential, action: r.action, ip: r.ip, secret: r.secret, accessKey: r.accessKey, now, complete: true,
    });
    // The credential step passes only for a credential that exists: that is a use to record.
    if (this.usage && decision.steps[0]!.result === "pass") this.usage.note(decision.credential, decision.ip, now);
    return decision;
  }

  /** What is being served. */
  info(): SnapshotInfo {
    return {
      credentials: this.snapshot.doc.credentials.length,
      loadedAt: new Date(this.loadedAt).toISOString(),
      healthy: this.error === null,
      error: this.error,
      reloads: this.reloads,
    };
  }

  /**
   * Reads the store again and switches to it; true when switched. An unreadable or invalid store keeps
   * the current snapshot and marks the engine degraded (reported once per distinct reason).
   */
  reload(): Promise<boolean> {
    if (this.running) {
      this.again = true; // the store may have changed after the running read began
      return this.running;
    }
    this.running = this.readAndSwitch().finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }

  private async readAndSwitch(): Promise<boolean> {
    try {
      // The revision is taken before the read: a change during the read shows up at the next poll.
      const revision = await this.backend.revision?.();
      const next = new Snapshot(await this.backend.read(), SNAPSHOT_OPTIONS);
      next.compileIps();
      this.snapshot = next;
      this.revision = revision;
      this.loadedAt = Date.now();
      this.reloads++;
      if (this.error !== null) this.warn(`the store is valid again; serving ${next.doc.credentials.length} credentials`);
      this.error = null;
      this.options.onReload?.(this.info());
      return true;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.error) this.warn(`the store cannot be loaded, still serving the last good state: ${message}`);
      this.error = message;
      return false;
    }
  }

  private watch(): void {
    const soon = () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload(), DEBOUNCE_MS).unref();
    };
    this.stopWatch = this.backend.watch(soon);
    this.poll = setInterval(() => void this.check(), this.options.pollMs ?? 1000).unref();
  }

  /** The poll: reload when the revision moved (or always, for a backend without revisions). */
  private async check(): Promise<void> {
    if (this.running) return;
    try {
      const revision = await this.backend.revision?.();
      if (revision === undefined || revision !== this.revision) await this.reload();
    } catch (err) {
      this.warn(`cannot look at the store: ${(err as Error).message}`);
    }
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }

  /** Writes the recorded uses now (also done every few seconds and by close()). */
  async flushUsage(): Promise<void> {
    await this.usage?.flush();
  }

  /** Stops following the store, writes recorded uses, and closes a backend the engine opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatch?.();
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    await this.running;
    await this.usage?.close();
    if (this.ownsBackend) await this.backend.close();
  }
}

/**
 * Loads a store (a path or PostgreSQL URL, or a backend you opened) and returns an engine that follows
 * it. A store that cannot be read at load is an error (StoreError), never an empty engine.
 */
export async function loadEngine(source: string | Backend, options: EngineOptions = {}): Promise<Engine> {
  const owns = typeof source === "string";
  const backend = typeof source === "string" ? await openBackend(source) : source;
  try {
    const revision = await backend.revision?.();
    const first = new Snapshot(await backend.read(), SNAPSHOT_OPTIONS);
    first.compileIps();
    return new Engine(backend, first, revision, options, owns);
  } catch (err) {
    if (owns) await backend.close();
    throw err;
  }
}
