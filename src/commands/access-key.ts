// `apicred access-key set | rotate | status | unset`: WHMCS's `$api_access_key`. The key is printed
// once, when it is generated (or, with --php, as the configuration.php line); only its hash is stored.
import type { Command } from "commander";
import { generateAccessKey, phpLine, setAccessKey, unsetAccessKey, validateAccessKey } from "../core/access-key.js";
import { emptyAllowlistWarning } from "../core/allowlist.js";
import { ConflictError, NotFoundError, UsageError } from "../core/errors.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { readSecretText, stdinIsTerminal } from "../ui/input.js";

/** The key piped in on stdin (read to its end, no prompt, no echo handling), less one trailing newline. */
async function readKeyFromStdin(ctx: Context): Promise<string> {
  if (stdinIsTerminal(ctx.io)) ctx.out.info("reading the access key from stdin (end with Ctrl-D)");
  const key = await readSecretText("--stdin", "-", ctx.io);
  if (key === "") throw new UsageError("--stdin: no access key on stdin", "invalid_input");
  return key;
}

async function issue(ctx: Context, verb: "set" | "rotate", opts: { stdin?: boolean; php?: boolean }): Promise<void> {
  // `set` is a writing command: a missing store is created (SPEC.md "The store"), not an error.
  const current = verb === "set" && !await ctx.store.exists() ? null : (await ctx.read()).accessKey;
  if (verb === "rotate" && current === null) {
    throw new NotFoundError("no access key is set, so there is nothing to rotate; use `apicred access-key set`");
  }
  // --stdin never prompts: stdin carries the key, so once it is read to its end nothing is left to
  // answer a prompt with (and on a terminal the person would type the key, then face a dead prompt).
  if (opts.stdin && current !== null && !ctx.options.yes) {
    throw new UsageError(
      `${ctx.command}: --yes required to replace the access key set ${current.setAt} (fingerprint ${current.fingerprint}) ` +
        "with one from --stdin (--stdin never asks: stdin carries the key)",
    );
  }
  const supplied = opts.stdin ? validateAccessKey(await readKeyFromStdin(ctx)) : undefined;
  if (current !== null) {
    await ctx.confirm(
      `Replace the access key set ${current.setAt} (fingerprint ${current.fingerprint})? ` +
        "Requests still presenting the old key will be refused from IPs not on the allowlist.",
    );
  }
  const key = supplied ?? generateAccessKey();
  const stored = await ctx.update((doc, record, now) => {
    // What was confirmed must still be what gets replaced (another process may have set a key meanwhile).
    if ((doc.accessKey?.hash ?? null) !== (current?.hash ?? null)) {
      throw new ConflictError("the access key changed while this command ran; nothing changed, run it again");
    }
    return setAccessKey(doc, key, now, record, verb);
  });
  const result = {
    accessKey: key,
    fingerprint: stored.fingerprint,
    setAt: stored.setAt,
    generated: supplied === undefined,
    replaced: current !== null,
    ...(opts.php ? { php: phpLine(key) } : {}),
  };
  await ctx.out.result(result, () => {
    // A key the user piped in is not echoed back, unless they asked for the PHP line.
    if (supplied === undefined) ctx.out.line(key);
    if (opts.php) ctx.out.line(phpLine(key));
    if (supplied === undefined || opts.php) ctx.out.secretWarning("access key");
    ctx.out.info(
      `access key ${verb === "rotate" ? "rotated" : current ? "replaced" : "set"} (fingerprint ${stored.fingerprint}); ` +
        (opts.php ? "put the line above in WHMCS's configuration.php" : "WHMCS reads it from configuration.php: $api_access_key = '…'; (--php prints the line)"),
    );
  });
}

export interface AccessKeySetOptions {
  stdin?: true;
  php?: true;
}

export async function runAccessKeySet(ctx: Context, opts: AccessKeySetOptions): Promise<number | void> {
  return issue(ctx, "set", opts);
}

export interface AccessKeyRotateOptions {
  php?: true;
}

export async function runAccessKeyRotate(ctx: Context, opts: AccessKeyRotateOptions): Promise<number | void> {
  return issue(ctx, "rotate", { php: opts.php });
}

export async function runAccessKeyStatus(ctx: Context): Promise<number | void> {
  const current = (await ctx.read()).accessKey;
  const result = { set: current !== null, setAt: current?.setAt ?? null, fingerprint: current?.fingerprint ?? null };
  await ctx.out.result(result, () =>
    ctx.out.line(current ? `access key set ${current.setAt} (fingerprint ${current.fingerprint})` : "no access key set"),
  );
}

export async function runAccessKeyUnset(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  if (doc.accessKey !== null) {
    await ctx.confirm(
      `Remove the access key (fingerprint ${doc.accessKey.fingerprint})? Only IPs on the allowlist will get through.`,
    );
  }
  const removed = doc.accessKey === null ? false : await ctx.update((d, record) => unsetAccessKey(d, record));
  const after = (await ctx.read());
  await ctx.out.result({ unset: removed }, () => ctx.out.line(removed ? "removed the access key" : "no access key was set"));
  const warning = removed ? emptyAllowlistWarning(after) : undefined;
  if (warning) ctx.out.warn(warning);
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const accessKey = program
    .command("access-key")
    .description("the global access key (WHMCS $api_access_key): lets requests through from IPs not on the allowlist");

  accessKey
    .command("set")
    .description("generate a new access key (or read one with --stdin) and print it once")
    .option("--stdin", "read the key from stdin instead of generating one (16+ characters: letters, digits, !@#$%.()*[]-_)")
    .option("--php", "also print the configuration.php line: $api_access_key = '…';")
    .action(act(runAccessKeySet));

  accessKey
    .command("rotate")
    .description("replace the access key with a newly generated one and print it once")
    .option("--php", "also print the configuration.php line: $api_access_key = '…';")
    .action(act(runAccessKeyRotate));

  accessKey
    .command("status")
    .description("whether an access key is set, since when, and its fingerprint (never the key)")
    .action(act(runAccessKeyStatus));

  accessKey
    .command("unset")
    .description("remove the access key: only IPs on the allowlist get through")
    .action(act(runAccessKeyUnset));
}
