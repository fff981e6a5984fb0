// How `credential` commands show a credential: its status, the one-time secret, the detail view.
import type { CredentialView } from "../../core/credentials.js";
import type { Context } from "../../context.js";
import { ago } from "../../ui/time.js";

export function statusText(ctx: Context, v: CredentialView): string {
  const c = ctx.out.c;
  if (v.status === "disabled") return c.yellow("disabled");
  if (v.status === "expired") return c.red("expired");
  if (v.status === "admin_disabled") return c.red("admin disabled");
  return "active";
}

/** The secret on stdout (the only place it is ever printed), the warning on stderr. */
export async function printWithSecret(ctx: Context, view: CredentialView, secret: string, summary: string): Promise<void> {
  const { identifier, ...rest } = view;
  ctx.out.reveal(secret); // printed this once; any other apc_… is masked
  await ctx.out.result({ identifier, secret, ...rest }, () => {
    ctx.out.info(summary);
    ctx.out.line(`identifier  ${view.identifier}`);
    ctx.out.line(`secret      ${secret}`);
  });
  ctx.out.secretWarning("secret");
}

export type UsedView = CredentialView & { lastUsedAt: string | null; lastUsedIp: string | null };

export function lastUsedText(v: UsedView, now: number, tty = true): string {
  return v.lastUsedAt === null ? "never" : tty ? ago(v.lastUsedAt, now) : v.lastUsedAt;
}

export function showView(ctx: Context, v: CredentialView | UsedView): void {
  const c = ctx.out.c;
  const lines: [string, string][] = [
    ["identifier", v.identifier],
    ["name", v.name ?? "-"],
    ["admin", v.admin ?? "(missing)"],
    ["status", statusText(ctx, v)],
    ["roles", v.roles.length ? v.roles.join(", ") : "(none: authorizes nothing)"],
    ["ips", v.ips.length ? v.ips.join(", ") : "(any allowed by the allowlist)"],
    ["expires", v.expiresAt ?? "never"],
    ["description", v.description || "-"],
    ["created", v.createdAt],
    ["rotated", v.rotatedAt ?? "never"],
  ];
  if (v.previousSecretValidUntil) lines.push(["old secret", `valid until ${v.previousSecretValidUntil}`]);
  if ("lastUsedAt" in v) {
    lines.push(["last used", v.lastUsedAt === null ? "never" : `${lastUsedText(v, Date.now())} (${v.lastUsedAt}${v.lastUsedIp ? ` from ${v.lastUsedIp}` : ""})`]);
  }
  for (const [k, val] of lines) ctx.out.line(`${c.bold(k.padEnd(12))} ${val}`);
}
