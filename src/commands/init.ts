// `apicred init` and `apicred status`.
import type { Command } from "commander";
import { emptyAllowlistWarning } from "../core/allowlist.js";
import { isExpired } from "../core/credentials.js";
import { warningText } from "../core/store-warnings.js";
import type { StoreDoc } from "../core/types.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";

/** Plain-language warnings about the store's state (status shows them; doctor goes further). */
function storeWarnings(doc: StoreDoc): string[] {
  const warnings: string[] = [];
  const allowlist = emptyAllowlistWarning(doc);
  if (allowlist) warnings.push(allowlist);
  if (doc.admins.length === 0) warnings.push("no admins yet: add one with `apicred admin add <username>`");
  return warnings;
}

export async function runInit(ctx: Context): Promise<number | void> {
  const existed = await ctx.store.exists();
  await ctx.update(() => undefined); // a missing store is created; an existing one is left as it is
  await ctx.out.result({ store: ctx.store.location, created: !existed }, () => {
    ctx.out.line(existed ? `store already exists: ${ctx.store.location}` : `created store ${ctx.store.location}`);
  });
}

export async function runStatus(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  const now = Date.now();
  const expired = doc.credentials.filter((c) => isExpired(c, now)).length;
  const status = {
    store: ctx.store.location,
    auditLog: ctx.store.auditLocation,
    version: doc.version,
    counts: {
      admins: doc.admins.length,
      disabledAdmins: doc.admins.filter((a) => a.disabled).length,
      roles: doc.roles.length,
      credentials: doc.credentials.length,
      expiredCredentials: expired,
      customActions: doc.actions.length,
      ipAllowlist: doc.ipAllowlist.length,
    },
    accessKey: doc.accessKey !== null,
    warnings: [...ctx.store.warnings.map(warningText), ...storeWarnings(doc)],
  };
  await ctx.out.result(status, async () => {
    const c = status.counts;
    const rows: [string, string][] = [
      ["store", status.store],
      ["audit log", status.auditLog],
      ["admins", `${c.admins}${c.disabledAdmins ? ` (${c.disabledAdmins} disabled)` : ""}`],
      ["roles", String(c.roles)],
      ["credentials", `${c.credentials}${expired ? ` (${expired} expired)` : ""}`],
      ["custom actions", String(c.customActions)],
      ["IP allowlist", `${c.ipAllowlist} ${c.ipAllowlist === 1 ? "entry" : "entries"}`],
      ["access key", status.accessKey ? "set" : "not set"],
    ];
    for (const [k, v] of rows) ctx.out.line(`${k.padEnd(15)} ${v}`);
    for (const w of storeWarnings(doc)) ctx.out.warn(w);
  });
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("init")
    .description("create the store (safe to run again)")
    .action(act(runInit));

  program
    .command("status")
    .description("show the store path, what it holds and any warnings")
    .action(act(runStatus));
}
