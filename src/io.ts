// Where a run's input and output go (GitHub CLI's iostreams): stdout, stderr, stdin, the
// environment and the working directory. main() takes one; bin/apicred.js passes the real process
// (processIO), tests pass one that captures strings (test/helpers/cli.ts), so a command runs in-process
// exactly as it does in a shell. Nothing below main reaches for process.stdout, process.stdin, fd 0/1,
// process.env or process.cwd() on its own.
import { writeSync } from "node:fs";
import { isatty } from "node:tty";
import type { Prompter } from "./ui/prompts.js";

/** An output stream. */
export interface Sink {
  /** Text, through the stream (the common case). */
  write(text: string): void;
  /**
   * Text written before this returns (the real stdout: straight to fd 1, waiting while a pipe is
   * full): how `check --batch` streams its answers in constant memory, and `export`.
   */
  writeSync(text: string): void;
  readonly isTTY: boolean;
  /** The terminal's width (help wraps to it); undefined when not a terminal. */
  readonly columns?: number;
  /** The terminal's height (the pager's threshold); undefined when not a terminal. */
  readonly rows?: number;
}

/** stdin: the real process's fd 0 (read with its bounds in ui/bounded-read.ts), or bytes given in full. */
export interface Stdin {
  readonly isTTY: boolean;
  /** The whole input, when it does not come from fd 0 (a test). */
  readonly bytes?: Buffer;
}

export interface IO {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly stdin: Stdin;
  readonly env: NodeJS.ProcessEnv;
  /** What relative paths (--store, --file, ...) are resolved against. */
  readonly cwd: string;
  /** How to ask a person; the inquirer prompts when absent (a test brings a scripted one). */
  readonly prompter?: Prompter;
}

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
    // outside command-line.ts, because nothing can be written any more.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return process.stdout;
}

/** Synchronously to fd 1, all of it. */
function writeFd1(text: string): void {
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

/** The real process. Each stream is touched only when used (start-up of `check`). */
export function processIO(): IO {
  return {
    stdout: {
      write: (text) => void stdout().write(text),
      writeSync: writeFd1,
      get isTTY() {
        return Boolean(stdout().isTTY);
      },
      get columns() {
        return stdout().isTTY ? stdout().columns : undefined;
      },
      get rows() {
        return stdout().isTTY ? stdout().rows : undefined;
      },
    },
    stderr: {
      write: (text) => void process.stderr.write(text),
      writeSync: (text) => void process.stderr.write(text),
      get isTTY() {
        return Boolean(process.stderr.isTTY);
      },
      get columns() {
        return process.stderr.isTTY ? process.stderr.columns : undefined;
      },
    },
    stdin: {
      // isatty(0), not process.stdin.isTTY: asking the stream sets it up (~4 ms), `check` never needs it.
      get isTTY() {
        return isatty(0);
      },
    },
    env: process.env,
    get cwd() {
      return process.cwd();
    },
  };
}
