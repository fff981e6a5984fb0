// Which kind of value each argument and option takes, for shell completion: the one place to edit
// when a command gains an argument or option whose values come from the store or the filesystem.
// Written for the whole command line of SPEC.md; an entry whose command does not exist (yet) is
// simply unused. Choices declared in commander (`.choices([...])`) complete without an entry here.

export type ValueKind =
  | "file" // a path: the shell completes files
  | "role" // role names
  | "credential" // credential identifiers and names
  | "enabled-credential" // credentials that are not disabled (what `credential disable` can act on)
  | "disabled-credential" // disabled credentials (what `credential enable` can act on)
  | "admin" // admin usernames
  | "admin-enabled" // usernames of enabled admins (what `admin disable` can disable)
  | "admin-disabled" // usernames of disabled admins (what `admin enable` can enable)
  | "action" // catalog action names (built-in and custom)
  | "custom-action" // custom action names only
  | "grant" // action names, `Category:*` and `*`
  | "category" // catalog categories
  | "ip-entry"; // entries of the IP allowlist

/**
 * Options, by long flag, on every command that has them. A key "<command path> --flag" (e.g.
 * "credential list --role") overrides the flag-wide entry for that command.
 */
export const OPTION_VALUES: Readonly<Record<string, ValueKind>> = {
  "--store": "file",
  "--file": "file",
  "--secret-file": "file",
  "--access-key-file": "file",
  "--role": "role",
  "--add-role": "role",
  "--remove-role": "role",
  "--admin": "admin",
  "--allow": "grant",
  "--revoke": "grant",
  "--set": "grant",
  "--category": "category",
};

/**
 * Positional arguments, by command path (canonical names, not aliases), in order. A variadic last
 * argument (`credential delete <cred>...`) uses the last kind for every further word.
 */
export const ARGUMENT_VALUES: Readonly<Record<string, readonly (ValueKind | null)[]>> = {
  "admin disable": ["admin-enabled"],
  "admin enable": ["admin-disabled"],
  "admin remove": ["admin"],
  "action remove": ["custom-action"],
  "role show": ["role"],
  "role edit": ["role"],
  "role delete": ["role"],
  "credential show": ["credential"],
  "credential edit": ["credential"],
  "credential rotate": ["credential"],
  "credential delete": ["credential"],
  "credential disable": ["enabled-credential"],
  "credential enable": ["disabled-credential"],
  "who-can": ["action"],
  "scan": ["file"],
  "ip note": ["ip-entry", null],
  "ip remove": ["ip-entry"],
  "check": ["credential", "action"],
};
