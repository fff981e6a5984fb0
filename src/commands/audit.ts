// `apicred audit [--since WHEN] [--limit N]`: who changed what, from the append-only log beside the store.
// On a terminal: one line per change, newest first, the change summarised (a role's grants can make
// one event thousands of characters); piped and under --json, every event whole, in log order.
import type { Command } from "commander";
import { parseSince } from "../core/durations.js";
import { UsageError } from "../core/errors.js";
import type { AuditEvent } from "../store/backend.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { withPager } from "../ui/pager.js";
import { shownTime } from "../ui/time.js";

/** How many of the latest changes a terminal shows without --limit. */
const TTY_LIMIT = 50;

function parseLimit(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new UsageError(`--limit: expected a whole number of at least 1, got "${text}"`);
  return Number(text);
}

/** A value in a summary: short, on one line. */
function brief(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.map((v) => brief(v)).join(", ");
  if (value === null) return "-";
  if (typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${k}: ${brief(v)}`).join(", ")}}`;
  return String(value);
}

/** `{"disabled":true,"name":"ci","description":""}` → "disabled; name: ci" (empty values left out). */
export function changeSummary(change: Record<string, unknown>): string {
  return Object.entries(change)
    .filter(([, v]) => v !== "" && v !== undefined)
    .map(([k, v]) => (v === true ? k : v === false ? `not ${k}` : `${k}: ${brief(v)}`))
    .join("; ");
}

export interface AuditOptions {
  since?: string;
  limit?: string;
}

export async function runAudit(ctx: Context, opts: AuditOptions): Promise<number | void> {
  (await ctx.read()); // a missing or broken store is reported as such, not as an empty log
  const since = opts.since === undefined ? undefined : parseSince(opts.since, new Date(), "--since").getTime();
  const limit = opts.limit === undefined ? undefined : parseLimit(opts.limit);
  const log = await ctx.store.readAudit(); // without changes that never landed
  if (!log.exists) ctx.out.warn(`there is no audit log at ${ctx.store.auditLocation}`);
  if (log.skipped.length > 0) {
    const lines = log.skipped.length > 5 ? `${log.skipped.slice(0, 5).join(", ")}, …` : log.skipped.join(", ");
    ctx.out.warn(`skipped ${log.skipped.length} unreadable line(s) of ${ctx.store.auditLocation} (line ${lines})`);
  }
  if (log.unlanded > 0) {
    ctx.out.warn(`left out ${log.unlanded} change(s) of ${ctx.store.auditLocation} that never landed in the store (a writer died or failed)`);
  }
  const all = since === undefined ? log.events : log.events.filter((e) => Date.parse(e.time) >= since);
  const terminal = ctx.out.tty && !ctx.json;
  const keep = limit ?? (terminal ? TTY_LIMIT : all.length);
  const events = all.slice(Math.max(0, all.length - keep));
  await ctx.out.result(events, async () => {
    if (!terminal) {
      return ctx.out.table(
        ["time", "user", "command", "object", "change"],
        events.map((e) => [e.time, e.user, e.command, e.object, JSON.stringify(e.change)]),
      );
    }
    if (events.length === 0) return ctx.out.line("no changes");
    const now = Date.now();
    const newest: AuditEvent[] = [...events].reverse();
    await withPager(ctx, async () => {
      await ctx.out.table(
        ["time", "user", "command", "object", "change"],
        newest.map((e) => [shownTime(e.time, true, now), e.user, e.command, e.object, changeSummary(e.change)]),
      );
      if (all.length > events.length) {
        ctx.out.line(ctx.out.c.dim(`(the latest ${events.length} of ${all.length} changes; --limit N for more, --json for all of each)`));
      }
    });
  });
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("audit")
    .description("show the audit log: time, OS user, command, object and change (newest first on a terminal)")
    .option("--since <when>", "only events since an ISO-8601 date/time or a duration ago (7d, 12h)")
    .option("--limit <n>", `only the latest N events (default on a terminal: ${TTY_LIMIT}; else all)`)
    .action(act(runAudit));
}
