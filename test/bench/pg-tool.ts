// The two hot operations of the storage port as a stand-alone process, for test/bench/pg-bench.mjs
// (bundled there with esbuild): `check` as the command does it (readForCredential, then the pure
// decision) and `apply` (planApply + applyPlan in one backend update). Works on either backend.
//   node pg-tool.cjs check <store> <cred> <action> <ip>     (secret in $APICRED_SECRET) -> exit 0/1
//   node pg-tool.cjs apply <store> <desired.json>           -> prints the created credentials as JSON
//   node pg-tool.cjs touch <store> <username>               -> one small change (adds an admin)
import { readFileSync } from "node:fs";
import { addAdmin } from "../../src/core/admins.js";
import { decide, Snapshot } from "../../src/core/decide.js";
import { parseAddress } from "../../src/core/ip.js";
import { applyPlan, planApply } from "../../src/core/apply/index.js";
import { openBackend } from "../../src/store/open.js";

async function main(): Promise<number> {
  const [verb, store, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
  const backend = await openBackend(store, { lockTimeoutMs: 60_000 });
  try {
    if (verb === "check") {
      const [cred, action, ip] = rest as [string, string, string];
      const doc = await backend.readForCredential(cred);
      const d = decide(new Snapshot(doc), { credential: cred, action, ip: parseAddress(ip), secret: process.env.APICRED_SECRET, now: Date.now() });
      return d.allowed ? 0 : 1;
    }
    if (verb === "touch") {
      await backend.update({ command: "admin add" }, (doc, record, now) => void addAdmin(doc, rest[0]!, now, record));
      return 0;
    }
    const input: unknown = JSON.parse(readFileSync(rest[0]!, "utf8"));
    const created = await backend.update({ command: "apply" }, (doc, record, now) =>
      applyPlan(doc, planApply(doc, input, { prune: false }, Date.parse(now)), now, record),
    );
    process.stdout.write(JSON.stringify(created));
    return 0;
  } finally {
    await backend.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 5;
  },
);
