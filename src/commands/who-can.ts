// `apicred who-can <action> [--ip IP]`: every credential that would be allowed the action, with the
// roles and grants that allow it — core/reverse.ts asks the one decide() once per credential.
import type { Command } from "commander";
import { allActionNames, findAction } from "../core/catalog.js";
import { Snapshot } from "../core/decide.js";
import { NotFoundError } from "../core/errors.js";
import { parseAddress } from "../core/ip.js";
import { whoCan } from "../core/reverse.js";
import { didYouMean } from "../core/suggest.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";

export interface WhoCanOptions {
  ip?: string;
}

export async function runWhoCan(ctx: Context, actionInput: string, opts: WhoCanOptions): Promise<number | void> {
  const ip = opts.ip === undefined ? undefined : parseAddress(opts.ip);
  const snapshot = new Snapshot((await ctx.read()), { index: true });
  const action = findAction(snapshot.catalog, actionInput);
  if (!action) {
    throw new NotFoundError(`unknown action "${actionInput}"${didYouMean(actionInput, allActionNames(snapshot.catalog))}; see \`apicred action list\``);
  }
  const holders = whoCan(snapshot, action.name, ip, Date.now());
  await ctx.out.result({ action: action.name, ip: ip?.canonical ?? null, count: holders.length, credentials: holders }, async () => {
    if (holders.length === 0) return ctx.out.info(`no credential may run ${action.name}${ip ? ` from ${ip.canonical}` : ""}`);
    await ctx.out.table(
      ["identifier", "name", "admin", "allowed by"],
      holders.map((h) => [h.identifier, h.name ?? "", h.admin ?? "", h.grants.map((g) => `${g.role}: ${g.grant}`).join("; ")]),
    );
    ctx.out.info(`${holders.length} credential${holders.length === 1 ? "" : "s"} may run ${action.name}${ip ? ` from ${ip.canonical}` : ""}`);
  });
  return holders.length > 0 ? 0 : 1;
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("who-can")
    .description("which credentials may run this action (from this IP)? exit 0 some, 1 none")
    .argument("<action>", "API action, e.g. GetInvoices (any case)")
    .option("--ip <ip>", "only credentials allowed from this client IP (the allowlist and their own limits)")
    .addHelpText(
      "after",
      `
Secrets play no part: this is every credential whose admin, expiry, status, roles (and, with --ip,
the allowlist and its own IP limits) allow the action, answered by the same rules as \`check\`.`,
    )
    .action(act(runWhoCan));
}
