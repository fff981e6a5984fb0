#!/usr/bin/env node
// PostgreSQL against the file backend, on a real PostgreSQL server started here (test/helpers/pg-server.mjs):
// - check: a fresh process that reads what one decision needs through the storage port and decides
//   (test/bench/pg-tool.ts, what `check` will run once it opens its store through the port), on
//   stores of 1,000 and 100,000 credentials; medians of interleaved runs, beside `node -e 0` and the
//   real `apicred check` on a file store.
// - a small change (one admin added) on each store: a write loads the whole document (the core stays pure).
// - apply: 100,000 new credentials (plus 50 roles, 20 allowlist entries) in one update, into an empty
//   PostgreSQL store and into an empty file store, through the same tool.
// Spawned processes run without NODE_EXTRA_CA_CERTS (it adds ~50 ms to every Node start here).
//   node test/bench/pg-bench.mjs [--runs 21] [--sizes 1000,100000]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import pg from "pg";
import { startPostgres } from "../helpers/pg-server.mjs";
import { desiredDoc } from "./desired.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "apicred.js");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt("--runs", "21"));
const SIZES = opt("--sizes", "1000,100000").split(",").map(Number);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };

function run(argv, extraEnv = {}, okCodes = [0]) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, status: r.status };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const desired = desiredDoc;

const dir = mkdtempSync(join(tmpdir(), "apicred-pgbench-"));
const server = await startPostgres();
try {
  const tool = join(dir, "pg-tool.cjs");
  await build({
    entryPoints: [join(import.meta.dirname, "pg-tool.ts")], outfile: tool, bundle: true, platform: "node",
    format: "cjs", target: "node20", logLevel: "warning", external: ["pg-native", "cloudflare:sockets"],
  });
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  console.log(`node ${process.version}, PostgreSQL (${(await admin.query("SHOW server_version")).rows[0].server_version}) on 127.0.0.1, fsync off; ${RUNS} interleaved runs, median ms\n`);

  const stores = [];
  for (const n of SIZES) {
    const file = join(dir, `desired-${n}.json`);
    writeFileSync(file, JSON.stringify(desired(n)));
    await admin.query(`CREATE DATABASE bench_${n}`);
    const url = server.url(`bench_${n}`);
    const fileStore = join(dir, `store-${n}.json`);
    const intoPg = run([process.execPath, tool, "apply", url, file]);
    const intoFile = run([process.execPath, tool, "apply", fileStore, file]);
    const created = JSON.parse(intoPg.stdout);
    const fileCreated = JSON.parse(intoFile.stdout);
    console.log(`apply ${String(n).padStart(6)} new credentials: PostgreSQL ${intoPg.ms.toFixed(0).padStart(6)} ms, file ${intoFile.ms.toFixed(0).padStart(6)} ms (${(intoPg.ms / intoFile.ms).toFixed(2)}x)`);
    const touchPg = run([process.execPath, tool, "touch", url, `extra-${n}`]);
    const touchFile = run([process.execPath, tool, "touch", fileStore, `extra-${n}`]);
    console.log(`one small change (admin add) on ${String(n).padStart(6)} credentials: PostgreSQL ${touchPg.ms.toFixed(0).padStart(6)} ms, file ${touchFile.ms.toFixed(0).padStart(6)} ms`);
    stores.push({ n, url, fileStore, target: created[Math.floor(created.length / 2)], fileTarget: fileCreated[Math.floor(fileCreated.length / 2)] });
  }
  await admin.query("ANALYZE"); // as autovacuum would soon after a bulk load
  await admin.end();
  for (const s of stores) {
    const c = new pg.Client({ connectionString: s.url });
    await c.connect();
    await c.query("ANALYZE");
    await c.end();
  }

  const commands = [["node -e 0", [process.execPath, "-e", "0"], {}]];
  for (const s of stores) {
    const a = ["GetInvoices", "203.0.113.7"];
    commands.push([`port check, PostgreSQL (${s.n})`, [process.execPath, tool, "check", s.url, s.target.identifier, ...a], { APICRED_SECRET: s.target.secret }]);
    commands.push([`port check, file (${s.n})`, [process.execPath, tool, "check", s.fileStore, s.fileTarget.identifier, ...a], { APICRED_SECRET: s.fileTarget.secret }]);
    commands.push([`apicred check, file (${s.n})`, [process.execPath, BIN, "--store", s.fileStore, "check", s.fileTarget.identifier, a[0], "--ip", a[1], "-q"], { APICRED_SECRET: s.fileTarget.secret }]);
  }
  const times = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) commands.forEach(([, argv, e], j) => times[j].push(run(argv, e).ms));
  const base = median(times[0]);
  console.log("");
  const medians = new Map();
  commands.forEach(([label], j) => {
    const m = median(times[j]);
    medians.set(label, m);
    console.log(`${label.padEnd(36)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x  (+${(m - base).toFixed(1)} ms over node -e 0)`);
  });
  if (stores.length >= 2) {
    const [small, large] = [stores[0], stores[stores.length - 1]];
    const ms = medians.get(`port check, PostgreSQL (${small.n})`);
    const ml = medians.get(`port check, PostgreSQL (${large.n})`);
    console.log(`\nPostgreSQL check, ${large.n} vs ${small.n} credentials: ${((ml / ms - 1) * 100).toFixed(1)}% (target: within 15%)`);
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
