// Black-box: `apicred serve` over time — hot reload, degraded mode, usage that survives a restart,
// the decision log and its reopening, graceful shutdown.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { type Running, startServe, within } from "./server.js";

let sb: Sandbox;
let id: string;
let secret: string;
const running: Running[] = [];

async function serve(args: string[] = ["--listen", "127.0.0.1:0"], env: Record<string, string> = {}): Promise<Running> {
  const s = await startServe(sb, args, env);
  running.push(s);
  return s;
}

async function decide(s: Running, body: Record<string, unknown> = { credential: "ci", action: "GetInvoices", ip: "203.0.113.7", secret }): Promise<any> {
  const r = await fetch(`${s.url}/v1/check`, { method: "POST", body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  return r.json();
}

beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
  ({ identifier: id, secret } = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]));
  sb.ok(["ip", "add", "203.0.113.0/24"]);
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop("SIGKILL");
  sb.cleanup();
});

describe("hot reload", () => {
  it("a revoked credential is denied within 1 s of the command that revoked it; a restore brings it back", async () => {
    const s = await serve();
    expect((await decide(s)).allowed).toBe(true);
    copyFileSync(sb.store, join(sb.dir, "backup.json"));
    sb.ok(["credential", "delete", "ci", "--yes"]);
    const ms = await within(1000, async () => (await decide(s)).reason === "unknown_credential");
    expect(ms).toBeLessThan(1000);
    // A restore from backup (the file replaced by a copy, any way the tool likes).
    copyFileSync(join(sb.dir, "backup.json"), sb.store);
    await within(1000, async () => (await decide(s)).allowed === true);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(Number(/^apicred_reloads_total (\d+)$/m.exec(metrics)![1])).toBeGreaterThanOrEqual(2);
  });

  it("an invalid store keeps the last good snapshot serving, /healthz 503 degraded, the reason on stderr once", async () => {
    const s = await serve();
    const good = readFileSync(sb.store, "utf8");
    writeFileSync(sb.store, "{ not json");
    await within(1500, async () => (await fetch(`${s.url}/healthz`)).status === 503);
    const health = (await (await fetch(`${s.url}/healthz`)).json()) as any;
    expect(health).toMatchObject({ status: "degraded", credentials: 1 });
    expect(typeof health.reason).toBe("string");
    expect((await decide(s)).allowed).toBe(true); // still the last good state
    await new Promise((r) => setTimeout(r, 1200)); // more polls: still reported only once
    expect(s.stderr().match(/cannot be loaded/g)).toHaveLength(1);
    expect((await (await fetch(`${s.url}/metrics`)).text())).toMatch(/^apicred_store_healthy 0$/m);
    writeFileSync(sb.store, good);
    await within(1500, async () => (await fetch(`${s.url}/healthz`)).status === 200);
    expect(s.stderr()).toMatch(/valid again/);
  });

  it("a store holding a key twice is never served as JSON.parse reads it (last wins): degraded, the last good state", async () => {
    const s = await serve();
    const outside = { credential: "ci", action: "GetInvoices", ip: "198.51.100.7", secret };
    expect((await decide(s, outside)).reason).toBe("ip_not_allowed");
    const good = readFileSync(sb.store, "utf8");
    // The second list would open the API to every IPv4 client.
    writeFileSync(sb.store, good.replace('"ipAllowlist": [', '"ipAllowlist": [],\n  "ipAllowlist": [\n    {"address":"0.0.0.0/0","note":"","addedAt":"2026-01-01T00:00:00.000Z"},'));
    await within(1500, async () => (await fetch(`${s.url}/healthz`)).status === 503);
    expect(((await (await fetch(`${s.url}/healthz`)).json()) as any).reason).toMatch(/duplicate key "ipAllowlist"/);
    expect((await decide(s, outside)).reason).toBe("ip_not_allowed");
    expect((await decide(s)).allowed).toBe(true);
  });

  it("a store holding an IP entry that cannot be read is never switched to", async () => {
    const s = await serve();
    writeFileSync(sb.store, readFileSync(sb.store, "utf8").replace('"address":"203.0.113.0/24"', '"address":"203.0.113.0/33"'));
    await within(1500, async () => (await fetch(`${s.url}/healthz`)).status === 503);
    expect(((await (await fetch(`${s.url}/healthz`)).json()) as any).reason).toMatch(/the IP allowlist hold an invalid IP address or CIDR range "203\.0\.113\.0\/33"/);
    expect((await decide(s)).allowed).toBe(true);
  });
});

