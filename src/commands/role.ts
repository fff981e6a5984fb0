// `apicred role create | list | show | edit | delete`: named sets of grants (SPEC.md rules 3 and 4).
import type { Command } from "commander";
import { buildCatalog, type Catalog } from "../core/catalog.js";
import { ConflictError } from "../core/errors.js";
import { allowedActionCount, expandGrant, grantAllows, groupGrants, isPattern, PATTERNS } from "../core/grants.js";
import { redundantGrants } from "../core/grant-fold.js";
import { createRole, deleteRole, editRole, findRole, requireRole, roleHolders, validateRoleName } from "../core/roles.js";
import type { Role, StoreDoc } from "../core/types.js";
import type { Context } from "../context.js";
import { act, collect, type Program } from "../run.js";
import { pickGrants } from "../ui/pickers.js";
import { plural } from "../ui/text.js";
import { asciiLower } from "../core/ascii.js";

const PICKER_HINT = "type to filter, space toggles, enter saves";

interface RoleRow {
  name: string;
  description: string;
  grants: string[];
  credentials: number;
}

function row(doc: StoreDoc, role: Role): RoleRow {
  return { name: role.name, description: role.description, grants: [...role.grants], credentials: roleHolders(doc, role) };
}


/** On a terminal, a long grant list is shortened; piped output keeps every grant. */
function grantSummary(ctx: Context, grants: readonly string[]): string {
  if (grants.length === 0) return ctx.out.tty ? "(none)" : "";
  if (!ctx.out.tty || grants.length <= 5) return grants.join(", ");
  return `${grants.slice(0, 4).join(", ")}, … (+${grants.length - 4})`;
}

/** Warns about grants another grant of the role already covers (GetInvoices beside Billing:*). */
function warnRedundant(ctx: Context, catalog: Catalog, grants: readonly string[], only?: readonly string[]): void {
  for (const r of redundantGrants(catalog, grants)) {
    if (only && !only.includes(r.grant) && !only.includes(r.coveredBy)) continue;
    ctx.out.warn(`${r.grant} is already granted by ${r.coveredBy}`);
  }
}

/** Warns when a revoked action is still allowed through another grant of the role (e.g. Billing:*). */
function warnStillAllowed(ctx: Context, catalog: Catalog, role: Role, removed: readonly string[]): void {
  for (const grant of removed) {
    const action = catalog.actions.get(asciiLower(grant));
    if (!action) continue;
    const via = role.grants.filter((g) => grantAllows(g, action));
    if (via.length) ctx.out.warn(`role ${role.name} still allows ${action.name} through ${via.join(", ")}`);
  }
}

export interface RoleCreateOptions {
  description?: string;
  allow?: string[];
}

export async function runRoleCreate(ctx: Context, name: string, opts: RoleCreateOptions): Promise<number | void> {
  let grants = opts.allow;
  if (grants === undefined && ctx.interactive) {
    // Check the name before asking for grants, so nobody picks 20 actions for a name that is taken.
    validateRoleName(name);
    const before = await ctx.store.readOrEmpty();
    const clash = findRole(before, name);
    if (clash) throw new ConflictError(`role "${clash.name}" already exists`);
    grants = await pickGrants(ctx.prompter, buildCatalog(before.actions), [], `Grants for role ${name} (${PICKER_HINT})`);
  }
  const { created, catalog, data } = await ctx.update((doc, record, now) => {
    const catalog = buildCatalog(doc.actions);
    const r = createRole(doc, catalog, { name, description: opts.description, grants: grants ?? [] }, now, record);
    return { created: r, catalog, data: { ...row(doc, r), actions: allowedActionCount(catalog, r.grants) } };
  });
  if (opts.allow) warnRedundant(ctx, catalog, created.grants);
  await ctx.out.result(data, () =>
    ctx.out.line(
      `created role ${created.name} (${created.grants.length ? `${plural(data.actions, "action")}: ${created.grants.join(", ")}` : "no grants yet"})`,
    ),
  );
}

export async function runRoleList(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  const rows = doc.roles.map((r) => row(doc, r)).sort((a, b) => a.name.localeCompare(b.name));
  await ctx.out.result(rows, async () => {
    if (rows.length === 0 && ctx.out.tty) return ctx.out.line("no roles yet: create one with `apicred role create <name>`");
    await ctx.out.table(
      ["role", "grants", "credentials", "description"],
      rows.map((r) => [r.name, grantSummary(ctx, r.grants), String(r.credentials), r.description]),
    );
  });
}

