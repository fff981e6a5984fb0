// What is unsafe about the store's files but not refused: found by the store as it opens them, printed
// as a warning by every command, and reported by `doctor` as a finding. Plain data with a stable code,
// so doctor reads facts instead of parsing the printed sentence.

export interface StoreWarning {
  /** Stable machine-readable code, doctor's finding code (see README "doctor"). */
  readonly code: "store_readable" | "store_folder_writable" | "audit_log_readable";
  /** What it is about, as doctor names it. */
  readonly object: "store" | "audit-log";
  /** What is wrong, without the fix. */
  readonly message: string;
  /** The command that fixes it. */
  readonly fix: string;
}

/** The warning as commands print it: what is wrong, then the fix. */
export function warningText(w: StoreWarning): string {
  return `${w.message}; fix it with: ${w.fix}`;
}
