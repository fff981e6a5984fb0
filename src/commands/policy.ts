// `apicred policy show | set --max-lifetime DURATION | unset --max-lifetime`: store-wide rules that
// create, edit, rotate and apply enforce (core/policy.ts) and doctor reports.
import type { Command } from "commander";
import { credentialLabel } from "../core/credentials.js";
import { UsageError } from "../core/errors.js";
import { canonicalMaxLifetime, policyViolators, setMaxLifetime } from "../core/policy.js";
import type { StoreDoc } from "../core/types.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";

function summary(doc: StoreDoc, now: number) {
  const violators = policyViolators(doc, now).map(({ credential: c, problem }) => ({ identifier: c.identifier, name: c.name, problem }));
  return { maxLifetime: doc.policy?.maxLifetime ?? null, violators };
}

async function print(ctx: Context, data: ReturnType<typeof summary>, extra: Record<string, unknown> = {}): Promise<void> {
  await ctx.out.result({ ...extra, ...data }, () => {
    ctx.out.line(`max-lifetime  ${data.maxLifetime ?? "none (credentials may live for ever)"}`);
    if (data.violators.length > 0) {
      ctx.out.warn(
        `${data.violators.length} existing credential${data.violators.length === 1 ? " breaks" : "s break"} it: ` +
          `${data.violators.map(credentialLabel).join(", ")} (see \`apicred doctor\`; fix with \`apicred credential edit <cred> --expires ${data.maxLifetime}\`)`,
      );
    }
  });
}

export async function runPolicyShow(ctx: Context): Promise<number | void> {
  await print(ctx, summary((await ctx.read()), Date.now()));
}

export interface PolicySetOptions {
  maxLifetime?: string;
}

export async function runPolicySet(ctx: Context, opts: PolicySetOptions): Promise<number | void> {
  if (opts.maxLifetime === undefined) throw new UsageError("policy set: nothing to set: pass --max-lifetime DURATION (e.g. 365d)");
  const text = canonicalMaxLifetime(opts.maxLifetime);
  const { changed, data } = await ctx.update((doc, record, now) => ({
    changed: setMaxLifetime(doc, text, record),
    data: summary(doc, Date.parse(now)),
  }));
  ctx.out.info(changed ? `max-lifetime set to ${text}` : `max-lifetime was already ${text}`);
  await print(ctx, data, { changed });
}

export interface PolicyUnsetOptions {
  maxLifetime?: true;
}

export async function runPolicyUnset(ctx: Context, opts: PolicyUnsetOptions): Promise<number | void> {
  if (!opts.maxLifetime) throw new UsageError("policy unset: name the rule to remove: --max-lifetime");
  const { changed, data } = await ctx.update((doc, record, now) => ({
    changed: setMaxLifetime(doc, undefined, record),
    data: summary(doc, Date.parse(now)),
  }));
  ctx.out.info(changed ? "max-lifetime removed" : "no max-lifetime was set");
  await print(ctx, data, { changed });
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const policy = program.command("policy").description("store-wide rules for credentials: a maximum lifetime");

  policy
    .command("show")
    .description("show the policy and the credentials that break it")
    .action(act(runPolicyShow));

  policy
    .command("set")
    .description("set a rule: from now on create, edit, rotate and apply refuse credentials that break it (exit 2)")
    .option("--max-lifetime <duration>", "every credential must expire within this long of its creation or edit (90d, 365d, 1y)")
    .addHelpText(
      "after",
      `
Existing credentials are not changed; \`apicred doctor\` reports those that break the rule.`,
    )
    .action(act(runPolicySet));

  policy
    .command("unset")
    .description("remove a rule")
    .option("--max-lifetime", "remove the maximum lifetime")
    .action(act(runPolicyUnset));
}
