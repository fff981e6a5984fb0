// `apicred doctor`: findings with a severity and a suggested fix. Exit 0 with no findings, 1 with.
import type { Command } from "commander";
import { diagnose, type Finding } from "../core/doctor.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";

export async function runDoctor(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  const log = await ctx.store.readAudit();
  let usage;
  try {
    usage = await ctx.store.readUsage();
  } catch (err) {
    // A damaged usage file must not hide the other findings: say so, judge no credential unused.
    ctx.out.warn((err as Error).message);
  }
  const findings = diagnose(doc, {
    storePath: ctx.store.location,
    auditPath: ctx.store.auditLocation,
    leftoverTemps: ctx.store.leftoverTemps?.() ?? [],
    // Shown as findings here, so main.ts need not repeat them as warnings.
    storeWarnings: ctx.store.warnings.splice(0),
    auditLogExists: log.exists,
    auditSkippedLines: log.skipped.length,
    now: Date.now(),
    usage,
  });
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  await ctx.out.result({ findings, summary: counts }, () => {
    if (findings.length === 0) return ctx.out.line("no findings: nothing to fix");
    const c = ctx.out.c;
    const colour = { error: c.red, warning: c.yellow, info: c.cyan };
    for (const f of findings) printFinding(ctx.out.line.bind(ctx.out), f, colour[f.severity](f.severity.padEnd(7)), c.dim);
    const n = findings.length;
    ctx.out.line(`${n} finding${n === 1 ? "" : "s"}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`);
  });
  return findings.length > 0 ? 1 : 0;
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("doctor")
    .description("find problems before a caller does: roles without grants, credentials that cannot work, a closed API, unsafe files")
    .action(act(runDoctor));
}

function printFinding(line: (text: string) => void, f: Finding, severity: string, dim: (s: string) => string): void {
  line(`${severity} ${f.message} ${dim(`[${f.code}]`)}`);
  line(`        fix: ${f.fix}`);
}