export async function runRoleShow(ctx: Context, name: string): Promise<number | void> {
  const doc = (await ctx.read());
  const r = requireRole(doc, name);
  const catalog = buildCatalog(doc.actions);
  const groups = groupGrants(catalog, r.grants);
  const data = {
    ...row(doc, r),
    createdAt: r.createdAt,
    actions: allowedActionCount(catalog, r.grants),
    grantsByCategory: groups.map((g) => ({ category: g.category, grants: g.grants })),
    // Each pattern grant with the actions it matches right now (it also covers ones added later).
    patterns: Object.fromEntries(r.grants.filter(isPattern).map((g) => [g, expandGrant(catalog, g)])),
  };
  await ctx.out.result(data, () => {
    const c = ctx.out.c;
    ctx.out.line(`${c.bold("role")}         ${data.name}`);
    ctx.out.line(`${c.bold("description")}  ${data.description || "-"}`);
    ctx.out.line(`${c.bold("credentials")}  ${data.credentials}`);
    ctx.out.line(`${c.bold("allows")}       ${plural(data.actions, "action")} of the catalog`);
    ctx.out.line(`${c.bold("created")}      ${data.createdAt}`);
    ctx.out.line(c.bold("grants"));
    if (groups.length === 0) ctx.out.line("  (none: this role allows nothing)");
    for (const g of groups) {
      const heading =
        g.category === "*" ? "Everything" : g.category === PATTERNS ? "Patterns" : g.category ?? "Not in the catalog (grant nothing)";
      ctx.out.line(`  ${heading}`);
      for (const grant of g.grants) {
        const matches = data.patterns[grant];
        ctx.out.line(matches && matches.length > 0 ? `    ${grant}  ${c.dim(`= ${matches.join(", ")}`)}` : `    ${grant}`);
      }
    }
  });
}

export interface RoleEditOptions {
  rename?: string;
  description?: string;
  allow?: string[];
  revoke?: string[];
  set?: string[];
}

export async function runRoleEdit(ctx: Context, name: string, opts: RoleEditOptions): Promise<number | void> {
  let set = opts.set;
  const noFlags =
    opts.rename === undefined && opts.description === undefined && !opts.allow && !opts.revoke && !opts.set;
  if (noFlags) {
    const doc = (await ctx.read());
    const current = requireRole(doc, name);
    if (!ctx.interactive) {
      ctx.missing("one of --allow, --revoke, --set, --rename or -d");
    }
    set = await pickGrants(ctx.prompter, buildCatalog(doc.actions), current.grants, `Grants for role ${current.name} (${PICKER_HINT})`);
  }
  const { result, data, catalog } = await ctx.update((doc, record) => {
    const cat = buildCatalog(doc.actions);
    const res = editRole(doc, cat, name, { rename: opts.rename, description: opts.description, allow: opts.allow, revoke: opts.revoke, set }, record);
    return { result: res, catalog: cat, data: { ...row(doc, res.role), changed: res.changed, renamedFrom: res.renamedFrom, added: res.added, removed: res.removed } };
  });
  for (const g of result.notHeld) ctx.out.warn(`role ${result.role.name} did not have grant ${g}`);
  warnStillAllowed(ctx, catalog, result.role, result.removed);
  if (opts.allow || opts.set) warnRedundant(ctx, catalog, result.role.grants, opts.set ? undefined : result.added);
  await ctx.out.result(data, () => {
    if (!result.changed) return ctx.out.line(`role ${result.role.name} unchanged`);
    const parts: string[] = [];
    if (result.renamedFrom) parts.push(`renamed from ${result.renamedFrom}`);
    if (result.descriptionChanged) parts.push("description updated");
    if (result.added.length) parts.push(`allowed ${result.added.join(", ")}`);
    if (result.removed.length) parts.push(`revoked ${result.removed.join(", ")}`);
    ctx.out.line(`updated role ${result.role.name}: ${parts.join("; ")}`);
  });
}

export async function runRoleDelete(ctx: Context, name: string): Promise<number | void> {
  const doc = (await ctx.read());
  const target = requireRole(doc, name);
  const holders = roleHolders(doc, target);
  await ctx.confirm(
    `Delete role ${target.name}${holders ? ` and unassign it from ${plural(holders, "credential")}` : ""}?`,
  );
  const { role: deleted, unassignedFrom } = await ctx.update((d, record) => deleteRole(d, name, record));
  await ctx.out.result({ deleted: deleted.name, unassignedFrom }, () =>
    ctx.out.line(`deleted role ${deleted.name} (unassigned from ${plural(unassignedFrom, "credential")})`),
  );
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const role = program.command("role").description("manage roles: named sets of allowed API actions");

  role
    .command("create")
    .description("create a role (on a terminal, without --allow, pick its grants from the catalog)")
    .argument("<name>", "the role name: 1-64 letters, digits, '.', '_' or '-'")
    .option("-d, --description <text>", "what the role is for")
    .option("--allow <grant>", "a grant: an action (GetInvoices), Category:* or *; repeatable or comma-separated", collect)
    .action(act(runRoleCreate));

  role
    .command("list")
    .alias("ls")
    .description("list roles, their grants and how many credentials hold each")
    .action(act(runRoleList));

  role
    .command("show")
    .description("show a role: its grants grouped by category and how many credentials hold it")
    .argument("<name>", "the role")
    .action(act(runRoleShow));

  role
    .command("edit")
    .description("rename, describe or change the grants of a role (on a terminal, with no options, pick its grants)")
    .argument("<name>", "the role")
    .option("--rename <new>", "a new name (credentials keep the role)")
    .option("-d, --description <text>", "a new description (\"\" clears it)")
    .option("--allow <grant>", "add grants; repeatable or comma-separated", collect)
    .option("--revoke <grant>", "remove grants; repeatable or comma-separated", collect)
    .option("--set <grant>", "replace every grant with these; repeatable or comma-separated", collect)
    .action(act(runRoleEdit));

  role
    .command("delete")
    .aliases(["rm"])
    .description("delete a role and unassign it from every credential that holds it")
    .argument("<name>", "the role")
    .action(act(runRoleDelete));
}
