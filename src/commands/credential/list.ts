// `apicred credential list`: every credential matching the filters, never a secret.
import { credentialView, listCredentials } from "../../core/credentials.js";
import { parseDuration } from "../../core/durations.js";
import { unusedWithin, usageFields } from "../../core/usage.js";
import type { Context } from "../../context.js";
import { shownTime } from "../../ui/time.js";
import { withPager } from "../../ui/pager.js";
import { statusText, type UsedView, lastUsedText } from "./view.js";

export interface CredentialListOptions {
  admin?: string;
  role?: string;
  expiring?: string;
  unused?: string;
}

export async function runCredentialList(ctx: Context, opts: CredentialListOptions): Promise<number | void> {
  const expiringWithinMs = opts.expiring === undefined ? undefined : parseDuration(opts.expiring, "--expiring");
  const unusedMs = opts.unused === undefined ? undefined : parseDuration(opts.unused, "--unused");
  const doc = (await ctx.read());
  const usage = await ctx.store.readUsage(); // last uses recorded by `serve`
  const now = Date.now();
  const rows: UsedView[] = listCredentials(doc, { admin: opts.admin, role: opts.role, expiringWithinMs }, now)
    .filter((c) => unusedMs === undefined || unusedWithin(usage, c, unusedMs, now))
    .map((c) => ({ ...credentialView(doc, c, now), ...usageFields(usage, c) }));
  await ctx.out.result(rows, async () => {
    if (rows.length === 0 && ctx.out.tty) return ctx.out.line("no credentials match");
    await withPager(ctx, () => ctx.out.table(
      ["identifier", "name", "admin", "roles", "status", "expires", "last used"],
      rows.map((v) => [v.identifier, v.name ?? "", v.admin ?? "", v.roles.join(", "), statusText(ctx, v),
        v.expiresAt === null ? "never" : shownTime(v.expiresAt, ctx.out.tty, now), lastUsedText(v, now, ctx.out.tty)]),
    ));
  });
}
