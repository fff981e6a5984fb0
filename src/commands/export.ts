// `apicred export [--file F]` and `apicred apply --file F [--dry-run] [--prune]`: configuration as
// code (SPEC.md "Export and apply"). Export is configuration, never a backup: no secret, hash or
// access key. Apply validates the whole document, then plans and applies in ONE locked store update;
// secrets of the credentials it creates are printed once, here, and nowhere else.
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConflictError, UsageError } from "../core/errors.js";
import { applyPlan, type Change, type ChangeKind, type CreatedCredential, exportDoc, type FieldChange, type Plan, planApply } from "../core/apply/index.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { writeFileAtomic } from "../store/files.js";
import { readJsonFile } from "../ui/input.js";
import { progressLine } from "../ui/progress.js";

/**
 * `apply --dry-run --exit-code` when the store does not match the document: 1, the code apicred's
 * question-answering commands use for "no" (check: denied, ip test: no match), as `git diff
 * --exit-code` does. Errors stay 2-5, so CI tells drift (1) from a bad file (2) or store (5).
 */
export const EXIT_CHANGES_PENDING = 1;

/** schema/apply.schema.json, embedded at build time (build.mjs). */
declare const APICRED_APPLY_SCHEMA: string;

const SIGN = { create: "+", update: "~", remove: "-" } as const;

function show(value: unknown, field: string): string {
  if (value === null || value === undefined) return "(none)";
  if (Array.isArray(value)) return value.length ? value.join(",") : "(none)";
  if (typeof value === "string" && (field === "description" || field === "note")) return JSON.stringify(value);
  return String(value);
}

function fieldText(f: FieldChange): string {
  return `${f.field} ${show(f.from, f.field)} -> ${show(f.to, f.field)}`;
}

/** One diff-like line: `+ role billing`, `~ credential ci: roles a -> a,b`, `- ip 10.0.0.0/8`. */
export function changeLine(c: Change): string {
  let text = `${SIGN[c.op]} ${c.kind} ${c.name}`;
  if (c.kind === "credential" && c.name !== c.identifier && c.identifier && c.op !== "update") text += ` (${c.identifier})`;
  if (c.category) text += ` (category ${c.category})`;
  if (c.fields?.length) text += `: ${c.fields.map(fieldText).join("; ")}`;
  if (c.credentialsRemoved) text += ` (and ${c.credentialsRemoved} credential${c.credentialsRemoved === 1 ? "" : "s"} of it)`;
  return text;
}

function summary(plan: Plan, dryRun: boolean): string {
  const { create, update, remove } = plan.counts;
  if (create + update + remove === 0) return dryRun ? "dry run: no changes; the store already matches" : "no changes; the store already matches";
  return dryRun
    ? `dry run: ${create} to create, ${update} to update, ${remove} to remove; nothing was written`
    : `applied: ${create} created, ${update} updated, ${remove} removed`;
}

async function printPlan(ctx: Context, plan: Plan, created: CreatedCredential[], dryRun: boolean, source: string): Promise<void> {
  const changed = plan.changes.length > 0;
  for (const n of created) ctx.out.reveal(n.secret); // printed this once; any other apc_… is masked
  await ctx.out.result(
    { dryRun, file: source, changed, summary: plan.counts, changes: plan.changes, created, warnings: plan.warnings },
    async () => {
      const c = ctx.out.c;
      const colour = { create: c.green, update: c.yellow, remove: c.red };
      if (dryRun) ctx.out.line(c.bold(`DRY RUN: nothing is written; apply --file ${source} would make these changes:`));
      ctx.out.lines(plan.changes.map((ch) => colour[ch.op](changeLine(ch))));
      ctx.out.line(c.bold(summary(plan, dryRun)));
      if (created.length > 0) {
        ctx.out.line();
        ctx.out.line(`new credential secrets (shown only this once):`);
        const rows = created.map((n) => [n.name ?? "", n.identifier, n.secret]);
        if (rows.length <= 200) await ctx.out.table(["name", "identifier", "secret"], rows);
        else ctx.out.rows(rows);
      }
      for (const w of plan.warnings) ctx.out.warn(w);
    },
  );
  if (created.length === 1) ctx.out.secretWarning("secret");
  else if (created.length > 1 && !ctx.json) {
    ctx.out.warn(`these ${created.length} secrets are shown only once and cannot be recovered; store them now (only their hashes are kept)`);
  }
}

