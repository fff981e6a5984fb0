// `apicred audit [--since WHEN]`: who changed what, from the append-only log beside the store.
import type { Command } from "commander";
import { parseSince } from "../core/durations.js";
import { act } from "../run.js";

export function register(program: Command): void {
  program
    .command("audit")
    .description("show the audit log: time, OS user, command, object and change")
    .option("--since <when>", "only events since an ISO-8601 date/time or a duration ago (7d, 12h)")
    .action(
      act(async (ctx, opts: { since?: string }) => {
        (await ctx.read()); // a missing or broken store is reported as such, not as an empty log
        const since = opts.since === undefined ? undefined : parseSince(opts.since, new Date(), "--since").getTime();
        const log = await ctx.store.readAudit(); // without changes that never landed
        if (!log.exists) ctx.out.warn(`there is no audit log at ${ctx.store.auditLocation}`);
        if (log.skipped.length > 0) {
          const lines = log.skipped.length > 5 ? `${log.skipped.slice(0, 5).join(", ")}, …` : log.skipped.join(", ");
          ctx.out.warn(`skipped ${log.skipped.length} unreadable line(s) of ${ctx.store.auditLocation} (line ${lines})`);
        }
        if (log.unlanded > 0) {
          ctx.out.warn(`left out ${log.unlanded} change(s) of ${ctx.store.auditLocation} that never landed in the store (a writer died or failed)`);
        }
        const events = since === undefined ? log.events : log.events.filter((e) => Date.parse(e.time) >= since);
        await ctx.out.result(events, () =>
          ctx.out.table(
            ["time", "user", "command", "object", "change"],
            events.map((e) => [e.time, e.user, e.command, e.object, JSON.stringify(e.change)]),
          ),
        );
      }),
    );
}
