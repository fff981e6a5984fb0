// `apicred credential create`: a new credential, its secret printed once (SPEC.md "Credentials").
import { UsageError } from "../../core/errors.js";
import { canonicalIps, createCredential, credentialLabel, credentialView } from "../../core/credentials.js";
import { parseWhen } from "../../core/durations.js";
import type { Context } from "../../context.js";
import { pickAdmin, pickRoles } from "../../ui/pickers.js";
import { printWithSecret } from "./view.js";

export interface CredentialCreateOptions {
  admin?: string;
  role?: string[];
  name?: string;
  description?: string;
  ip?: string[];
  normalize?: true;
  expires?: string;
}

export async function runCredentialCreate(ctx: Context, opts: CredentialCreateOptions): Promise<number | void> {
  // Validate what needs no store before prompting for anything.
  const expiresAt = opts.expires === undefined ? null : parseWhen(opts.expires, new Date(), "--expires");
  const ips = canonicalIps(opts.ip ?? [], Boolean(opts.normalize));
  let admin = opts.admin;
  let roles = opts.role;
  if (admin === undefined) {
    if (!ctx.interactive) ctx.missing("--admin");
    const doc = await ctx.store.readOrEmpty();
    if (!doc.admins.some((a) => !a.disabled)) {
      throw new UsageError("no enabled admin to create a credential for: add one with `apicred admin add <username>`");
    }
    admin = await pickAdmin(ctx.prompter, doc);
  }
  if (roles === undefined && ctx.interactive) {
    const doc = await ctx.store.readOrEmpty();
    if (doc.roles.length > 0) roles = await pickRoles(ctx.prompter, doc);
  }
  const { view, secret } = await ctx.update((doc, record, now) => {
    const created = createCredential(
      doc,
      { admin: admin!, roles: roles ?? [], name: opts.name ?? null, description: opts.description, ips, expiresAt },
      now,
      record,
    );
    return { view: credentialView(doc, created.credential, Date.parse(now)), secret: created.secret };
  });
  await printWithSecret(
    ctx,
    view,
    secret,
    `created credential ${credentialLabel(view)} for admin ${view.admin} (${view.roles.length ? `roles: ${view.roles.join(", ")}` : "no roles: it authorizes nothing yet"})`,
  );
}
