// All printing goes through here: results on stdout (JSON, a table on a terminal, tab-separated rows
// when piped), warnings and notices on stderr.
import { writeSync } from "node:fs";
import type { ChalkInstance } from "chalk";
import { AppError } from "../core/errors.js";

let stdoutGuarded = false;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * stdout, set up on first use: merely asking whether it is a terminal creates the stream (a pipe costs
 * a few ms of start-up), which `check -q` never needs.
 */
function stdout(): NodeJS.WriteStream {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    // `apicred … | head` closes the pipe early: the reader's choice, not an error. The one exit
    // outside main.ts, because nothing can be written any more.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return process.stdout;
}

export class Output {
  private chalk?: ChalkInstance;

  constructor(
    readonly json: boolean,
    /** Makes the colours on first use (deciding needs to know whether stdout is a terminal). */
    private readonly makeColours: () => ChalkInstance,
  ) {}

  get c(): ChalkInstance {
    this.chalk ??= this.makeColours();
    return this.chalk;
  }

  get tty(): boolean {
    return Boolean(stdout().isTTY);
  }

  /** One JSON document on stdout. */
  printJson(value: unknown): void {
    stdout().write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Raw text straight to the stdout file descriptor, synchronously: the streaming answer of
   * `check --batch`, which waits here while the reader downstream is behind (constant memory).
   */
  writeSync(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(1, bytes, offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 1); // a non-blocking pipe that is full
        else if (code === "EPIPE") process.exit(process.exitCode ?? 0); // the reader is gone
        else throw err;
      }
    }
  }

  /** A line of human output on stdout. */
  line(text = ""): void {
    stdout().write(`${text}\n`);
  }

  /** Human output, or `data` as JSON under --json. */
  async result(data: unknown, human: () => void | Promise<void>): Promise<void> {
    if (this.json) this.printJson(data);
    else await human();
  }

  /** A table on a terminal; tab-separated rows without header when piped, so cut/awk work. */
  async table(head: string[], rows: string[][]): Promise<void> {
    if (!this.tty) {
      for (const row of rows) this.line(row.map((cell) => cell.replace(/[\t\n]/g, " ")).join("\t"));
      return;
    }
    const { renderTable } = await import("./table-impl.js");
    this.line(renderTable(head.map((h) => this.c.bold(h)), rows));
  }

  /** Progress, notices and confirmations of what was done, in human mode only (stderr). */
  info(text: string): void {
    if (!this.json) process.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    process.stderr.write(`${this.c.yellow("warning:")} ${text}\n`);
  }

  /** The one-time warning printed beside a freshly generated secret or key. */
  secretWarning(what: string): void {
    if (!this.json) {
      this.warn(`this ${what} is shown only once and cannot be recovered; store it now (only its hash is kept)`);
    }
  }

  /** The one-line error (JSON on stderr under --json). */
  error(err: unknown): void {
    const code = err instanceof AppError ? err.code : "internal_error";
    const message = err instanceof Error ? err.message : String(err);
    if (this.json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`${this.c.red("error:")} ${message}\n`);
  }
}
