// `apicred scan [PATH...] [--revoke]`: finds apicred secrets (checksum-valid `apc_…` tokens) in files,
// folders or stdin and says which are live. Exit 0 nothing live, 1 live secrets found, 2 a path could
// not be read (or bad usage): a pre-commit hook or a CI step. Never prints a secret: only its mask.
import type { Command } from "commander";
import { credentialLabel, deleteCredentials } from "../core/credentials.js";
import { findSecrets, looksBinary, maskSecret } from "../core/scan.js";
import { SecretIndex } from "../core/secret-index.js";
import type { Credential } from "../core/types.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { type SkipReason, walkFiles } from "../store/tree.js";
import { readBounded } from "../ui/bounded-read.js";
import { plural } from "../ui/text.js";

/** Files over this are skipped (logs, dumps, media): a secret in source or config is far smaller. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface Finding {
  file: string;
  line: number;
  column: number;
  live: boolean;
  identifier: string | null;
  name: string | null;
}

export interface ScanOptions {
  revoke?: true;
}

export async function runScan(ctx: Context, paths: string[], opts: ScanOptions): Promise<number | void> {
  const doc = (await ctx.read());
  const now = Date.now();
  const index = new SecretIndex(doc, now);
  const findings: Finding[] = [];
  const live = new Map<string, Credential>();
  const errors: { path: string; message: string }[] = [];
  const skipped: Record<SkipReason, number> = { git: 0, binary: 0, too_large: 0, symlink: 0, special: 0 };
  let files = 0;
  let bytes = 0;
  const scanBytes = (file: string, data: Buffer) => {
    files++;
    bytes += data.length;
    for (const hit of findSecrets(data)) {
      const m = index.lookup(hit.secret);
      if (m.live) live.set(m.credential.identifier, m.credential);
      const named = m.live || m.match === "previous_expired" ? m.credential : null;
      findings.push({ file, line: hit.line, column: hit.column, live: m.live, identifier: named?.identifier ?? null, name: named?.name ?? null });
      if (!ctx.json) {
        const c = ctx.out.c;
        const what = m.live
          ? c.red(`LIVE  credential ${credentialLabel(m.credential)}${m.credential.name ? ` (${m.credential.identifier})` : ""}${m.match === "previous" ? ", previous secret in its grace" : ""}`)
          : named ? `dead  (previous secret of ${credentialLabel(named)}, grace over)` : "dead";
        ctx.out.rows([[`${file}:${hit.line}:${hit.column}`, maskSecret(hit.secret), what]]);
      }
    }
  };
  const started = process.hrtime.bigint();
  if (paths.length === 0) scanBytes("-", await readBounded("stdin", "-", MAX_FILE_BYTES, ctx.io));
  else {
    walkFiles(paths, { maxBytes: MAX_FILE_BYTES, isBinary: looksBinary, cwd: ctx.io.cwd }, {
      file: scanBytes,
      skipped: (_path, why) => void skipped[why]++,
      error: (path, message) => {
        errors.push({ path, message });
        ctx.out.warn(`cannot read ${path}: ${message}`);
      },
    });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  let revoked: string[] | undefined;
  if (opts.revoke && live.size > 0) {
    const targets = [...live.values()];
    await ctx.confirm(
      `Delete ${plural(targets.length, "credential")} whose secret was found (${targets.map((c) => credentialLabel(c)).join(", ")})? Anything using ${targets.length === 1 ? "it" : "them"} stops working.`,
    );
    // Only those still there: another process may have deleted one meanwhile.
    const deleted = await ctx.update((d, record) =>
      deleteCredentials(d, targets.map((c) => c.identifier).filter((id) => d.credentials.some((x) => x.identifier === id)), record),
    );
    revoked = deleted.map((c) => c.identifier);
  }

  const data: Record<string, unknown> = { findings, scanned: { files, bytes, skipped }, errors };
  if (revoked) data.revoked = revoked;
  await ctx.out.result(data, () => {
    const n = findings.filter((f) => f.live).length;
    const skippedText = Object.entries(skipped).filter(([, k]) => k > 0).map(([why, k]) => `${k} ${why.replace("_", " ")}`).join(", ");
    ctx.out.info(
      `scanned ${plural(files, "file")} (${(bytes / 1048576).toFixed(1)} MiB) in ${(ms / 1000).toFixed(2)} s` +
        `${skippedText ? `; skipped ${skippedText}` : ""}: ${plural(findings.length, "secret")} found, ${n} live`,
    );
    if (revoked) for (const id of revoked) ctx.out.info(`revoked credential ${id}`);
    else if (live.size > 0) ctx.out.info(`revoke them: apicred scan ${paths.join(" ")} --revoke  (or \`apicred credential disable <cred>\`)`);
  });
  return live.size > 0 ? 1 : errors.length > 0 ? 2 : 0;
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("scan")
    .description("find apicred secrets in files, folders or stdin and say which still work; exit 1 when a live one is found")
    .argument("[path...]", "files or folders (folders recursively, skipping .git, binaries and files over 50 MiB); default stdin")
    .option("--revoke", "delete the credentials whose live secrets were found (asks first; --yes when not interactive)")
    .addHelpText(
      "after",
      `
Exit 0: nothing live found; 1: live secrets found; 2: a path could not be read, or a usage error.
Findings show file:line:column, the secret masked (apc_XXXX…), live or dead, and the credential.`,
    )
    .action(act(runScan));
}
