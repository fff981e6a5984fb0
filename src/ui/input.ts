// Input from the user: stdin, the environment, and the files a flag names. Every read is bounded
// (ui/bounded-read.ts: size, time, kind of file) and decoded as strict UTF-8. Secrets and keys come
// in through files, stdin or the environment — never argv, where they would land in shell history
// and `ps` output.
import { UsageError } from "../core/errors.js";
import { fromLine } from "../core/secrets.js";
import { parseStrictJson, StrictJsonError } from "../core/strict-json.js";
import { decodeUtf8, InvalidUtf8Error } from "../core/utf8.js";
import type { IO } from "../io.js";
import { readBounded, type ReadIO } from "./bounded-read.js";

/** Secret and key files (`--secret-file`, `--access-key-file`, `access-key set --stdin`): a secret is 43 bytes. */
export const MAX_SECRET_FILE_BYTES = 4096;
/** Apply documents: 100,000 credentials export to ~30 MB. */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;
/** One `check --batch` request line (the longest valid one is a few hundred bytes). */
export const MAX_BATCH_LINE_BYTES = 64 * 1024;

/** A block of whole lines of batch input, or one line that is answered with an error. */
export type BatchItem =
  | { text: string; firstLineNo: number }
  | { error: { lineNo: number; code: string; message: string } };

let lineDecoder: InstanceType<typeof TextDecoder> | undefined;

/**
 * stdin as blocks of whole lines, each with the number of its first line: how `check --batch`
 * streams its input. Blank lines are kept, so line numbers stay true. Bounded: a line longer than
 * maxLine bytes is answered with one error item and the rest of it is skipped as it streams by,
 * never buffered; a line that is not valid UTF-8 is an error item naming the byte offset.
 */
export async function* stdinBlocks(stdin: IO["stdin"], maxLine = MAX_BATCH_LINE_BYTES): AsyncGenerator<BatchItem> {
  lineDecoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let lineNo = 1;
  /** The start of the current line, when it began in an earlier chunk. */
  let pending: Buffer[] = [];
  let pendingLength = 0;
  /** The current line is too long: its bytes are dropped up to its newline. */
  let skipping = false;
  const items: BatchItem[] = [];

  /** Whole lines (without their final newline) starting at line `first`: one block, or per-line items. */
  const emitLines = (bytes: Buffer, first: number) => {
    try {
      items.push({ text: lineDecoder!.decode(bytes), firstLineNo: first });
      return;
    } catch {
      // Some line is not UTF-8: answer line by line.
    }
    let n = first;
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      const line = bytes.subarray(start, nl < 0 ? bytes.length : nl);
      try {
        items.push({ text: decodeUtf8(line), firstLineNo: n });
      } catch (err) {
        const at = err instanceof InvalidUtf8Error ? ` (first invalid byte at offset ${err.byteOffset} of the line)` : "";
        items.push({ error: { lineNo: n, code: "invalid_utf8", message: `line ${n}: not valid UTF-8${at}` } });
      }
      if (nl < 0) break;
      start = nl + 1;
      n++;
    }
  };
  const tooLong = (n: number) =>
    items.push({ error: { lineNo: n, code: "line_too_long", message: `line ${n}: longer than ${maxLine} bytes; skipped` } });

  // The real fd 0 as a stream, or the bytes a test gave (one chunk).
  const source = stdin.bytes !== undefined ? [stdin.bytes] : (process.stdin as AsyncIterable<Buffer>);
  for await (const chunk of source) {
    let pos = 0;
    while (pos < chunk.length) {
      if (pendingLength === 0 && !skipping) {
        // At a line start: the run of whole lines inside this chunk, as one block (the common case).
        let runEnd = -1;
        let count = 0;
        for (let s = pos; ; ) {
          const n = chunk.indexOf(10, s);
          if (n < 0 || n - s > maxLine) break;
          runEnd = n;
          count++;
          s = n + 1;
        }
        if (count > 0) {
          emitLines(chunk.subarray(pos, runEnd), lineNo);
          lineNo += count;
          pos = runEnd + 1;
          if (pos >= chunk.length) break;
        }
      }
      // The current line goes on past this chunk, or is too long: kept aside within the limit, or skipped.
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (!skipping) {
        if (pendingLength + (end - pos) > maxLine) {
          tooLong(lineNo);
          skipping = true;
          pending = [];
          pendingLength = 0;
        } else if (end > pos) {
          pending.push(chunk.subarray(pos, end));
          pendingLength += end - pos;
        }
      }
      if (nl < 0) break;
      if (!skipping && pendingLength > 0) emitLines(Buffer.concat(pending, pendingLength), lineNo);
      pending = [];
      pendingLength = 0;
      skipping = false;
      lineNo++;
      pos = nl + 1;
    }
    if (items.length > 0) yield* items.splice(0);
  }
  if (!skipping && pendingLength > 0) emitLines(Buffer.concat(pending, pendingLength), lineNo);
  if (items.length > 0) yield* items.splice(0);
}

