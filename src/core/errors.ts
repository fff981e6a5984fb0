// One error class per exit code (SPEC.md "Exit codes"). Only src/main.ts turns them into exit codes.
export class AppError extends Error {
  /** The first line of the message, without `details`. */
  readonly headline: string;

  constructor(
    headline: string,
    readonly exitCode: number,
    readonly code: string,
    /**
     * Further lines (e.g. every problem of an apply file), kept apart so the printer escapes each one:
     * a line break inside a quoted value must never start a line of its own.
     */
    readonly details: readonly string[] = [],
  ) {
    super(details.length ? `${headline}\n  ${details.join("\n  ")}` : headline);
    this.name = new.target.name;
    this.headline = headline;
  }
}

/** Exit 2: bad flag, bad value, missing value without a TTY. */
export class UsageError extends AppError {
  constructor(message: string, code = "usage_error", details: readonly string[] = []) {
    super(message, 2, code, details);
  }
}

/** Exit 3: an admin, role, credential, catalog action or IP entry that does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 3, "not_found");
  }
}

/** Exit 4: the thing already exists. */
export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, 4, "conflict");
  }
}

/** Exit 5: the store is missing, unreadable, corrupt, newer, locked too long or unsafe. */
export class StoreError extends AppError {
  constructor(message: string, code = "store_error") {
    super(message, 5, code);
  }
}