describe("usage", () => {
  it("is recorded per decision, flushed on SIGTERM, shown by credential list|show, and survives a restart", async () => {
    const s = await serve();
    await decide(s);
    expect(await s.stop()).toBe(0);
    const shown = sb.ok(["credential", "show", "ci"]);
    expect(shown).toMatchObject({ lastUsedIp: "203.0.113.7" });
    expect(Date.now() - Date.parse(shown.lastUsedAt)).toBeLessThan(60_000);
    expect(sb.run(["credential", "show", "ci"]).stdout).toMatch(/last used\s+just now \(.* from 203\.0\.113\.7\)/);
    // Not in the configuration document, the export or the audit log.
    expect(readFileSync(sb.store, "utf8")).not.toContain("lastUsed");
    expect(JSON.stringify(sb.ok(["export"]))).not.toContain("lastUsed");
    expect(readFileSync(join(sb.dir, "store.audit.jsonl"), "utf8")).not.toContain("203.0.113.7");

    // A second credential, never used: --unused finds it (and not the used one).
    const other = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "old"]);
    expect(sb.ok(["credential", "list", "--unused", "1h"]).map((c: any) => c.identifier)).toEqual([other.identifier]);
    expect(sb.ok(["credential", "list", "--unused", "1h"])[0]).toMatchObject({ lastUsedAt: null, lastUsedIp: null });
    expect(sb.run(["credential", "list", "--unused", "soon"]).code).toBe(2);

    // After a restart, a use from elsewhere replaces the old one; the other credential's use is kept.
    const again = await serve();
    await decide(again, { credential: "old", action: "GetInvoices", ip: "203.0.113.9", secret: other.secret });
    expect(await again.stop()).toBe(0);
    const list = sb.ok(["credential", "list"]);
    expect(list.map((c: any) => [c.name, c.lastUsedIp])).toEqual([["ci", "203.0.113.7"], ["old", "203.0.113.9"]]);
    expect(sb.ok(["credential", "list", "--unused", "1h"])).toEqual([]);
  });

  it("is written every few seconds while serving, not only at shutdown (never per decision)", async () => {
    const s = await serve(["--listen", "127.0.0.1:0"], { APICRED_USAGE_FLUSH_MS: "300" });
    await decide(s);
    await within(2000, async () => existsSync(join(sb.dir, "store.usage.json")));
    expect(sb.ok(["credential", "show", id]).lastUsedIp).toBe("203.0.113.7");
  });

  it("doctor notes credentials unused for 90 days once usage is recorded", async () => {
    // A use recorded 100 days ago, and a credential created long ago that was never used.
    const old = new Date(Date.now() - 100 * 86_400_000).toISOString();
    writeFileSync(join(sb.dir, "store.usage.json"), JSON.stringify({ version: 1, credentials: { [id]: { lastUsedAt: old, lastUsedIp: "203.0.113.7" } } }));
    const r = sb.run(["doctor", "--json"]);
    const unused = r.json().findings.filter((f: any) => f.code === "credential_unused");
    expect(unused).toEqual([expect.objectContaining({ severity: "info", object: `credential:${id}` })]);
    expect(unused[0].message).toContain(`last used ${old}`);
    // Without any recorded usage, nothing is called unused.
    writeFileSync(join(sb.dir, "store.usage.json"), JSON.stringify({ version: 1, credentials: {} }));
    expect(sb.run(["doctor", "--json"]).json().findings.map((f: any) => f.code)).not.toContain("credential_unused");
  });

  it("a usage file holding a credential twice is refused (exit 5), not read as its last entry", () => {
    const use = (at: string) => `{"lastUsedAt":"${at}","lastUsedIp":"203.0.113.7"}`;
    writeFileSync(join(sb.dir, "store.usage.json"), `{"version":1,"credentials":{"${id}":${use(new Date().toISOString())},"${id}":${use("2020-01-01T00:00:00.000Z")}}}`);
    const r = sb.run(["credential", "list", "--unused", "90d", "--json"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/usage file .* is invalid \(a key appears twice\)/);
  });
});

describe("the decision log", () => {
  it("has one JSON line per decision without secrets, and is reopened on SIGHUP", async () => {
    const log = join(sb.dir, "decisions.jsonl");
    const s = await serve(["--listen", "127.0.0.1:0", "--decision-log", log]);
    await decide(s);
    await decide(s, { credential: "ci", action: "GetInvoices", ip: "198.51.100.1", secret: `${secret}x`, accessKey: "k3y-For-The-API(1234)" });
    await decide(s, { credential: secret, action: "GetInvoices", ip: "203.0.113.7" });
    await within(1000, async () => readFileSync(log, "utf8").split("\n").length === 4);
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => Object.keys(l))).toEqual(Array(3).fill(["time", "credential", "action", "ip", "allowed", "reason"]));
    expect(lines.map((l) => [l.credential, l.ip, l.allowed, l.reason])).toEqual([
      [id, "203.0.113.7", true, "allowed"],
      [id, "198.51.100.1", false, "bad_secret"],
      ["apc_…", "203.0.113.7", false, "unknown_credential"],
    ]);
    const text = readFileSync(log, "utf8");
    expect(text).not.toContain(secret.slice(4));
    expect(text).not.toContain("k3y-For");

    // logrotate: move the file away, SIGHUP, and the next decision lands in a new file.
    renameSync(log, `${log}.1`);
    s.child.kill("SIGHUP");
    await within(1000, async () => /reopened the decision log/.test(s.stderr()));
    await decide(s);
    await within(1000, async () => existsSync(log) && readFileSync(log, "utf8").split("\n").length === 2);
    expect(readFileSync(`${log}.1`, "utf8").trim().split("\n")).toHaveLength(3);
  });
});

describe("shutdown", () => {
  it("SIGTERM stops accepting, finishes a request in flight, flushes usage and exits 0", async () => {
    const s = await serve();
    const port = Number(new URL(s.url).port);
    // A request in flight: headers sent, the body not yet.
    const body = JSON.stringify({ credential: "ci", action: "GetInvoices", ip: "203.0.113.7", secret });
    const sock = connect(port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    let answer = "";
    sock.on("data", (d) => (answer += d));
    sock.write(`POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    s.child.kill("SIGTERM");
    await within(1000, async () => /SIGTERM/.test(s.stderr()));
    // New connections are refused now…
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    // …but the request in flight completes.
    sock.write(body);
    expect(await s.exited).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"allowed":true');
    expect(sb.ok(["credential", "show", "ci"]).lastUsedIp).toBe("203.0.113.7");
    expect(s.stderr()).toMatch(/stopped/);
  });

  it("SIGINT exits 0 too", async () => {
    const s = await serve();
    expect(await s.stop("SIGINT")).toBe(0);
  });
});
