// `apicred action list | categories | add | remove`: the WHMCS catalog plus custom actions.
import type { Command } from "commander";
import { buildCatalog, listActions, listCategories, requireCategory } from "../core/catalog.js";
import { addCustomAction, removeCustomAction } from "../core/custom-actions.js";
import type { Context } from "../context.js";
import { withPager } from "../ui/pager.js";
import { act, type Program } from "../run.js";

async function readCatalog(ctx: Context) {
  return buildCatalog((await ctx.read()).actions);
}

export interface ActionListOptions {
  category?: string;
  custom?: true;
}

export async function runActionList(ctx: Context, opts: ActionListOptions): Promise<number | void> {
  const catalog = (await readCatalog(ctx));
  const category = opts.category === undefined ? undefined : requireCategory(catalog, opts.category);
  const rows = listActions(catalog).filter(
    (a) => (category === undefined || a.category === category) && (!opts.custom || a.custom),
  );
  await ctx.out.result(rows, () =>
    withPager(ctx, () =>
      ctx.out.table(
        ["action", "category", "source"],
        rows.map((a) => [a.name, a.category, a.custom ? "custom" : "built-in"]),
      ),
    ),
  );
}

export async function runActionCategories(ctx: Context): Promise<number | void> {
  const rows = listCategories((await readCatalog(ctx)));
  await ctx.out.result(rows, () =>
    ctx.out.table(["category", "actions", "custom"], rows.map((r) => [r.name, String(r.actions), String(r.custom)])),
  );
}

export interface ActionAddOptions {
  category: string;
}

export async function runActionAdd(ctx: Context, name: string, opts: ActionAddOptions): Promise<number | void> {
  const added = await ctx.update((doc, record, now) => addCustomAction(doc, name, opts.category, now, record));
  await ctx.out.result({ name: added.name, category: added.category, custom: true }, () =>
    ctx.out.line(`added custom action ${added.name} (category ${added.category})`),
  );
}

export async function runActionRemove(ctx: Context, name: string): Promise<number | void> {
  const removed = await ctx.update((doc, record) => removeCustomAction(doc, name, record));
  await ctx.out.result({ removed: removed.name }, () => ctx.out.line(`removed custom action ${removed.name}`));
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const action = program.command("action").description("the API action catalog (WHMCS built-ins and custom actions)");

  action
    .command("list")
    .alias("ls")
    .description("list actions")
    .option("--category <category>", "only this category")
    .option("--custom", "only custom actions")
    .action(act(runActionList));

  action
    .command("categories")
    .description("list categories and how many actions each holds")
    .action(act(runActionCategories));

  action
    .command("add")
    .description("add a custom action (e.g. one a WHMCS module registers)")
    .argument("<name>", "the action name, e.g. MyModuleSync")
    .requiredOption("--category <category>", "its category: an existing one or a new one")
    .action(act(runActionAdd));

  action
    .command("remove")
    .alias("rm")
    .description("remove a custom action (built-in actions cannot be removed)")
    .argument("<name>", "the custom action")
    .action(act(runActionRemove));
}
