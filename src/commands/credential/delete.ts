// `apicred credential delete <cred...>` (alias revoke): credentials that stop working at once.
import { credentialLabel, deleteCredentials, resolveCredential } from "../../core/credentials.js";
import type { Context } from "../../context.js";
import { plural } from "../../ui/text.js";

export async function runCredentialDelete(ctx: Context, refs: string[]): Promise<number | void> {
  const doc = (await ctx.read());
  const targets = [...new Set(refs.map((r) => resolveCredential(doc, r)))];
  const labels = targets.map((c) => (c.name ? `${c.name} (${c.identifier})` : c.identifier));
  await ctx.confirm(`Delete ${plural(targets.length, "credential")} (${labels.join(", ")})? Anything using ${targets.length === 1 ? "it" : "them"} stops working.`);
  const deleted = await ctx.update((d, record) => deleteCredentials(d, refs, record));
  await ctx.out.result({ deleted: deleted.map((c) => c.identifier), count: deleted.length }, () => {
    for (const c of deleted) ctx.out.line(`deleted credential ${credentialLabel(c)}${c.name ? ` (${c.identifier})` : ""}`);
  });
}
