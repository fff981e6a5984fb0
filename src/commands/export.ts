// `apicred export [--file F]` and `apicred apply --file F [--dry-run] [--prune]`: configuration as
// code (SPEC.md "Export and apply"). Export is configuration, never a backup: no secret, hash or
// access key. Apply validates the whole document, then plans and applies in ONE locked store update;
// secrets of the credentials it creates are printed once, here, and nowhere else.
import type { Command } from "commander";
import { applyPlan, type Change, type CreatedCredential, exportDoc, type FieldChange, type Plan, planApply } from "../core/plan.js";
import type { Context } from "../context.js";
import { act } from "../program.js";
import { readJsonFile, writeFileAtomic } from "../ui/input.js";
import { progressLine } from "../ui/progress.js";

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
  await ctx.out.result(
    { dryRun, file: source, changed, summary: plan.counts, changes: plan.changes, created, warnings: plan.warnings },
    async () => {
      const c = ctx.out.c;
      const colour = { create: c.green, update: c.yellow, remove: c.red };
      if (dryRun) ctx.out.line(c.bold(`DRY RUN: nothing is written; apply --file ${source} would make these changes:`));
      if (changed) ctx.out.writeSync(`${plan.changes.map((ch) => colour[ch.op](changeLine(ch))).join("\n")}\n`);
      ctx.out.line(c.bold(summary(plan, dryRun)));
      if (created.length > 0) {
        ctx.out.line();
        ctx.out.line(`new credential secrets (shown only this once):`);
        const rows = created.map((n) => [n.name ?? "", n.identifier, n.secret]);
        if (rows.length <= 200) await ctx.out.table(["name", "identifier", "secret"], rows);
        else ctx.out.writeSync(`${rows.map((r) => r.join("\t")).join("\n")}\n`);
      }
      for (const w of plan.warnings) ctx.out.warn(w);
    },
  );
  if (created.length === 1) ctx.out.secretWarning("secret");
  else if (created.length > 1 && !ctx.json) {
    ctx.out.warn(`these ${created.length} secrets are shown only once and cannot be recovered; store them now (only their hashes are kept)`);
  }
}

export function register(program: Command): void {
  program
    .command("export")
    .description("print the desired-state document (admins, custom actions, roles, credentials, allowlist): never a secret")
    .option("--file <path>", "write it to this file (atomically) instead of stdout")
    .action(
      act(async (ctx, opts: { file?: string }) => {
        const doc = exportDoc(ctx.read());
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        if (opts.file === undefined) return void ctx.out.writeSync(text);
        writeFileAtomic("--file", opts.file, text);
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
      }),
    );

  program
    .command("apply")
    .description("make the store match a document from export: create, update and (with --prune) remove, in one write")
    .requiredOption("--file <path>", "the desired-state document (- for stdin)")
    .option("--dry-run", "print the plan and write nothing")
    .option("--prune", "also remove what the document's sections do not list")
    .action(
      act(async (ctx, opts: { file: string; dryRun?: boolean; prune?: boolean }) => {
        const input = readJsonFile("--file", opts.file);
        const source = opts.file === "-" ? "stdin" : opts.file;
        const options = { prune: Boolean(opts.prune), source };
        if (opts.dryRun) {
          const plan = planApply(ctx.store.readOrEmpty(), input, options, Date.now());
          return printPlan(ctx, plan, [], true, source);
        }
        const progress = progressLine("apply: creating credentials");
        try {
          const { plan, created } = ctx.update((doc, record, now) => {
            const plan = planApply(doc, input, options, Date.parse(now));
            return { plan, created: applyPlan(doc, plan, now, record, (done, total) => progress.update(done, total)) };
          });
          progress.end();
          await printPlan(ctx, plan, created, false, source);
        } finally {
          progress.end();
        }
      }),
    );
}
