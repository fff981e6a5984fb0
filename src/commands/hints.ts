// The command line's words for the hints core errors carry (core/errors.ts `Hint`): the core says
// what went wrong and what a fix needs; only here is it said with this CLI's flags and commands.
// main.ts adds the hint to the error it prints; apply's validator, the server and the library show
// the core's message alone.
import { AppError, type Hint } from "../core/errors.js";

/** The text that follows the core's message, for each hint. */
export function hintText(hint: Hint): string {
  switch (hint.code) {
    case "cidr_host_bits_set":
      return " (pass --normalize to store that)";
    case "grant_unknown":
      return "; see `apicred action list` and `apicred action categories`";
    case "grant_matches_nothing":
      return "; see `apicred action list`";
    case "allowlist_entry_missing":
      return "; see `apicred ip list`";
    case "admin_disabled":
      return `; enable it first with \`apicred admin enable ${hint.params.admin}\``;
    case "lifetime_on_create":
      return `; pass --expires ${hint.params.maxLifetime} or sooner`;
    case "lifetime_on_edit":
      return `; add --expires ${hint.params.maxLifetime} (or sooner) to this edit`;
    case "lifetime_on_rotate":
      return `; give it a compliant expiry first: apicred credential edit ${hint.params.credential} --expires ${hint.params.maxLifetime}`;
  }
}

/** The error as the command line shows it: the core's headline followed by its hint, if any. */
export function withHint(err: AppError): AppError {
  if (err.hint === undefined) return err;
  return new AppError(`${err.headline}${hintText(err.hint)}`, err.exitCode, err.code, err.details);
}
