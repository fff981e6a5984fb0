// Black-box: `apicred serve` on a free port, spoken to over real HTTP. Every endpoint, the strict
// request shape, the client IP rules, and the command's own options.
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { basic, type Running, startServe } from "./server.js";

let sb: Sandbox;
let srv: Running;
let id: string;
let secret: string;

function post(body: unknown, raw?: string): Promise<Response> {
  return fetch(`${srv.url}/v1/check`, { method: "POST", body: raw ?? JSON.stringify(body), headers: { "content-type": "application/json" } });
}

beforeAll(async () => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
  ({ identifier: id, secret } = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]));
  sb.ok(["ip", "add", "127.0.0.1"]);
  sb.ok(["ip", "add", "203.0.113.0/24"]);
  srv = await startServe(sb);
});
afterAll(async () => {
  await srv?.stop();
  sb.cleanup();
});

describe("POST /v1/check", () => {
  it("answers one request with the check --json decision, and an array in order", async () => {
    const one = await post({ credential: "ci", action: "getinvoices", ip: "203.0.113.7", secret });
    expect(one.status).toBe(200);
    expect(one.headers.get("content-type")).toBe("application/json");
    // Its length declared (one write), not chunked.
    expect(one.headers.get("transfer-encoding")).toBeNull();
    const text = await one.text();
    expect(Number(one.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    const d = JSON.parse(text) as any;
    expect(d).toMatchObject({ allowed: true, reason: "allowed", credential: id, action: "GetInvoices", ip: "203.0.113.7", matched: [{ role: "billing", grant: "GetInvoices" }] });
    expect(d.steps.map((s: any) => s.result)).toEqual(Array(10).fill("pass"));
    // The same document `check --json` prints.
    const cli = sb.run(["check", "ci", "getinvoices", "--ip", "203.0.113.7", "--json"], { env: { APICRED_SECRET: secret } });
    expect(d).toEqual(cli.json());

    const many = await post([
      { credential: "ci", action: "GetInvoices", ip: "203.0.113.7", secret },
      { credential: "ci", action: "AddClient", ip: "203.0.113.7", secret },
      { credential: "ci", action: "NoSuchAction", ip: "203.0.113.7", secret },
      { credential: "nobody", action: "GetInvoices", ip: "203.0.113.7", secret },
      { credential: "ci", action: "GetInvoices", ip: "198.51.100.1", secret: "apc_wrong" },
    ]);
    expect(many.status).toBe(200);
    expect(((await many.json()) as any).map((x: any) => x.reason)).toEqual(["allowed", "action_not_allowed", "unknown_action", "unknown_credential", "bad_secret"]);
  });

  it("skips nothing: no secret is bad_secret, no ip is ip_not_allowed (even with the access key)", async () => {
    const noSecret = await (await post({ credential: "ci", action: "GetInvoices", ip: "203.0.113.7" })).json() as any;
    expect(noSecret).toMatchObject({ allowed: false, reason: "bad_secret" });
    expect(noSecret.steps[1]).toEqual({ step: "secret", result: "fail", detail: "no secret given" });
    const noIp = await (await post({ credential: "ci", action: "GetInvoices", secret })).json() as any;
    expect(noIp).toMatchObject({ allowed: false, reason: "ip_not_allowed", ip: null });
  });

  it("a malformed body or object is 400 with a JSON error that never quotes a value", async () => {
    const cases: [string, string][] = [
      [`{"credential":"ci","action":"GetInvoices","secert":"${secret}"}`, "invalid_input"],
      [`{"credential":"ci","action":`, "invalid_json"],
      [`{"credential":"ci","action":"GetInvoices","ip":"203.0.113.07"}`, "invalid_input"],
      [`{"credential":"ci","action":"GetInvoices","secret":5}`, "invalid_input"],
      [`{"action":"GetInvoices"}`, "invalid_input"],
      [`"ci"`, "invalid_input"],
      [`[{"credential":"ci","action":"GetInvoices"},{"credential":"ci","action":"GetInvoices","extra":1}]`, "invalid_input"],
    ];
    for (const [raw, code] of cases) {
      const r = await post(undefined, raw);
      expect(r.status, raw).toBe(400);
      const body = (await r.json()) as any;
      expect(body.error.code, raw).toBe(code);
      expect(typeof body.error.message).toBe("string");
      expect(JSON.stringify(body)).not.toContain(secret.slice(4));
    }
    expect((await (await post(undefined, cases[6]![0])).json() as any).error.message).toMatch(/^request 1: unknown key "extra"/);
  });

  it("a body over 1 MiB is 413; unknown paths are 404 and wrong methods 405, as JSON", async () => {
    const big = await post(undefined, `[${`{"credential":"ci","action":"GetInvoices"},`.repeat(30_000)}{}]`);
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe("body_too_large");
    const nope = await fetch(`${srv.url}/v2/check`);
    expect(nope.status).toBe(404);
    expect(((await nope.json()) as any).error.code).toBe("not_found");
    const wrong = await fetch(`${srv.url}/v1/check`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("GET /v1/authz", () => {
  const authz = (headers: Record<string, string>) => fetch(`${srv.url}/v1/authz`, { headers });

  it("204 allowed, 403 denied, with X-Apicred-Reason; the client IP is the connection's", async () => {
    const ok = await authz({ authorization: basic("ci", secret), "x-apicred-action": "GetInvoices" });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("x-apicred-reason")).toBe("allowed");
    expect(ok.headers.get("x-apicred-credential")).toBe(id);
    const byId = await authz({ authorization: basic(id, secret), "x-apicred-action": "getinvoices" });
    expect(byId.status).toBe(204);
    const bad = await authz({ authorization: basic("ci", `${secret}x`), "x-apicred-action": "GetInvoices" });
    expect([bad.status, bad.headers.get("x-apicred-reason")]).toEqual([403, "bad_secret"]);
    const action = await authz({ authorization: basic("ci", secret), "x-apicred-action": "AddClient" });
    expect([action.status, action.headers.get("x-apicred-reason")]).toEqual([403, "action_not_allowed"]);
    const none = await authz({ "x-apicred-action": "GetInvoices" });
    expect([none.status, none.headers.get("x-apicred-reason")]).toEqual([403, "unknown_credential"]);
  });

  it("X-Real-IP and X-Forwarded-For are ignored from a peer that is not a trusted proxy", async () => {
    // 127.0.0.1 is on the allowlist; the forged 198.51.100.1 is not, but it is not believed either.
    for (const h of [{ "x-real-ip": "198.51.100.1" }, { "x-forwarded-for": "198.51.100.1" }] as Record<string, string>[]) {
      const r = await authz({ authorization: basic("ci", secret), "x-apicred-action": "GetInvoices", ...h });
      expect(r.status).toBe(204);
    }
  });

  it("a malformed sub-request is 400: no action, bad Authorization, a repeated header", async () => {
    expect((await authz({ authorization: basic("ci", secret) })).status).toBe(400);
    expect((await authz({ authorization: "Bearer abc", "x-apicred-action": "GetInvoices" })).status).toBe(400);
    expect((await authz({ authorization: "Basic !!!", "x-apicred-action": "GetInvoices" })).status).toBe(400);
    expect((await authz({ authorization: `Basic ${Buffer.from("nocolon").toString("base64")}`, "x-apicred-action": "GetInvoices" })).status).toBe(400);
    const twice = (headers: Record<string, string | string[]>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(`${srv.url}/v1/authz`);
        request({ host: u.hostname, port: u.port, path: u.pathname, headers }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).on("error", reject).end();
      });
    expect(await twice({ authorization: basic("ci", secret), "x-apicred-action": ["GetInvoices", "AddClient"] })).toBe(400);
    expect(await twice({ authorization: [basic("ci", secret), basic("x", "y")], "x-apicred-action": "GetInvoices" })).toBe(400);
  });
});

describe("GET /healthz and /metrics", () => {
  it("healthz: 200 ok with the credential count and load time", async () => {
    const r = await fetch(`${srv.url}/healthz`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body).toMatchObject({ status: "ok", credentials: 1 });
    expect(Number.isNaN(Date.parse(body.loadedAt))).toBe(false);
  });

  it("metrics: Prometheus text with decisions by reason, the latency histogram, reloads and health", async () => {
    const r = await fetch(`${srv.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toMatch(/^apicred_decisions_total\{reason="allowed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^apicred_decisions_total\{reason="bad_secret"\} [1-9]\d*$/m);
    expect(text).toMatch(/^apicred_request_duration_seconds_bucket\{(le="0\.005",route="check"|route="check",le="0\.005")\} [1-9]\d*$/m);
    expect(text).toMatch(/^apicred_reloads_total \d+$/m);
    expect(text).toMatch(/^apicred_store_healthy 1$/m);
    expect(text).toMatch(/^apicred_credentials 1$/m);
    expect(text).not.toContain(secret.slice(4));
  });
});

describe("the command", () => {
  it("printed one line on stdout, where it listens, and nothing on stderr while healthy", () => {
    expect(srv.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(srv.stderr()).toBe("");
  });

  it("refuses bad options with exit 2 and a missing store with exit 5", () => {
    for (const args of [
      ["--listen", "127.0.0.1"],
      ["--listen", "127.0.0.1:70000"],
      ["--listen", "example.com:80"],
      ["--listen", "::1:80"],
      ["--listen", "127.0.0.1:0", "--socket", join(sb.dir, "s")],
      ["--trusted-proxy", "10.0.0.1/8"],
      ["--trusted-proxy", ""],
      ["--decision-log", ""],
    ]) {
      expect(sb.run(["serve", ...args]).code, args.join(" ")).toBe(2);
    }
    for (const value of ["true", "0", ""]) {
      const r = sb.run(["serve", "--listen", "127.0.0.1:0"], { env: { APICRED_SERVE_NO_USAGE: value } });
      expect(r.code, value).toBe(2);
      expect(r.stderr).toContain(`$APICRED_SERVE_NO_USAGE must be 1 or unset, not "${value}"`);
    }
    const missing = sb.run(["serve", "--listen", "127.0.0.1:0"], { env: { APICRED_STORE: join(sb.dir, "typo.json") } });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("typo.json");
    expect(missing.stdout).toBe("");
  });

  it("listens on a Unix socket with --socket (no peer address: the IP steps fail)", async () => {
    const path = join(sb.dir, "apicred.sock");
    const s = await startServe(sb, ["--socket", path]);
    try {
      expect(s.url).toBe(`unix:${path}`);
      const answer = await new Promise<string>((resolve, reject) => {
        const req = request({ socketPath: path, path: "/v1/check", method: "POST" }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d)).on("end", () => resolve(text));
        });
        req.on("error", reject).end(JSON.stringify({ credential: "ci", action: "GetInvoices", ip: "203.0.113.9", secret }));
      });
      expect(JSON.parse(answer)).toMatchObject({ allowed: true });
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
