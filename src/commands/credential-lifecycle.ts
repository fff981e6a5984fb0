// `apicred credential disable | enable | whois`: the retire path and the first question after a leak.
// Registered on the `credential` noun by commands/credential.ts. Nothing here prints a secret.
import { UsageError } from "../core/errors.js";
import { type Credential, type StoreDoc } from "../core/types.js";
import { credentialLabel, credentialView, setCredentialsDisabled } from "../core/credentials.js";
import { SecretIndex } from "../core/secret-index.js";
import { secretFormatProblem } from "../core/secrets.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { readSecretInput, readSecretText, stdinIsTerminal } from "../ui/input.js";

const label = (c: Credential) => (c.name ? `${c.name} (${c.identifier})` : c.identifier);

/** `credential disable` and `credential enable`: one body, told which. */
async function setDisabled(ctx: Context, refs: string[], disabled: boolean): Promise<void> {
  const { changed, unchanged } = await ctx.update((doc, record) => setCredentialsDisabled(doc, refs, disabled, record));
  const ids = (list: Credential[]) => list.map((c) => c.identifier);
  await ctx.out.result({ [disabled ? "disabled" : "enabled"]: ids(changed), unchanged: ids(unchanged) }, () => {
    for (const c of changed) ctx.out.line(`${disabled ? "disabled" : "enabled"} credential ${label(c)}`);
    for (const c of unchanged) ctx.out.info(`credential ${label(c)} was already ${disabled ? "disabled" : "enabled"}`);
  });
}

export async function runCredentialDisable(ctx: Context, refs: string[]): Promise<number | void> {
  return setDisabled(ctx, refs, true);
}

export async function runCredentialEnable(ctx: Context, refs: string[]): Promise<number | void> {
  return setDisabled(ctx, refs, false);
}

export interface CredentialWhoisOptions {
  secretFile?: string;
}

export async function runCredentialWhois(ctx: Context, opts: CredentialWhoisOptions): Promise<number | void> {
  let secret = await readSecretInput("--secret-file", opts.secretFile, "APICRED_SECRET", ctx.io);
  if (secret === undefined) {
    if (stdinIsTerminal(ctx.io)) ctx.out.info("paste the secret, then press Enter and Ctrl-D:");
    secret = await readSecretText("stdin", "-", ctx.io);
    if (secret === "") throw new UsageError("no secret given: pipe it in, or use --secret-file F or $APICRED_SECRET", "invalid_input");
  }
  const problem = secretFormatProblem(secret);
  if (problem) throw new UsageError(`not a well-formed apicred secret: ${problem}`, "invalid_secret");
  const doc = (await ctx.read());
  const now = Date.now();
  const hit = new SecretIndex(doc, now).lookup(secret);
  if (!hit.live) {
    const past = hit.credential;
    const message = past
      ? `no credential has this secret now: it is the previous secret of credential ${label(past)}, whose grace ended at ${past.previousSecret?.until}`
      : "no credential has this secret (deleted, or from another store)";
    await ctx.out.result(
      { found: false, match: hit.match, identifier: past?.identifier ?? null, name: past?.name ?? null },
      () => ctx.out.info(message),
    );
    return 1;
  }
  const view = describe(doc, hit.credential, now);
  await ctx.out.result({ found: true, match: hit.match, ...view }, () => {
    const c = ctx.out.c;
    const rows: [string, string][] = [
      ["identifier", view.identifier],
      ["name", view.name ?? "-"],
      ["admin", view.admin ?? "(missing)"],
      ["roles", view.roles.length ? view.roles.join(", ") : "(none)"],
      ["status", view.status],
      ["match", hit.match === "current" ? "current secret" : `previous secret, valid until ${view.previousSecretValidUntil}`],
    ];
    for (const [k, v] of rows) ctx.out.line(`${c.bold(k.padEnd(11))} ${v}`);
    ctx.out.info(`if it leaked: apicred credential disable ${credentialLabel(hit.credential)}  (or rotate / delete it)`);
  });
  return 0;
}

function toggle(cred: Program, verb: "disable" | "enable"): void {
  const disabled = verb === "disable";
  cred
    .command(verb)
    .description(
      disabled
        ? "turn credentials off without deleting them: every check is denied (credential_disabled) until enabled"
        : "turn disabled credentials back on",
    )
    .argument("<cred...>", "identifiers or names")
    .action(act(disabled ? runCredentialDisable : runCredentialEnable));
}

function whois(cred: Program): void {
  cred
    .command("whois")
    .description("which credential a secret belongs to (from stdin, a file or $APICRED_SECRET; never argv)")
    .option("--secret-file <file>", "read the secret from this file (- for stdin)")
    .addHelpText(
      "after",
      `
Reads the secret from --secret-file, else $APICRED_SECRET, else stdin. Never prints it.
Exit 0 found, 1 no credential has it, 2 not a well-formed apicred secret.`,
    )
    .action(act(runCredentialWhois));
}

function describe(doc: StoreDoc, c: Credential, now: number) {
  const v = credentialView(doc, c, now);
  return {
    identifier: v.identifier,
    name: v.name,
    admin: v.admin,
    roles: v.roles,
    status: v.status,
    expiresAt: v.expiresAt,
    previousSecretValidUntil: v.previousSecretValidUntil,
  };
}

export function registerLifecycle(cred: Program): void {
  toggle(cred, "disable");
  toggle(cred, "enable");
  whois(cred);
}
