// One error class per exit code (SPEC.md "Exit codes"). Only src/main.ts turns them into exit codes.

/**
 * What the command line could suggest after an error, as a code and the values it names. The core
 * knows nothing of flags or commands: it says what went wrong (`message`) and, through a hint, what
 * a fix needs; the command layer words the suggestion (src/commands/hints.ts). apply's validator,
 * the library and the server use the message alone.
 */
export type Hint =
  /** A CIDR range with host bits set; `network` is the range with them cleared (`10.0.0.0/8`). */
  | { readonly code: "cidr_host_bits_set"; readonly params: { readonly network: string } }
  /** A grant naming an action or category the catalog does not have. */
  | { readonly code: "grant_unknown"; readonly params: Record<string, never> }
  /** A pattern grant (`Get*`) that matches no catalog action. */
  | { readonly code: "grant_matches_nothing"; readonly params: Record<string, never> }
  /** An address that is not on a non-empty IP allowlist. */
  | { readonly code: "allowlist_entry_missing"; readonly params: Record<string, never> }
  /** A credential for a disabled admin. */
  | { readonly code: "admin_disabled"; readonly params: { readonly admin: string } }
  /** A credential breaking the policy's maximum lifetime, while it is created, edited or rotated. */
  | { readonly code: "lifetime_on_create" | "lifetime_on_edit"; readonly params: { readonly maxLifetime: string } }
  | { readonly code: "lifetime_on_rotate"; readonly params: { readonly credential: string; readonly maxLifetime: string } };

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
    /** What the command line may suggest (the command layer words it); the message never holds it. */
    readonly hint?: Hint,
  ) {
    super(details.length ? `${headline}\n  ${details.join("\n  ")}` : headline);
    this.name = new.target.name;
    this.headline = headline;
  }
}

/** Exit 2: bad flag, bad value, missing value without a TTY. */
export class UsageError extends AppError {
  constructor(message: string, code = "usage_error", details: readonly string[] = [], hint?: Hint) {
    super(message, 2, code, details, hint);
  }
}

/** Exit 3: an admin, role, credential, catalog action or IP entry that does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, hint?: Hint) {
    super(message, 3, "not_found", [], hint);
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
