#!/usr/bin/env node
// `npm run bench:serve`: `apicred serve` under load (autocannon, 10 connections) on a store of 10,000
// credentials, side by side with a bare node:http server (bare-server.mjs) that only parses and
// answers JSON. autocannon runs in this process, each server in its own, with the same request
// bodies for all; on a 2-core machine the load generator competes with the server alike for every
// target. NODE_EXTRA_CA_CERTS is unset in every process started. Not a test: it prints figures
// (README: "Speed").
//
// Only one server is alive at a time, started afresh for each round, and the order of the targets
// turns from round to round. Measured on this machine, servers started together and kept alive
// were not alike: of three identical bare servers, the first started answered at 22 µs of CPU a
// request and the other two at 38–41 µs, round after round. "bare, again" is a second bare process
// in every round: its ratio to the first shows how far two identical servers differ here, the floor
// under which no other ratio means anything. Where /proc is readable, the server's CPU time per
// request is shown too: it depends far less on what else the machine is doing than requests/s.
//   node test/bench/serve-bench.mjs [--seconds 5] [--rounds 4] [--credentials 10000]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { desiredDoc } from "./desired.mjs";

const BIN = resolve(import.meta.dirname, "../../bin/apicred.js");
const BARE = resolve(import.meta.dirname, "bare-server.mjs");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(opt("--seconds", "5"));
const ROUNDS = Number(opt("--rounds", "4"));
const N = Number(opt("--credentials", "10000"));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };

function makeStore(dir) {
  const store = join(dir, "store.json");
  const doc = desiredDoc(N);
  const file = join(dir, "desired.json");
  writeFileSync(file, JSON.stringify(doc));
  const r = spawnSync(process.execPath, [BIN, "--store", store, "apply", "--file", file, "--json"], { env, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`apply failed: ${r.stderr}`);
  return { store, created: JSON.parse(r.stdout).created };
}

function start(argv, extraEnv = {}) {
  const child = spawn(process.execPath, argv, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  let err = ""; // shown only if the server fails: a stopping serve's own lines would crowd the figures
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolvePromise, reject) => {
    let out = "";
    let listening = false;
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)\n/.exec(out);
      if (m && !listening) {
        listening = true;
        resolvePromise({ url: m[1], cpu: () => cpuMicros(child.pid), stop: () => new Promise((r) => (child.on("exit", r), child.kill("SIGTERM"))) });
      }
    });
    child.on("exit", (code) => listening || reject(new Error(`${argv.join(" ")} exited ${code}: ${err}`)));
  });
}

/** User + system CPU time of a process so far, in µs (Linux /proc; undefined elsewhere). */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

