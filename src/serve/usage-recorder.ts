// Records the last use of each credential off the decision path: a decision only updates a Map
// entry (a number and a string: the ISO time is written at flush, not per decision); a timer hands
// the pending uses to backend.recordUsage at most once per interval, and close() flushes what is
// left. A failed write keeps the uses for the next try and is reported once.
import type { Backend, UsageMap } from "../store/backend.js";

export const DEFAULT_FLUSH_MS = 5000;

/** A use as noted on the decision path: ms since the epoch, not yet an ISO string. */
interface Use {
  at: number;
  ip: string | null;
}

export class UsageRecorder {
  private pending = new Map<string, Use>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private lastError?: string;

  constructor(
    private readonly backend: Backend,
    private readonly intervalMs = DEFAULT_FLUSH_MS,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  /** Called for every decision about an existing credential: O(1), never waits. */
  note(identifier: string, ip: string | null, now: number): void {
    const use = this.pending.get(identifier);
    if (use === undefined) this.pending.set(identifier, { at: now, ip });
    else {
      use.at = now;
      // The same address as last time is the usual case: keep the string already held. Storing each
      // request's fresh copy into this long-lived entry makes old-to-young references that every
      // minor garbage collection must then visit.
      if (use.ip !== ip) use.ip = ip;
    }
    // unref: a pending write never keeps a library user's process alive; close() flushes.
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  /** Writes what is pending (one write at a time; a later call waits for the running one). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const noted = this.pending;
    this.pending = new Map();
    const uses: UsageMap = new Map();
    for (const [id, use] of noted) uses.set(id, { lastUsedAt: new Date(use.at).toISOString(), lastUsedIp: use.ip });
    this.flushing = this.backend.recordUsage(uses).then(
      () => {
        this.lastError = undefined;
      },
      (err: Error) => {
        // Keep them, unless a newer use of the same credential arrived meanwhile.
        for (const [id, use] of noted) if (!this.pending.has(id)) this.pending.set(id, use);
        if (err.message !== this.lastError) this.onError(`cannot record usage: ${err.message}`);
        this.lastError = err.message;
        this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
      },
    );
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
