// `apicred check <cred> --list`: every action the credential may run, grouped by category, with the
// grant that allows each — computed by core/reverse.ts through the one decide().
import { resolveCredential } from "../core/credentials.js";
import { Snapshot } from "../core/decide.js";
import type { ParsedAddress } from "../core/ip.js";
import { allowedActions } from "../core/reverse.js";
import type { Context } from "../context.js";

export async function runCheckList(ctx: Context, ref: string, ip: ParsedAddress | undefined): Promise<number> {
  const doc = (await ctx.read());
  const credential = resolveCredential(doc, ref); // unknown: exit 3, like `credential show`
  const list = allowedActions(new Snapshot(doc), credential, ip, Date.now());
  const categories: { category: string; actions: { action: string; grants: { role: string; grant: string }[] }[] }[] = [];
  for (const a of list.actions) {
    let group = categories.at(-1);
    if (group?.category !== a.category) categories.push((group = { category: a.category, actions: [] }));
    group.actions.push({ action: a.action, grants: a.grants });
  }
  await ctx.out.result(
    { credential: list.identifier, name: list.name, ip: list.ip, count: list.actions.length, categories, denied: list.denied },
    async () => {
      const who = list.name ? `${list.name} (${list.identifier})` : list.identifier;
      if (list.denied) return ctx.out.info(`credential ${who} may run no action: ${list.denied.reason} — ${list.denied.detail}`);
      if (list.actions.length === 0) return ctx.out.info(`credential ${who} may run no action of the catalog`);
      const grantText = (g: { role: string; grant: string }[]) => g.map((m) => `${m.role}: ${m.grant}`).join("; ");
      await ctx.out.table(
        ["category", "action", "allowed by"],
        list.actions.map((a) => [a.category, a.action, grantText(a.grants)]),
      );
      ctx.out.info(`${list.actions.length} action${list.actions.length === 1 ? "" : "s"} allowed${list.ip ? ` from ${list.ip}` : ""}`);
    },
  );
  return list.actions.length > 0 ? 0 : 1;
}
