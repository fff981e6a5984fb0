// `apicred credential show <cred>`: one credential with its last use, never its secret.
import { credentialView, resolveCredential } from "../../core/credentials.js";
import { usageFields } from "../../core/usage.js";
import type { Context } from "../../context.js";
import { type UsedView, showView } from "./view.js";

export async function runCredentialShow(ctx: Context, ref: string): Promise<number | void> {
  const doc = (await ctx.read());
  const c = resolveCredential(doc, ref);
  const view: UsedView = { ...credentialView(doc, c, Date.now()), ...usageFields(await ctx.store.readUsage(), c) };
  await ctx.out.result(view, () => showView(ctx, view));
}
