// Input from the user: stdin (read here, and only here), the environment, and the files a flag names
// (read through store/files.ts, the only file access). Secrets and keys come in through files, stdin
// or the environment — never argv, where they would land in shell history and `ps` output.
import { readFileSync } from "node:fs";
import { isatty } from "node:tty";
import { UsageError } from "../core/errors.js";
import { readTextFile } from "../store/files.js";

/**
 * stdin as blocks of whole lines, each with the number of its first line: how `check --batch`
 * streams its input. Blank lines are kept, so line numbers stay true.
 */
export async function* stdinBlocks(): AsyncGenerator<{ text: string; firstLineNo: number }> {
  let rest = "";
  let lineNo = 1;
  const emit = (text: string) => {
    const block = { text, firstLineNo: lineNo };
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineNo++;
    lineNo++;
    return block;
  };
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    const text = rest + chunk;
    const cut = text.lastIndexOf("\n");
    if (cut < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(cut + 1);
    yield emit(text.slice(0, cut));
  }
  if (rest !== "") yield emit(rest);
}

/** Whether stdin is a terminal (a person typing, who needs to be told how to end the input). */
export function stdinIsTerminal(): boolean {
  return isatty(0);
}

/** Reads all of stdin, to its end (for `--secret-file -`, `apply --file -`, `access-key set --stdin`). */
export function readStdin(): string {
  try {
    return readFileSync(0, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
      throw new UsageError("stdin is not readable right now; pipe the value in", "invalid_input");
    }
    throw err;
  }
}

/**
 * The value of `--<flag> F` (a file, or `-` for stdin), else the environment variable, else undefined.
 * Surrounding whitespace (the newline an editor or `echo` adds) is dropped; an empty value is an error.
 */
export function readSecretInput(flag: string, file: string | undefined, envName: string, env: NodeJS.ProcessEnv): string | undefined {
  let value: string;
  let from: string;
  if (file !== undefined) {
    from = file === "-" ? `${flag} - (stdin)` : `${flag} ${file}`;
    try {
      value = file === "-" ? readStdin() : readTextFile(file);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "invalid_input");
    }
  } else if (env[envName] !== undefined) {
    from = `$${envName}`;
    value = env[envName]!;
  } else {
    return undefined;
  }
  value = value.trim();
  if (value === "") throw new UsageError(`${from} is empty`, "invalid_input");
  return value;
}

// ---------------------------------------------------------------------------------------------
// Configuration files (`apply --file`): they hold no secrets.

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${offset - last}`;
}

/** Reads and parses a JSON file (`-` = stdin). A missing file or bad JSON is a usage error (exit 2). */
export function readJsonFile(flag: string, file: string): unknown {
  let text: string;
  try {
    text = file === "-" ? readStdin() : readTextFile(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? (err as Error).message);
    throw new UsageError(`${flag}: cannot read ${file}: ${why}`, "invalid_input");
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : "";
    throw new UsageError(`${flag}: ${file} is not valid JSON${where}: ${message}`, "invalid_json");
  }
}
