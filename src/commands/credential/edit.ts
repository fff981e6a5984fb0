// `apicred credential edit <cred>`: name, description, roles, IP limits, expiry.
import { UsageError } from "../../core/errors.js";
import { canonicalIps, credentialLabel, credentialView, editCredential } from "../../core/credentials.js";
import { parseWhen } from "../../core/durations.js";
import type { Context } from "../../context.js";
import { showView } from "./view.js";

export interface CredentialEditOptions {
  name?: string;
  description?: string;
  role?: string[];
  addRole?: string[];
  removeRole?: string[];
  ip?: string[];
  clearIps?: true;
  normalize?: true;
  expires?: string;
  expiry: boolean;
}

export async function runCredentialEdit(ctx: Context, ref: string, opts: CredentialEditOptions): Promise<number | void> {
  if (opts.ip && opts.clearIps) throw new UsageError("--ip and --clear-ips cannot be combined");
  if (opts.expires !== undefined && !opts.expiry) throw new UsageError("--expires and --no-expiry cannot be combined");
  if (opts.role && (opts.addRole || opts.removeRole)) {
    throw new UsageError("--role replaces every role: use it alone, or use --add-role/--remove-role");
  }
  const nothing =
    opts.name === undefined && opts.description === undefined && !opts.role && !opts.addRole && !opts.removeRole &&
    !opts.ip && !opts.clearIps && opts.expires === undefined && opts.expiry;
  if (nothing) {
    throw new UsageError(
      "nothing to change: pass --name, -d, --role, --add-role, --remove-role, --ip, --clear-ips, --expires or --no-expiry",
    );
  }
  const expiresAt = opts.expires !== undefined ? parseWhen(opts.expires, new Date(), "--expires") : opts.expiry ? undefined : null;
  const ips = opts.ip ? canonicalIps(opts.ip, Boolean(opts.normalize)) : opts.clearIps ? [] : undefined;
  // `--role ""` (documented) removes every role; program.ts refuses "" anywhere else.
  const roles = opts.role?.length === 1 && opts.role[0] === "" ? [] : opts.role;
  const { view, changed } = await ctx.update((doc, record, now) => {
    const res = editCredential(
      doc,
      ref,
      { name: opts.name, description: opts.description, roles, addRoles: opts.addRole, removeRoles: opts.removeRole, ips, expiresAt },
      record,
      Date.parse(now),
    );
    return { view: credentialView(doc, res.credential, Date.parse(now)), changed: res.changed };
  });
  await ctx.out.result({ ...view, changed }, () => {
    ctx.out.info(changed ? `updated credential ${credentialLabel(view)}` : `credential ${credentialLabel(view)} unchanged`);
    showView(ctx, view);
  });
}
