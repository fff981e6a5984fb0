#!/usr/bin/env node
// `npm run bench`: start-up and throughput of the hot paths, side by side with bare `node -e 0`.
// Stores are made through the bulk path (`apply`): 50 roles, 20 allowlist entries and N credentials.
// Each figure is the median of interleaved runs (so machine noise hits every command alike), with
// NODE_EXTRA_CA_CERTS unset (it adds ~50 ms to every Node start on the build machine).
//   node test/bench/bench.mjs [--runs 21] [--sizes 1000,10000,100000]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { desiredDoc } from "./desired.mjs";

const BIN = resolve(import.meta.dirname, "../../bin/apicred.js");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt("--runs", "21"));
const SIZES = opt("--sizes", "1000,10000,100000").split(",").map(Number);
const BATCH = Number(opt("--batch", "50000"));

const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };

function run(argv, extraEnv = {}, input) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...env, ...extraEnv }, input, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && !argv.includes("-q")) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const apicred = (store, ...a) => [process.execPath, BIN, "--store", store, ...a];

function makeStore(dir, credentials) {
  const store = join(dir, `store-${credentials}.json`);
  const doc = desiredDoc(credentials);
  const file = join(dir, `desired-${credentials}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const applied = run(apicred(store, "apply", "--file", file, "--json"));
  const created = JSON.parse(applied.stdout).created;
  return { store, applyMs: applied.ms, created };
}

const dir = mkdtempSync(join(tmpdir(), "apicred-bench-"));
try {
  console.log(`node ${process.version}, ${RUNS} interleaved runs per command, median ms (ratio to node -e 0)\n`);
  const stores = SIZES.map((n) => ({ n, ...makeStore(dir, n) }));
  for (const s of stores) console.log(`apply: ${s.n} credentials created in one process: ${s.applyMs.toFixed(0)} ms`);

  const commands = [["node -e 0", [process.execPath, "-e", "0"], {}]];
  for (const s of stores) {
    const target = s.created[Math.floor(s.created.length / 2)];
    commands.push([
      `check (${s.n} credentials)`,
      apicred(s.store, "check", target.identifier, "GetInvoices", "--ip", "203.0.113.7", "-q"),
      { APICRED_SECRET: target.secret },
    ]);
  }
  const small = stores[0];
  commands.push([`__complete role show '' (${small.n} credentials)`, [process.execPath, BIN, "__complete", "--store", small.store, "role", "show", ""], {}]);

  const times = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) commands.forEach(([, argv, e], j) => times[j].push(run(argv, e).ms));
  const base = median(times[0]);
  console.log("");
  commands.forEach(([label], j) => {
    const m = median(times[j]);
    console.log(`${label.padEnd(44)} ${m.toFixed(1).padStart(7)} ms  ${(m / base).toFixed(2)}x`);
  });
  // The start-up budget (README, "Performance"): a check on 1,000 credentials within 15 ms of bare node.
  const budgetRow = commands.findIndex(([label]) => label === "check (1000 credentials)");
  if (budgetRow > 0) {
    const over = median(times[budgetRow]) - base;
    console.log(`\nbudget: check (1000 credentials) <= node -e 0 + 15 ms: +${over.toFixed(1)} ms, ${over <= 15 ? "holds" : "BROKEN"}`);
  }

  // Batch: BATCH requests against the 10,000-credential store (or the largest below it).
  const s = stores.find((x) => x.n === 10000) ?? stores[stores.length - 1];
  const lines = [];
  for (let i = 0; i < BATCH; i++) {
    const c = s.created[(i * 7919) % s.created.length];
    lines.push(JSON.stringify({ credential: c.identifier, action: i % 5 ? "GetInvoices" : "GetTickets", ip: i % 4 ? "203.0.113.7" : "192.0.2.1", secret: c.secret }));
  }
  const input = `${lines.join("\n")}\n`;
  const batchTimes = [];
  for (let i = 0; i < 5; i++) {
    const r = run(apicred(s.store, "check", "--batch"), {}, input);
    const answered = r.stdout.trimEnd().split("\n").length;
    if (answered !== BATCH) throw new Error(`batch answered ${answered} of ${BATCH}`);
    batchTimes.push(r.ms);
  }
  const bm = median(batchTimes);
  console.log(`\ncheck --batch: ${BATCH} requests, ${s.n} credentials: ${bm.toFixed(0)} ms end to end = ${Math.round(BATCH / (bm / 1000)).toLocaleString("en")} decisions/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
