// `apicred check <cred> <action>` and `apicred check --batch`: the decision, explained.
// This is the hot path: it loads no prompts or tables unless --explain draws one on a terminal.
import { type Command, Option } from "commander";
import type { Option as TypedOption } from "@commander-js/extra-typings";
import { type Decision, decide, Snapshot } from "../core/decide.js";
import { UsageError } from "../core/errors.js";
import { parseAddress } from "../core/ip.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { runCheckBatch } from "./check-batch.js";
import { runCheckList } from "./check-list.js";
import { readSecretInput } from "../ui/input.js";

export interface CheckOptions {
  ip?: string;
  secretFile?: string;
  accessKeyFile?: string;
  explain?: true;
  quiet?: true;
  batch?: true;
  list?: true;
  secret?: string;
  accessKey?: string;
}

function summary(d: Decision): string {
  if (d.allowed) return `allowed (${d.matched.map((m) => `role ${m.role} grants ${m.grant}`).join("; ")})`;
  const failed = d.steps.find((s) => s.result === "fail");
  return `denied: ${d.reason}${failed?.detail ? ` — ${failed.detail}` : ""}`;
}

/**
 * What an "allowed" did not check for want of input: the command line skips the secret and IP steps
 * when no secret or --ip is given, and a bare "allowed" would read as if they had passed.
 */
function notChecked(d: Decision): string | undefined {
  const skipped = (step: string) => d.steps.some((s) => s.step === step && s.result === "skipped");
  const ip = skipped("ip_allowlist") || skipped("credential_ip");
  const secret = skipped("secret");
  if (!ip && !secret) return undefined;
  const what = ip && secret ? "IP and secret" : ip ? "IP" : "secret";
  const how = [ip ? "--ip" : "", secret ? "--secret-file" : ""].filter((h) => h !== "").join(" and ");
  return `${what} not checked: pass ${how}`;
}

async function render(ctx: Context, d: Decision, opts: CheckOptions): Promise<void> {
  if (opts.quiet) return;
  await ctx.out.result(d, async () => {
    const c = ctx.out.c;
    const note = d.allowed ? notChecked(d) : undefined;
    // On a terminal the note is part of the answer (and not green); piped, stdout keeps the one line
    // scripts read and the note goes to stderr.
    if (note && ctx.out.tty) ctx.out.line(c.yellow(`${summary(d)} — ${note}`));
    else ctx.out.line(d.allowed ? c.green(summary(d)) : c.red(summary(d)));
    if (note && !ctx.out.tty) ctx.out.info(`note: ${note}`);
    if (opts.explain) {
      ctx.out.line();
      await ctx.out.table(
        ["step", "result", "detail"],
        d.steps.map((s) => [s.step, s.result === "fail" ? c.red(s.result) : s.result === "pass" ? c.green(s.result) : c.dim(s.result), s.detail ?? ""]),
      );
      if (d.accessKey) ctx.out.line(`access_key: ${d.accessKey}`);
    }
  });
}

/** `apicred check`: one decision, or --batch, or --list. */
export async function runCheck(ctx: Context, cred: string | undefined, action: string | undefined, opts: CheckOptions): Promise<number> {
  if (opts.secret !== undefined || opts.accessKey !== undefined) {
    throw new UsageError(
      "secrets are never taken from the command line (shell history, ps); use --secret-file F / --access-key-file F " +
        "(- for stdin) or $APICRED_SECRET / $APICRED_ACCESS_KEY",
    );
  }
  if (opts.batch) {
    if (cred !== undefined || opts.ip !== undefined || opts.secretFile !== undefined || opts.accessKeyFile !== undefined || opts.list) {
      throw new UsageError("check --batch takes its requests on stdin, not as arguments or options");
    }
    return runCheckBatch(ctx);
  }
  if (opts.list) {
    if (cred === undefined || action !== undefined || opts.secretFile !== undefined || opts.accessKeyFile !== undefined) {
      throw new UsageError("check --list takes <cred> only (and --ip): it lists the actions, with no secret or access key");
    }
    return runCheckList(ctx, cred, opts.ip === undefined ? undefined : parseAddress(opts.ip));
  }
  if (cred === undefined || action === undefined) throw new UsageError("check needs <cred> and <action> (or --batch)");
  if (opts.secretFile === "-" && opts.accessKeyFile === "-") {
    throw new UsageError("only one of --secret-file and --access-key-file can read stdin");
  }
  const ip = opts.ip === undefined ? undefined : parseAddress(opts.ip);
  const secret = await readSecretInput("--secret-file", opts.secretFile, "APICRED_SECRET", ctx.io);
  const accessKey = await readSecretInput("--access-key-file", opts.accessKeyFile, "APICRED_ACCESS_KEY", ctx.io);
  const snapshot = new Snapshot(await ctx.store.readForCredential(cred));
  const decision = decide(snapshot, { credential: cred, action, ip, secret, accessKey, now: Date.now(), explain: opts.explain });
  await render(ctx, decision, opts);
  return decision.allowed ? 0 : 1;
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("check")
    .description("may this credential run this action (from this IP)? exit 0 allowed, 1 denied")
    .argument("[cred]", "credential identifier or name")
    .argument("[action]", "API action, e.g. GetInvoices (any case)")
    .option("--ip <ip>", "the client IP; without it the IP steps are skipped")
    .option("--secret-file <file>", "verify this secret too (a file, or - for stdin; else $APICRED_SECRET)")
    .option("--access-key-file <file>", "the access key presented (a file, or - for stdin; else $APICRED_ACCESS_KEY)")
    .option("--explain", "show every step of the decision")
    .option("-q, --quiet", "print nothing; the exit code says it all")
    .option("--batch", "read JSON Lines requests on stdin, write one decision per line")
    .option("--list", "list every action the credential may run (from --ip, when given), with the grant that allows each")
    // Refused with a pointer to the safe ways, rather than an "unknown option".
    .addOption(new (Option as typeof TypedOption)("--secret <secret>").hideHelp())
    .addOption(new (Option as typeof TypedOption)("--access-key <key>").hideHelp())
    .addHelpText(
      "after",
      `
The secret and access key are never taken from the command line. Batch input, one JSON object per line:
  {"credential":"…","action":"GetInvoices","ip":"203.0.113.7","secret":"apc_…","accessKey":"…"}

Examples:
  apicred check ci-deploy GetInvoices --ip 203.0.113.7 --explain
  apicred check ci-deploy --list               # every action it may run, by category (exit 1: none)`,
    )
    .action(act(runCheck));
}
