// A progress line on stderr for long bulk work (apply of many credentials): only when stderr is a
// terminal, only once the work has taken more than a moment, and erased when done. Writes to a TTY
// are synchronous, so it updates even while the work keeps the event loop busy.

export interface ProgressLine {
  update(done: number, total: number): void;
  /** Erases the line (if one was shown). */
  end(): void;
}

export function progressLine(
  label: string,
  /** The run's stderr (ctx.io.stderr). */
  stream: { write(text: string): unknown; readonly isTTY?: boolean },
  delayMs = 300,
  clock: () => number = Date.now,
): ProgressLine {
  const start = clock();
  let shown = false;
  return {
    update(done, total) {
      if (!stream.isTTY || clock() - start < delayMs) return;
      shown = true;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      stream.write(`\r${label} ${done.toLocaleString("en")}/${total.toLocaleString("en")} (${pct}%)\u001b[K`);
    },
    end() {
      if (shown) stream.write("\r\u001b[K");
      shown = false;
    },
  };
}
