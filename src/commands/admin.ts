// `apicred admin add | list | disable | enable | remove`.
import type { Command } from "commander";
import { addAdmin, credentialCount, removeAdmin, requireAdmin, setAdminDisabled } from "../core/admins.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";

export async function runAdminAdd(ctx: Context, username: string): Promise<number | void> {
  const added = await ctx.update((doc, record, now) => addAdmin(doc, username, now, record));
  await ctx.out.result({ username: added.username, disabled: false, credentials: 0 }, () =>
    ctx.out.line(`added admin ${added.username}`),
  );
}

export async function runAdminList(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  const rows = doc.admins
    .map((a) => ({ username: a.username, disabled: a.disabled, credentials: credentialCount(doc, a), createdAt: a.createdAt }))
    .sort((a, b) => a.username.localeCompare(b.username));
  await ctx.out.result(rows, async () => {
    if (rows.length === 0 && ctx.out.tty) return ctx.out.line("no admins yet: add one with `apicred admin add <username>`");
    await ctx.out.table(
      ["username", "status", "credentials", "created"],
      rows.map((r) => [r.username, r.disabled ? ctx.out.c.red("disabled") : "enabled", String(r.credentials), r.createdAt]),
    );
  });
}

/** `admin disable` and `admin enable`: one body, told which. */
async function setDisabled(ctx: Context, username: string, disabled: boolean): Promise<void> {
  const { admin: a, changed } = await ctx.update((doc, record) => setAdminDisabled(doc, username, disabled, record));
  const count = credentialCount((await ctx.read()), a);
  await ctx.out.result({ username: a.username, disabled, changed, credentials: count }, () =>
    ctx.out.line(
      changed
        ? `${disabled ? "disabled" : "enabled"} admin ${a.username} (${count} credential${count === 1 ? "" : "s"} ${disabled ? "now denied" : "work again"})`
        : `admin ${a.username} was already ${disabled ? "disabled" : "enabled"}`,
    ),
  );
}

export async function runAdminDisable(ctx: Context, username: string): Promise<number | void> {
  return setDisabled(ctx, username, true);
}

export async function runAdminEnable(ctx: Context, username: string): Promise<number | void> {
  return setDisabled(ctx, username, false);
}

export async function runAdminRemove(ctx: Context, username: string): Promise<number | void> {
  const doc = (await ctx.read());
  const target = requireAdmin(doc, username);
  const count = credentialCount(doc, target);
  await ctx.confirm(`Remove admin ${target.username} and delete its ${count} credential${count === 1 ? "" : "s"}?`);
  const removed = await ctx.update((d, record) => removeAdmin(d, username, record));
  await ctx.out.result({ removed: removed.admin.username, deletedCredentials: removed.deletedCredentials }, () =>
    ctx.out.line(`removed admin ${removed.admin.username} and deleted ${removed.deletedCredentials} credential${removed.deletedCredentials === 1 ? "" : "s"}`),
  );
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const admin = program.command("admin").description("manage the admins credentials authenticate as");

  admin
    .command("add")
    .description("add an admin")
    .argument("<username>", "the admin's username")
    .action(act(runAdminAdd));

  admin
    .command("list")
    .alias("ls")
    .description("list admins and how many credentials each has")
    .action(act(runAdminList));

  for (const [verb, disabled] of [["disable", true], ["enable", false]] as const) {
    admin
      .command(verb)
      .description(disabled ? "disable an admin: its credentials stop working until enabled" : "enable a disabled admin")
      .argument("<username>", "the admin's username")
      .action(act(disabled ? runAdminDisable : runAdminEnable));
  }

  admin
    .command("remove")
    .alias("rm")
    .description("remove an admin and delete all of its credentials")
    .argument("<username>", "the admin's username")
    .action(act(runAdminRemove));
}
