// `apicred store copy --from SRC --to DST [--yes]`: copies a whole store (hashes, usage and audit
// included) between a file and PostgreSQL, either way. A target that holds anything needs --yes.
import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { envMilliseconds } from "../core/limits.js";
import { warningText } from "../core/store-warnings.js";
import type { StoreDoc } from "../core/types.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { isEmptyStore, readContents, writeContents } from "../store/copy.js";
import { openBackend } from "../store/open.js";
import { resolveStoreLocation } from "../store/paths.js";

function copyCounts(doc: StoreDoc) {
  return {
    admins: doc.admins.length,
    roles: doc.roles.length,
    credentials: doc.credentials.length,
    customActions: doc.actions.length,
    ipAllowlist: doc.ipAllowlist.length,
    accessKey: doc.accessKey !== null,
  };
}

export interface StoreCopyOptions {
  from: string;
  to: string;
}

export async function runStoreCopy(ctx: Context, opts: StoreCopyOptions): Promise<number | void> {
  const from = resolveStoreLocation(opts.from, ctx.io.cwd);
  const to = resolveStoreLocation(opts.to, ctx.io.cwd);
  if (from === to) throw new UsageError("store copy: --from and --to name the same store");
  const source = await openBackend(from);
  const target = await openBackend(to, { lockTimeoutMs: envMilliseconds(ctx.env, "APICRED_LOCK_TIMEOUT_MS") });
  try {
    const contents = await readContents(source);
    for (const w of source.warnings) ctx.out.warn(warningText(w));
    if (contents.skipped.length > 0) {
      ctx.out.warn(`skipped ${contents.skipped.length} unreadable audit line(s) of ${source.location}`);
    }
    const existing = await target.readOrEmpty();
    if (!isEmptyStore(existing)) {
      await ctx.confirm(`Replace everything in ${target.location} (${copyCounts(existing).credentials} credentials) with a copy of ${source.location}?`);
    }
    await writeContents(target, contents, source.location, ctx.command);
    for (const w of target.warnings) ctx.out.warn(warningText(w));
    const result = {
      from: source.location,
      to: target.location,
      counts: copyCounts(contents.doc),
      auditEvents: contents.audit.length,
      usage: contents.usage.size,
    };
    await ctx.out.result(result, () => {
      const c = result.counts;
      ctx.out.line(
        `copied ${source.location} to ${target.location}: ${c.admins} admins, ${c.roles} roles, ${c.credentials} credentials, ` +
          `${c.customActions} custom actions, ${c.ipAllowlist} allowlist entries, access key ${c.accessKey ? "set" : "not set"}, ` +
          `${result.auditEvents} audit events, ${result.usage} usage records`,
      );
    });
  } finally {
    await source.close();
    await target.close();
  }
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const store = program.command("store").description("work on whole stores (files or PostgreSQL)");
  store
    .command("copy")
    .description("copy a whole store (hashes, usage and audit included) between a file and PostgreSQL")
    .requiredOption("--from <store>", "the store to copy: a path or a postgresql:// URL")
    .requiredOption("--to <store>", "the store to write: a path or a postgresql:// URL (replaced, after confirmation)")
    .action(act(runStoreCopy));
}
