// One error class per exit code (SPEC.md "Exit codes"). Only src/main.ts turns them into exit codes.
export class AppError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 2: bad flag, bad value, missing value without a TTY. */
export class UsageError extends AppError {
  constructor(message: string, code = "usage_error") {
    super(message, 2, code);
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