/** Writes `export --file`: atomically, 0644 less the umask (configuration, not secrets). */
function writeExport(path: string, file: string, text: string): void {
  try {
    writeFileAtomic(path, text, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--file: cannot write ${file}: ${code === "ENOENT" ? "no such folder" : (code ?? (err as Error).message)}`, "invalid_input");
  }
}

const NOUNS: Record<ChangeKind, [string, string]> = {
  admin: ["admin", "admins"],
  action: ["custom action", "custom actions"],
  role: ["role", "roles"],
  credential: ["credential", "credentials"],
  ip: ["allowlist entry", "allowlist entries"],
  policy: ["policy", "policies"],
};

const count = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;

/** "2 admins (with 3 credentials of theirs), 1 role and 4 allowlist entries": what a plan removes. */
function removalText(plan: Plan): string {
  const by = new Map<ChangeKind, number>();
  let cascade = 0;
  for (const c of plan.changes) {
    if (c.op !== "remove") continue;
    by.set(c.kind, (by.get(c.kind) ?? 0) + 1);
    cascade += c.credentialsRemoved ?? 0;
  }
  const parts: string[] = [];
  for (const kind of Object.keys(NOUNS) as ChangeKind[]) {
    const n = by.get(kind);
    if (!n) continue;
    let part = count(n, NOUNS[kind]);
    if (kind === "admin" && cascade > 0) part += ` (with ${count(cascade, NOUNS.credential)} of theirs)`;
    parts.push(part);
  }
  return parts.length <= 1 ? (parts[0] ?? "nothing") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** The removals of a plan, one string each, to compare what was confirmed with what gets applied. */
function removals(plan: Plan): string {
  return plan.changes
    .filter((c) => c.op === "remove")
    .map((c) => `${c.kind}\t${c.identifier ?? c.name}\t${c.credentialsRemoved ?? 0}`)
    .join("\n");
}

export interface ExportOptions {
  file?: string;
  schema?: true;
}

export async function runExport(ctx: Context, opts: ExportOptions): Promise<number | void> {
  if (opts.schema) {
    if (opts.file !== undefined) throw new UsageError("--schema prints to stdout; it takes no --file (redirect it: > apicred.schema.json)");
    return void ctx.out.writeJson(APICRED_APPLY_SCHEMA);
  }
  const doc = exportDoc((await ctx.read()));
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (opts.file === undefined) return void ctx.out.writeJson(text);
  // Only the store writes its own files: an export over one of them would destroy it.
  const target = resolve(ctx.io.cwd, opts.file); // named relative to the run's cwd
  const own = ctx.store.ownFile?.(target);
  if (own) throw new UsageError(`--file: ${opts.file} is ${own}; export to another file`, "invalid_input");
  writeExport(target, opts.file, text);
  const counts = {
    admins: doc.admins.length,
    actions: doc.actions.length,
    roles: doc.roles.length,
    credentials: doc.credentials.length,
    ipAllowlist: doc.ipAllowlist.length,
  };
  await ctx.out.result({ file: opts.file, ...counts }, () =>
    ctx.out.info(
      `exported ${counts.admins} admins, ${counts.actions} custom actions, ${counts.roles} roles, ` +
        `${counts.credentials} credentials and ${counts.ipAllowlist} allowlist entries to ${opts.file}`,
    ),
  );
}

export interface ApplyOptions {
  file: string;
  dryRun?: true;
  prune?: true;
  exitCode?: true;
}

export async function runApply(ctx: Context, opts: ApplyOptions): Promise<number | void> {
  if (opts.exitCode && !opts.dryRun) throw new UsageError("--exit-code works only with --dry-run (apply --dry-run --exit-code)");
  const input = await readJsonFile("--file", opts.file, ctx.io);
  const source = opts.file === "-" ? "stdin" : opts.file;
  const options = { prune: Boolean(opts.prune), source };
  if (opts.dryRun) {
    const plan = planApply(await ctx.store.readOrEmpty(), input, options, Date.now());
    await printPlan(ctx, plan, [], true, source);
    return opts.exitCode && plan.changes.length > 0 ? EXIT_CHANGES_PENDING : 0;
  }
  // --prune deletes (admins with their credentials, roles, credentials, allowlist entries): a
  // destructive step that needs --yes, or a confirmation on a terminal, naming what goes.
  let confirmed: string | undefined;
  if (opts.prune && !ctx.options.yes) {
    const preview = planApply(await ctx.store.readOrEmpty(), input, options, Date.now());
    if (preview.counts.remove > 0) await ctx.confirm(`Remove ${removalText(preview)} that ${source} does not list?`);
    confirmed = removals(preview);
  }
  const progress = progressLine("apply: creating credentials", ctx.io.stderr);
  try {
    const { plan, created } = await ctx.update((doc, record, now) => {
      const plan = planApply(doc, input, options, Date.parse(now));
      // What was confirmed must still be what gets removed (another process may have written meanwhile).
      if (confirmed !== undefined && removals(plan) !== confirmed) {
        throw new ConflictError("the store changed while this command ran, so the removals differ from what was confirmed; nothing changed, run it again");
      }
      return { plan, created: applyPlan(doc, plan, now, record, (done, total) => progress.update(done, total)) };
    });
    progress.end();
    await printPlan(ctx, plan, created, false, source);
  } finally {
    progress.end();
  }
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("export")
    .description("print the desired-state document (admins, custom actions, roles, credentials, allowlist): never a secret")
    .option("--file <path>", "write it to this file (atomically) instead of stdout")
    .option("--schema", "print the JSON Schema of the document instead (also in the package: schema/apply.schema.json)")
    .action(act(runExport));

  program
    .command("apply")
    .description("make the store match a document from export: create, update and (with --prune) remove, in one write")
    .requiredOption("--file <path>", "the desired-state document (- for stdin)")
    .option("--dry-run", "print the plan and write nothing")
    .option("--prune", "also remove what the document's sections do not list (asks first; --yes when not interactive)")
    .option("--exit-code", `with --dry-run: exit ${EXIT_CHANGES_PENDING} when there are changes to make, 0 when the store already matches (for CI drift checks)`)
    .action(act(runApply));
}
