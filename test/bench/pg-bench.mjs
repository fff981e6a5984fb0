#!/usr/bin/env node
// `npm run bench:pg`: PostgreSQL against the file backend, all from one run, on a real PostgreSQL server
// started here (test/helpers/pg-server.mjs):
// - check: the real `apicred check` (it reads only what one decision needs) on stores of 1,000 and
//   100,000 credentials, PostgreSQL and file; medians of interleaved runs, as ratios to `node -e 0`.
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
  const applies = [];
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
    applies.push({ n, pg: intoPg.ms, file: intoFile.ms });
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
  const check = (store, target) => [[process.execPath, BIN, "--store", store, "check", target.identifier, "GetInvoices", "--ip", "203.0.113.7", "-q"], { APICRED_SECRET: target.secret }];
  for (const s of stores) {
    commands.push([`apicred check, PostgreSQL (${s.n})`, ...check(s.url, s.target)]);
    commands.push([`apicred check, file (${s.n})`, ...check(s.fileStore, s.fileTarget)]);
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
  console.log("\nsummary (one run):");
  for (const a of applies) {
    console.log(`  apply ${a.n} new credentials: PostgreSQL ${a.pg.toFixed(0)} ms = ${(a.pg / a.file).toFixed(2)}x the file backend's ${a.file.toFixed(0)} ms (target: <= 2x)`);
  }
  for (const s of stores) {
    const m = medians.get(`apicred check, PostgreSQL (${s.n})`);
    console.log(`  apicred check on PostgreSQL, ${s.n} credentials: ${m.toFixed(1)} ms = ${(m / base).toFixed(2)}x node -e 0`);
  }
  if (stores.length >= 2) {
    const [small, large] = [stores[0], stores[stores.length - 1]];
    const ms = medians.get(`apicred check, PostgreSQL (${small.n})`);
    const ml = medians.get(`apicred check, PostgreSQL (${large.n})`);
    const apart = Math.abs(ml / ms - 1) * 100;
    console.log(`  PostgreSQL check, ${large.n} vs ${small.n} credentials: ${((ml / ms - 1) * 100).toFixed(1)}% (target: within 15%: ${apart <= 15 ? "holds" : "BROKEN"})`);
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