function load(url, body, seconds = SECONDS) {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      { url: `${url}/v1/check`, connections: 10, duration: seconds, method: "POST", headers: { "content-type": "application/json" }, body },
      (err, res) => (err ? reject(err) : res.non2xx > 0 || res.errors > 0 ? reject(new Error(`${res.non2xx} non-2xx, ${res.errors} errors`)) : resolvePromise(res)),
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), "apicred-serve-bench-"));
const servers = [];
try {
  const { store, created } = makeStore(dir);
  // Requests for credentials spread over the store; all allowed, so every step runs.
  const pick = (i) => {
    const c = created[(i * 97 + 1) % created.length]; // never a multiple of 50: those hold only role-0 (Billing:*)
    return { credential: c.name ?? c.identifier, action: "GetAnnouncements", ip: "203.0.113.7", secret: c.secret };
  };
  const single = JSON.stringify(pick(1));
  const array = JSON.stringify(Array.from({ length: 100 }, (_, i) => pick(i)));

  const serveArgs = [BIN, "--store", store, "serve", "--listen", "127.0.0.1:0"];
  const targets = {
    bare: () => start([BARE]),
    serve: () => start(serveArgs),
    "serve, usage off": () => start(serveArgs, { APICRED_SERVE_NO_USAGE: "1" }),
    "bare, again": () => start([BARE]),
  };
  const names = Object.keys(targets);
  const results = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    // The order turns each round, so no target always runs first or right after another.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const target of order) {
      const server = await targets[target]();
      servers.push(server);
      if (round === 0 && target === "serve") {
        const check = await (await fetch(`${server.url}/v1/check`, { method: "POST", body: single })).json();
        if (!check.allowed) throw new Error(`the bench request is not allowed: ${check.reason}`);
      }
      for (const [kind, body] of [["single", single], ["array of 100", array]]) {
        await load(server.url, body, 2); // warm-up: the JIT compiles the request path
        const before = server.cpu();
        const r = await load(server.url, body);
        const after = server.cpu();
        const cpu = before === undefined || after === undefined ? undefined : (after - before) / r.requests.total;
        const key = `${kind}|${target}`;
        results.set(key, [...(results.get(key) ?? []), { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, cpu }]);
      }
      await server.stop();
      servers.pop();
    }
  }
  const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const rounds = (kind, target) => results.get(`${kind}|${target}`);
  const fig = (kind, target) => {
    const xs = rounds(kind, target);
    const cpus = xs.map((x) => x.cpu);
    return { rps: mean(xs.map((x) => x.rps)), p99: Math.max(...xs.map((x) => x.p99)), p50: mean(xs.map((x) => x.p50)), cpu: cpus.includes(undefined) ? undefined : mean(cpus) };
  };
  /** A ratio per round (each round measures every target once) and their mean: "0.81 (0.78–0.84)". */
  const ratios = (kind, a, b, f = (x, y) => x / y) => {
    const rs = rounds(kind, a).map((x, i) => f(x.rps, rounds(kind, b)[i].rps));
    return { mean: mean(rs), text: (digits, scale = 1) => `${(mean(rs) * scale).toFixed(digits)} (${(Math.min(...rs) * scale).toFixed(digits)}–${(Math.max(...rs) * scale).toFixed(digits)})` };
  };
  console.log(`node ${process.version}; ${N} credentials; autocannon, 10 connections; ${ROUNDS} rounds, each starting every server afresh, one at a time, for ${SECONDS} s of each kind`);
  console.log("figures: mean over the rounds; ratios: mean (lowest–highest round); by CPU: bare's server CPU per request over");
  console.log("this one's, the ratio of requests/s the server alone would allow (steadier on a busy machine)\n");
  const verdicts = [];
  for (const kind of ["single", "array of 100"]) {
    const per = kind === "single" ? 1 : 100;
    console.log(`POST /v1/check, ${kind}:`);
    for (const target of names) {
      const f = fig(kind, target);
      const bareCpu = fig(kind, "bare").cpu;
      const ratio = target === "bare" ? "" : `  ${ratios(kind, target, "bare").text(2)}× bare${f.cpu === undefined ? "" : ` (by CPU: ${(bareCpu / f.cpu).toFixed(2)}×)`}`;
      const cpu = f.cpu === undefined ? "" : `  server CPU ${f.cpu.toFixed(1).padStart(6)} µs/req`;
      console.log(`  ${target.padEnd(17)} ${f.rps.toFixed(0).padStart(6)} req/s  ${(f.rps * per).toFixed(0).padStart(7)} decisions/s  p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99} ms${cpu}${ratio}`);
    }
    const cost = ratios(kind, "serve", "serve, usage off", (on, off) => 1 - on / off);
    const on = fig(kind, "serve");
    const off = fig(kind, "serve, usage off");
    const cpuCost = on.cpu === undefined || off.cpu === undefined ? "" : `; server CPU ${(on.cpu - off.cpu).toFixed(1)} µs/req (${(((on.cpu - off.cpu) / on.cpu) * 100).toFixed(1)}%)`;
    console.log(`  usage recorder cost: ${cost.text(1, 100)}% of throughput${cpuCost}\n`);
    verdicts.push(`${kind}: usage recorder ≤ 5%: ${cost.mean <= 0.05 ? "met" : "MISSED"}`);
  }
  const singleRatio = ratios("single", "serve", "bare");
  const s = fig("single", "serve");
  const arrays = ratios("array of 100", "serve", "bare");
  console.log(`targets: single ≥ 0.8× bare: ${singleRatio.mean >= 0.8 ? "met" : "MISSED"} (${singleRatio.text(2)}); p99 ≤ 5 ms: ${s.p99 <= 5 ? "met" : "MISSED"} (${s.p99} ms); ${verdicts.join("; ")}`);
  console.log(`report: arrays of 100 at ${arrays.text(2)}× bare; the floor, two identical bare servers: ${ratios("single", "bare, again", "bare").text(2)}× (single), ${ratios("array of 100", "bare, again", "bare").text(2)}× (arrays)`);
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
