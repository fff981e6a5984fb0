// Bounded reads of the files and streams a user names (`--secret-file`, `--access-key-file`,
// `apply --file`, `-` for stdin). SPEC "Fail closed": a FIFO nobody writes, /dev/zero or a huge file
// must end with exit 2 within seconds, not hang or fill memory. So:
// - only regular files, pipes/FIFOs/sockets and a terminal on stdin are read; a folder or a device
//   (/dev/zero, /dev/null) is refused;
// - at most `maxBytes` are read (a regular file's size is checked first);
// - a pipe or FIFO that stays silent for APICRED_READ_TIMEOUT_MS (default 5000) is given up on. It is
//   opened non-blocking and read through libuv's poller (net.Socket), never by a blocking read on
//   the main thread or in the thread pool, so the process exits as soon as it is done.
// This is the one place outside src/store that opens files by name (test/unit/layering.test.ts).
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { envMilliseconds } from "../core/limits.js";
import type { IO } from "../io.js";

/** What a bounded read needs of the run: stdin, the environment (the time limit), the cwd. */
export type ReadIO = Pick<IO, "stdin" | "env" | "cwd">;

export const DEFAULT_READ_TIMEOUT_MS = 5000;

function readTimeoutMs(env: NodeJS.ProcessEnv): number {
  return envMilliseconds(env, "APICRED_READ_TIMEOUT_MS") ?? DEFAULT_READ_TIMEOUT_MS;
}

function size(n: number): string {
  return n >= 1 << 20 ? `${n / (1 << 20)} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`;
}

/**
 * The bytes of `file` (`-` = stdin), at most `maxBytes` of them. `flag` names the option in
 * messages. Every failure is a UsageError (exit 2) that says what is wrong.
 */
export async function readBounded(flag: string, file: string, maxBytes: number, io: ReadIO): Promise<Buffer> {
  const name = file === "-" ? `${flag} - (stdin)` : `${flag} ${file}`;
  const tooBig = () => new UsageError(`${name}: more than ${size(maxBytes)}; refusing to read it`, "input_too_large");
  const env = io.env;
  let fd: number;
  if (file === "-") {
    // stdin given in full (a run in-process): the same size limit, nothing to wait for.
    const given = io.stdin.bytes;
    if (given !== undefined) {
      if (given.length > maxBytes) throw tooBig();
      return given;
    }
    fd = 0;
  } else {
    try {
      fd = openSync(resolve(io.cwd, file), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? (err as Error).message);
      throw new UsageError(`${flag}: cannot read ${file}: ${why}`, "invalid_input");
    }
  }
  let owned = file !== "-";
  try {
    const st = fstatSync(fd);
    if (st.isFile()) {
      if (st.size > maxBytes) throw tooBig();
      return readRegular(fd, maxBytes, tooBig);
    }
    if (st.isFIFO() || st.isSocket()) {
      owned = false; // the socket closes it
      return await readStream(fd, name, maxBytes, readTimeoutMs(env), tooBig);
    }
    if (st.isDirectory()) throw new UsageError(`${name}: it is a folder, not a file`, "invalid_input");
    if (st.isCharacterDevice() && fd === 0 && (await import("node:tty")).isatty(0)) {
      // A person typing: no time limit (they end with Ctrl-D), but the size limit holds.
      return await readStream(fd, name, maxBytes, 0, tooBig);
    }
    throw new UsageError(`${name}: not a regular file or a pipe (a device?); refusing to read it`, "invalid_input");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${name}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "invalid_input");
  } finally {
    if (owned) closeSync(fd);
  }
}

/** A regular file: read to its end, but never more than maxBytes (it may grow while we read). */
function readRegular(fd: number, maxBytes: number, tooBig: () => UsageError): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > maxBytes) throw tooBig();
  }
  return Buffer.concat(chunks, total);
}

/**
 * A pipe, FIFO, socket or terminal, through libuv's poller: ends at EOF, at maxBytes (an error) or
 * after `idleMs` without data (an error; 0 = no time limit).
 */
async function readStream(fd: number, name: string, maxBytes: number, idleMs: number, tooBig: () => UsageError): Promise<Buffer> {
  const stream =
    fd === 0 ? process.stdin : new (await import("node:net")).Socket({ fd, readable: true, writable: false });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | undefined) => {
      if (timer) clearTimeout(timer);
      stream.removeAllListeners("data");
      stream.removeAllListeners("end");
      stream.removeAllListeners("error");
      if (err) {
        stream.destroy();
        reject(err);
      } else {
        if (fd !== 0) stream.destroy();
        else stream.pause();
        resolve(Buffer.concat(chunks, total));
      }
    };
    const arm = () => {
      if (idleMs <= 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(
        () => finish(new UsageError(`${name}: nothing to read for ${idleMs / 1000} s (a pipe or FIFO nobody writes?); giving up`, "input_timeout")),
        idleMs,
      );
    };
    stream.on("data", (chunk: Buffer | string) => {
      const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += b.length;
      if (total > maxBytes) return finish(tooBig());
      chunks.push(b);
      arm();
    });
    stream.on("end", () => finish(undefined));
    stream.on("error", (err: NodeJS.ErrnoException) =>
      finish(new UsageError(`${name}: cannot read it: ${err.code ?? err.message}`, "invalid_input")),
    );
    arm();
    stream.resume();
  });
}

/**
 * Refuses a stdin that is neither a file, a pipe/FIFO/socket nor a terminal (`check --batch <
 * /dev/zero`): a stream of input must come from something that can end.
 */
export function assertReadableStdin(flag: string, stdin: IO["stdin"]): void {
  if (stdin.bytes !== undefined) return; // given in full: it ends
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return; // no stdin at all: reading it ends at once
  }
  if (st.isFile() || st.isFIFO() || st.isSocket()) return;
  if (st.isCharacterDevice()) {
    if (stdin.isTTY) return;
    throw new UsageError(`${flag}: stdin is a device, not a file or a pipe; refusing to read it`, "invalid_input");
  }
  if (st.isDirectory()) throw new UsageError(`${flag}: stdin is a folder, not a file`, "invalid_input");
}
