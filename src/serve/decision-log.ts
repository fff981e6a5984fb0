// --decision-log FILE: one JSON line per decision (time, credential identifier, action, ip, allowed,
// reason) — never a secret, access key or hash. Appended through a stream, so a decision never waits
// for the disk; reopen() (on SIGHUP) starts a new file after logrotate moved the old one away.
import { createWriteStream, type WriteStream } from "node:fs";
import type { Decision } from "../core/decide.js";

export class DecisionLog {
  private stream: WriteStream;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly onError: (message: string) => void,
  ) {
    this.stream = this.open();
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.path, { flags: "a", mode: 0o600 });
    stream.on("error", (err) => {
      if (!this.failed) this.onError(`decision log ${this.path}: ${err.message}`);
      this.failed = true;
    });
    return stream;
  }

  write(decision: Decision, now: number): void {
    // decide() has already replaced a secret pasted as the credential with "apc_…".
    const line = {
      time: new Date(now).toISOString(),
      credential: decision.credential,
      action: decision.action,
      ip: decision.ip,
      allowed: decision.allowed,
      reason: decision.reason,
    };
    this.stream.write(`${JSON.stringify(line)}\n`);
  }

  /** Opens the path again (logrotate's postrotate sends SIGHUP); the old stream finishes its writes. */
  reopen(): void {
    const old = this.stream;
    this.failed = false;
    this.stream = this.open();
    old.end();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
