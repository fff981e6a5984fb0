// The help topics that are not commands: `apicred help environment` and `apicred help exit-codes`.
// test/unit/help.test.ts checks that ENVIRONMENT names every variable the sources read.

/** Every environment variable apicred reads, and what for. */
export const ENVIRONMENT: readonly (readonly [name: string, text: string])[] = [
  ["APICRED_STORE", "the store when --store is not given (a file path)"],
  ["XDG_CONFIG_HOME", "the default store is $XDG_CONFIG_HOME/apicred/store.json (else ~/.config/apicred/store.json)"],
  ["HOME", "~: the default store's folder, a ~ in --store on a line being completed, the code cache"],
  ["XDG_CACHE_HOME", "the start-up code cache lives in $XDG_CACHE_HOME/apicred (else ~/.cache/apicred); none when not writable"],
  ["APICRED_SECRET", "check: the secret to verify when --secret-file is not given"],
  ["APICRED_ACCESS_KEY", "check: the access key presented when --access-key-file is not given"],
  ["APICRED_LOCK_TIMEOUT_MS", "how long a write waits for the store lock, in milliseconds"],
  ["APICRED_READ_TIMEOUT_MS", "how long a read of a pipe or FIFO (--file, --secret-file, stdin) waits for data, in milliseconds (default 5000)"],
  ["APICRED_USAGE_FLUSH_MS", "serve: how often recorded usage (last use) is written, in milliseconds (default 5000)"],
  ["APICRED_SERVE_NO_USAGE", "serve: set to 1 to record no usage (for benchmarks)"],
  ["NO_COLOR", "set and not empty: no colour (like --no-color)"],
  ["FORCE_COLOR", "colour even when stdout is not a terminal (0 or false: never)"],
  ["CLICOLOR_FORCE", "set and not 0: colour even when stdout is not a terminal"],
  ["TERM", "dumb: no colour"],
  ["APICRED_PAGER", "the pager for long output on a terminal (before $PAGER); empty: none"],
  ["PAGER", "the pager for long output on a terminal (default: less -FRX); empty: none"],
  ["CI", "set: never prompt (like --no-input); a missing value or confirmation is exit 2"],
  ["USER", "the OS user recorded in the audit log (else LOGNAME)"],
  ["LOGNAME", "the OS user recorded in the audit log when USER is not set"],
  ["APICRED_DEBUG", "set: print the stack of an internal error (exit 70)"],
];

/** The exit codes (SPEC.md "Exit codes"), as `apicred help exit-codes` prints them. */
export const EXIT_CODES: readonly (readonly [code: number, text: string])[] = [
  [0, "success; check: allowed; ip test: matched; apply --dry-run --exit-code: no changes"],
  [1, "check: denied; ip test: no match; apply --dry-run --exit-code: changes pending"],
  [2, "usage error or invalid input (bad flag, bad IP, unknown action, missing value without a terminal)"],
  [3, "not found (admin, role, credential, catalog action, IP entry)"],
  [4, "conflict (already exists)"],
  [5, "store problem: missing where required, unreadable, corrupt, newer schema, lock timeout, unsafe permissions"],
  [70, "internal error (a bug: please report it; APICRED_DEBUG=1 shows the stack)"],
];

export const TOPICS: Readonly<Record<string, { description: string; text: () => string }>> = {
  environment: {
    description: "the environment variables apicred reads",
    text: () => `Environment variables apicred reads:\n\n${table(ENVIRONMENT)}`,
  },
  "exit-codes": {
    description: "what each exit code means",
    text: () => `Exit codes:\n\n${table(EXIT_CODES.map(([code, text]) => [String(code), text] as const))}`,
  },
};

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}