/** Whether stdin is a terminal (a person typing, who needs to be told how to end the input). */
export function stdinIsTerminal(io: Pick<IO, "stdin">): boolean {
  return io.stdin.isTTY;
}

/** Bytes as strict UTF-8, or a UsageError naming the byte offset. */
function decodeOrRefuse(what: string, bytes: Buffer): string {
  try {
    return decodeUtf8(bytes);
  } catch (err) {
    if (err instanceof InvalidUtf8Error) {
      throw new UsageError(`${what}: not valid UTF-8 (first invalid byte at offset ${err.byteOffset})`, "invalid_utf8");
    }
    throw err;
  }
}

/**
 * A secret or key from a file (`-` = stdin), for `access-key set --stdin` and the check flags:
 * bounded, strict UTF-8, less one trailing line end (core/secrets.ts fromLine: the one rule).
 */
export async function readSecretText(flag: string, file: string, io: ReadIO): Promise<string> {
  const bytes = await readBounded(flag, file, MAX_SECRET_FILE_BYTES, io);
  return fromLine(decodeOrRefuse(file === "-" ? `${flag} - (stdin)` : `${flag} ${file}`, bytes));
}

/**
 * The value of `--<flag> F` (a file, or `-` for stdin), else the environment variable, else
 * undefined. Compared exactly as given: a file or stdin loses one trailing line end, nothing else is
 * trimmed, and an empty value is a given (wrong) secret, as in `check --batch`.
 */
export async function readSecretInput(
  flag: string,
  file: string | undefined,
  envName: string,
  io: ReadIO,
): Promise<string | undefined> {
  if (file !== undefined) return readSecretText(flag, file, io);
  return io.env[envName];
}

// ---------------------------------------------------------------------------------------------
// Configuration files (`apply --file`): they hold no secrets.

/**
 * Reads and parses a JSON file (`-` = stdin): bounded, strict UTF-8, strict JSON (a duplicate key
 * is an error). A missing file or bad JSON is a usage error (exit 2) that says where.
 */
export async function readJsonFile(flag: string, file: string, io: ReadIO): Promise<unknown> {
  const bytes = await readBounded(flag, file, MAX_JSON_FILE_BYTES, io);
  const shownName = file === "-" ? "stdin" : file;
  let text = decodeOrRefuse(`${flag}: ${shownName}`, bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return parseStrictJson(text);
  } catch (err) {
    if (!(err instanceof StrictJsonError)) throw err;
    const where = `line ${err.line}, column ${err.column} (byte ${err.byteOffset})${err.path === "(document)" ? "" : `, in ${err.path}`}`;
    if (err.problem === "duplicate_key") {
      // Valid to JSON.parse, which would keep the last one silently: never apply a guess.
      throw new UsageError(`${flag}: ${shownName} has a ${err.reason} at ${where}: each key may appear once`, "duplicate_key");
    }
    throw new UsageError(`${flag}: ${shownName} is not valid JSON at ${where}: ${err.reason}`, "invalid_json");
  }
}
