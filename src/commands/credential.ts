// `apicred credential create | list | show | edit | rotate | delete` (alias `cred`; `delete` alias
// `revoke`); disable, enable and whois live in credential-lifecycle.ts. The secret is printed once,
// by create and rotate, and never by anything else.
import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import {
  type CredentialView,
  canonicalIps,
  createCredential,
  credentialLabel,
  credentialView,
  deleteCredentials,
  editCredential,
  listCredentials,
  resolveCredential,
  rotateCredential,
} from "../core/credentials.js";
import { parseDuration, parseWhen } from "../core/durations.js";
import { type LastUse, unusedWithin, usageFields } from "../core/usage.js";
import type { Context } from "../context.js";
import { act, collect } from "../run.js";
import { registerLifecycle } from "./credential-lifecycle.js";
import { pickAdmin, pickRoles } from "../ui/pickers.js";
import { ago, shownTime } from "../ui/time.js";
import { plural } from "../ui/text.js";
import { withPager } from "../ui/pager.js";

function statusText(ctx: Context, v: CredentialView): string {
  const c = ctx.out.c;
  if (v.status === "disabled") return c.yellow("disabled");
  if (v.status === "expired") return c.red("expired");
  if (v.status === "admin_disabled") return c.red("admin disabled");
  return "active";
}

/** The secret on stdout (the only place it is ever printed), the warning on stderr. */
async function printWithSecret(ctx: Context, view: CredentialView, secret: string, summary: string): Promise<void> {
  const { identifier, ...rest } = view;
  ctx.out.reveal(secret); // printed this once; any other apc_… is masked
  await ctx.out.result({ identifier, secret, ...rest }, () => {
    ctx.out.info(summary);
    ctx.out.line(`identifier  ${view.identifier}`);
    ctx.out.line(`secret      ${secret}`);
  });
  ctx.out.secretWarning("secret");
}


type UsedView = CredentialView & { lastUsedAt: string | null; lastUsedIp: string | null };

function lastUsedText(v: UsedView, now: number, tty = true): string {
  return v.lastUsedAt === null ? "never" : tty ? ago(v.lastUsedAt, now) : v.lastUsedAt;
}

function showView(ctx: Context, v: CredentialView | UsedView): void {
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

export function register(program: Command): void {
  const cred = program
    .command("credential")
    .alias("cred")
    .description("manage API credentials: an identifier and a secret that authenticate as an admin");

  cred
    .command("create")
    .description("create a credential and print its secret once (on a terminal, without --admin, pick admin and roles)")
    .option("--admin <username>", "the admin it authenticates as (must exist and be enabled)")
    .option("--role <role>", "a role it carries; repeatable or comma-separated", collect)
    .option("--name <name>", "a unique label, usable instead of the identifier")
    .option("-d, --description <text>", "what it is for")
    .option("--ip <ip|cidr>", "only from these IPs/CIDRs (at most 100); repeatable or comma-separated", collect)
    .option("--normalize", "clear host bits of a CIDR given with --ip (10.0.0.5/8 -> 10.0.0.0/8) instead of refusing it")
    .option("--expires <when>", "expiry: an ISO-8601 date/time or a duration from now (90d, 12h, 2w)")
    .action(
      act(
        async (
          ctx,
          opts: { admin?: string; role?: string[]; name?: string; description?: string; ip?: string[]; normalize?: boolean; expires?: string },
        ) => {
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
        },
      ),
    );

  cred
    .command("list")
    .alias("ls")
    .description("list credentials (never their secrets)")
    .option("--admin <username>", "only this admin's credentials")
    .option("--role <role>", "only credentials holding this role")
    .option("--expiring <duration>", "only credentials that expire within this duration (90d, 12h, 2w), expired ones included")
    .option("--unused <duration>", "only credentials not used within this duration (90d), never-used ones included")
    .action(
      act(async (ctx, opts: { admin?: string; role?: string; expiring?: string; unused?: string }) => {
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
      }),
    );

  cred
    .command("show")
    .description("show a credential (never its secret)")
    .argument("<cred>", "identifier or name")
    .action(
      act(async (ctx, ref: string) => {
        const doc = (await ctx.read());
        const c = resolveCredential(doc, ref);
        const view: UsedView = { ...credentialView(doc, c, Date.now()), ...usageFields(await ctx.store.readUsage(), c) };
        await ctx.out.result(view, () => showView(ctx, view));
      }),
    );

  cred
    .command("edit")
    .description("change a credential's name, description, roles, IP limits or expiry")
    .argument("<cred>", "identifier or name")
    .option("--name <name>", "a new unique label (\"\" removes it)")
    .option("-d, --description <text>", "a new description (\"\" clears it)")
    .option("--role <role>", "replace its roles with these; repeatable or comma-separated", collect)
    .option("--add-role <role>", "add roles; repeatable or comma-separated", collect)
    .option("--remove-role <role>", "remove roles; repeatable or comma-separated", collect)
    .option("--ip <ip|cidr>", "replace its IP limits with these (at most 100); repeatable or comma-separated", collect)
    .option("--clear-ips", "remove its IP limits")
    .option("--normalize", "clear host bits of a CIDR given with --ip instead of refusing it")
    .option("--expires <when>", "a new expiry: an ISO-8601 date/time or a duration from now")
    .option("--no-expiry", "remove its expiry")
    .action(
      act(
        async (
          ctx,
          ref: string,
          opts: {
            name?: string;
            description?: string;
            role?: string[];
            addRole?: string[];
            removeRole?: string[];
            ip?: string[];
            clearIps?: boolean;
            normalize?: boolean;
            expires?: string;
            expiry: boolean;
          },
        ) => {
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
        },
      ),
    );

  cred
    .command("rotate")
    .description("issue a new secret for the same identifier and roles, printed once")
    .argument("<cred>", "identifier or name")
    .option("--grace <duration>", "keep the old secret working this long (90d, 12h, 30m); default: it stops now")
    .action(
      act(async (ctx, ref: string, opts: { grace?: string }) => {
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
      }),
    );

  cred
    .command("delete")
    .aliases(["revoke", "rm"])
    .description("delete (revoke) credentials: they stop working at once")
    .argument("<cred...>", "identifiers or names")
    .action(
      act(async (ctx, refs: string[]) => {
        const doc = (await ctx.read());
        const targets = [...new Set(refs.map((r) => resolveCredential(doc, r)))];
        const labels = targets.map((c) => (c.name ? `${c.name} (${c.identifier})` : c.identifier));
        await ctx.confirm(`Delete ${plural(targets.length, "credential")} (${labels.join(", ")})? Anything using ${targets.length === 1 ? "it" : "them"} stops working.`);
        const deleted = await ctx.update((d, record) => deleteCredentials(d, refs, record));
        await ctx.out.result({ deleted: deleted.map((c) => c.identifier), count: deleted.length }, () => {
          for (const c of deleted) ctx.out.line(`deleted credential ${credentialLabel(c)}${c.name ? ` (${c.identifier})` : ""}`);
        });
      }),
    );

  registerLifecycle(cred);
}
