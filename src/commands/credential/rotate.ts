// `apicred credential rotate <cred>`: a new secret for the same credential, printed once.
import { credentialLabel, credentialView, rotateCredential } from "../../core/credentials.js";
import { parseDuration } from "../../core/durations.js";
import type { Context } from "../../context.js";
import { printWithSecret } from "./view.js";

export interface CredentialRotateOptions {
  grace?: string;
}

export async function runCredentialRotate(ctx: Context, ref: string, opts: CredentialRotateOptions): Promise<number | void> {
  const graceMs = opts.grace === undefined ? 0 : parseDuration(opts.grace, "--grace");
  const { view, secret } = await ctx.update((doc, record, now) => {
    const rotated = rotateCredential(doc, ref, graceMs, now, record);
    return { view: credentialView(doc, rotated.credential, Date.parse(now)), secret: rotated.secret };
  });
  const label = credentialLabel(view);
  await printWithSecret(
    ctx,
    view,
    secret,
    view.previousSecretValidUntil
      ? `rotated credential ${label}; the old secret keeps working until ${view.previousSecretValidUntil}`
      : `rotated credential ${label}; the old secret no longer works`,
  );
}
