// `apicred ip add | list | note | remove | test`: the global IP allowlist (WHMCS "API IP Access
// Restriction"). An empty allowlist closes the API to every IP unless the access key is presented.
import type { Command } from "commander";
import { addIp, allowlistMatcher, emptyAllowlistWarning, removeIps, requireEntry, setIpNote } from "../core/allowlist.js";
import { parseAddress } from "../core/ip.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { plural } from "../ui/text.js";
import { shownTime } from "../ui/time.js";

export interface IpAddOptions {
  note: string;
  normalize?: true;
}

export async function runIpAdd(ctx: Context, text: string, opts: IpAddOptions): Promise<number | void> {
  const { entry, parsed } = await ctx.update((doc, record, now) => addIp(doc, text, opts.note, Boolean(opts.normalize), now, record));
  const result = { ...entry, ...(parsed.normalizedFrom ? { normalizedFrom: parsed.normalizedFrom } : {}) };
  await ctx.out.result(result, () => {
    if (parsed.normalizedFrom) ctx.out.info(`normalised ${parsed.normalizedFrom} to ${entry.address}`);
    ctx.out.line(`added ${entry.address} to the IP allowlist${entry.note ? ` (${entry.note})` : ""}`);
  });
  if (parsed.prefix === 0) {
    ctx.out.warn(`${entry.address} allows every IPv${parsed.family} address: the allowlist no longer restricts IPv${parsed.family} clients`);
  }
}

export async function runIpList(ctx: Context): Promise<number | void> {
  const doc = (await ctx.read());
  const rows = doc.ipAllowlist.map((e) => ({ address: e.address, note: e.note, addedAt: e.addedAt }));
  await ctx.out.result(rows, async () => {
    if (rows.length === 0) return ctx.out.warn(emptyAllowlistWarning(doc)!);
    await ctx.out.table(["address", "note", "added"], rows.map((r) => [r.address, r.note, shownTime(r.addedAt, ctx.out.tty)]));
  });
}

export async function runIpNote(ctx: Context, text: string, note: string): Promise<number | void> {
  const entry = await ctx.update((doc, record) => setIpNote(doc, text, note, record));
  await ctx.out.result({ address: entry.address, note: entry.note, addedAt: entry.addedAt }, () =>
    ctx.out.line(entry.note ? `note of ${entry.address}: ${entry.note}` : `cleared the note of ${entry.address}`),
  );
}

export async function runIpRemove(ctx: Context, texts: string[]): Promise<number | void> {
  const doc = (await ctx.read());
  // Resolve every entry first: a typo is reported (exit 2 or 3) before anything is asked or changed.
  const targets = [...new Set(texts.map((t) => requireEntry(doc, t).address))];
  const closes = targets.length === doc.ipAllowlist.length;
  await ctx.confirm(
    `Remove ${targets.join(", ")} from the IP allowlist?${closes ? " The allowlist will be empty: every IP will be denied." : ""}`,
  );
  const removed = await ctx.update((d, record) => removeIps(d, targets, record));
  const after = (await ctx.read());
  await ctx.out.result({ removed: removed.map((e) => e.address), remaining: after.ipAllowlist.length }, () =>
    ctx.out.line(`removed ${plural(removed.length, "entry", "entries")} from the IP allowlist: ${removed.map((e) => e.address).join(", ")}`),
  );
  if (after.ipAllowlist.length === 0) ctx.out.warn(emptyAllowlistWarning(after)!);
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const ip = program
    .command("ip")
    .description('the global IP allowlist (WHMCS "API IP Access Restriction"); empty means every IP is denied');

  ip.command("add")
    .description("allow an IPv4/IPv6 address or CIDR range")
    .argument("<ip|cidr>", "e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32")
    .option("--note <text>", "what this entry is for, e.g. the server's name", "")
    .option("--normalize", "clear host bits of a CIDR (10.0.0.5/8 → 10.0.0.0/8) instead of rejecting it")
    .action(act(runIpAdd));

  ip.command("list")
    .alias("ls")
    .description("list the allowlist: address, note, when added")
    .action(act(runIpList));

  ip.command("note")
    .description("set (or, with an empty TEXT, clear) an entry's note")
    .argument("<entry>", "the entry, in any spelling (10.0.0.1/32 = 10.0.0.1)")
    .argument("<text>", "the new note")
    .action(act(runIpNote));

  ip.command("remove")
    .alias("rm")
    .description("remove entries from the allowlist")
    .argument("<entry...>", "entries, in any spelling")
    .action(act(runIpRemove));

  ip.command("test")
    .description("which allowlist entry matches an IP (exit 0 matched, 1 not, 2 invalid)")
    .argument("<ip>", "a single IPv4 or IPv6 address")
    .action(act(runIpTest));
}

export async function runIpTest(ctx: Context, text: string): Promise<number> {
  const address = parseAddress(text);
  const doc = (await ctx.read());
  const entry = allowlistMatcher(doc)(address);
  const found = entry === undefined ? undefined : doc.ipAllowlist.find((e) => e.address === entry);
  const result = {
    ip: address.canonical,
    matched: entry !== undefined,
    entry: entry ?? null,
    note: found?.note ?? null,
    accessKeySet: doc.accessKey !== null,
  };
  await ctx.out.result(result, () => {
    if (entry !== undefined) {
      ctx.out.line(`${address.canonical} is allowed by ${entry}${found?.note ? ` (${found.note})` : ""}`);
      return;
    }
    const unless = doc.accessKey ? " (only a request presenting the access key gets through)" : "";
    ctx.out.line(`${address.canonical} is not on the IP allowlist${unless}`);
    if (doc.ipAllowlist.length === 0) ctx.out.warn(emptyAllowlistWarning(doc)!);
  });
  return entry === undefined ? 1 : 0;
}
