// Secrets and keys come in through files, stdin or the environment — never argv, where they would
// land in shell history and `ps` output.
import { readFileSync } from "node:fs";
import { UsageError } from "../core/errors.js";

/** Reads all of stdin (for `--secret-file -` and friends). */
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
      value = file === "-" ? readStdin() : readFileSync(file, "utf8");
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
