// Integration: a real nginx in front of a tiny upstream, with `auth_request` to apicred's /v1/authz.
// Allowed requests reach the upstream; denied ones get 403 and never reach it; X-Real-IP from nginx
// is believed only when nginx's address is a --trusted-proxy. nginx (the Debian package) is
// installed by .ci/run: missing in CI this fails; missing locally it is skipped with a loud notice.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { lacking } from "../helpers/system-tools.js";
import { basic, type Running, startServe, within } from "./server.js";

const NGINX = "/usr/sbin/nginx";
const HAVE_NGINX = existsSync(NGINX);
const RUN = !lacking("nginx");

let sb: Sandbox;
let secret: string;
let upstream: Server;
const hits: string[] = [];
const servers: Running[] = [];
const nginxes: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * nginx on a free port: /api/* needs apicred's yes. The client's address reaches nginx as
 * X-Client-Ip and realip makes it $remote_addr (as behind a load balancer), which nginx passes to
 * apicred as X-Real-IP.
 */
async function startNginx(apicredUrl: string): Promise<string> {
  const dir = join(sb.dir, `nginx-${nginxes.length}`);
  mkdirSync(join(dir, "logs"), { recursive: true });
  const port = await freePort();
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const authz = new URL("/v1/authz", apicredUrl);
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;
error_log ${dir}/logs/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Client-Ip;
    location /api/ {
      auth_request /_apicred;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
    location = /_apicred {
      internal;
      proxy_pass ${authz.href};
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Authorization $http_authorization;
      proxy_set_header X-Apicred-Action $http_x_api_action;
      proxy_set_header X-Real-IP $remote_addr;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", `daemon off; pid ${dir}/nginx.pid;`], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  nginxes.push(child);
  const url = `http://127.0.0.1:${port}`;
  await within(5000, async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${err}${readFileSync(join(dir, "logs/error.log"), "utf8")}`);
    return fetch(`${url}/`).then(() => true, () => false);
  });
  return url;
}

beforeAll(async () => {
  if (!RUN) return;
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
  ({ secret } = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "shop"]));
  sb.ok(["ip", "add", "203.0.113.0/24"]); // clients; nginx's own 127.0.0.1 is not on the allowlist
  upstream = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/plain" }).end("upstream says hi");
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
});

afterAll(async () => {
  for (const n of nginxes) n.kill("SIGTERM");
  for (const s of servers) await s.stop();
  upstream?.close();
  sb?.cleanup();
});

describe.runIf(RUN)("nginx auth_request to /v1/authz", () => {
  it("nginx is installed (CI installs it)", () => {
    expect(HAVE_NGINX, `${NGINX} is missing: CI must install nginx (.ci/run's apt list)`).toBe(true);
  });

  it("allowed requests reach the upstream; denied ones get 403 and never reach it; X-Real-IP believed from a trusted proxy", async () => {
    const apicred = await startServe(sb, ["--listen", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1/32"]);
    servers.push(apicred);
    const proxy = await startNginx(apicred.url);
    const call = (path: string, headers: Record<string, string>) => fetch(`${proxy}${path}`, { headers });

    const ok = await call("/api/invoices?id=1", { authorization: basic("shop", secret), "x-api-action": "GetInvoices", "x-client-ip": "203.0.113.5" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("upstream says hi");
    expect(hits).toEqual(["GET /api/invoices?id=1"]);

    const denied: Record<string, string>[] = [
      { authorization: basic("shop", `${secret}x`), "x-api-action": "GetInvoices", "x-client-ip": "203.0.113.5" }, // bad_secret
      { authorization: basic("shop", secret), "x-api-action": "AddClient", "x-client-ip": "203.0.113.5" }, // action_not_allowed
      { authorization: basic("shop", secret), "x-api-action": "GetInvoices", "x-client-ip": "198.51.100.1" }, // ip_not_allowed
      { "x-api-action": "GetInvoices", "x-client-ip": "203.0.113.5" }, // no credential
    ];
    for (const h of denied) {
      const r = await call("/api/secret-stuff", h);
      expect(r.status, JSON.stringify(h["x-api-action"])).toBe(403);
    }
    expect(hits).toEqual(["GET /api/invoices?id=1"]); // none of the denied reached it
  });

  it("without --trusted-proxy, X-Real-IP from nginx is ignored: the peer 127.0.0.1 is what is decided on", async () => {
    const apicred = await startServe(sb, ["--listen", "127.0.0.1:0"]);
    servers.push(apicred);
    const proxy = await startNginx(apicred.url);
    hits.length = 0;
    const r = await fetch(`${proxy}/api/invoices`, { headers: { authorization: basic("shop", secret), "x-api-action": "GetInvoices", "x-client-ip": "203.0.113.5" } });
    expect(r.status).toBe(403);
    expect(hits).toEqual([]);
    // The denial names the peer, not the forwarded address.
    const direct = await fetch(`${apicred.url}/v1/authz`, { headers: { authorization: basic("shop", secret), "x-apicred-action": "GetInvoices", "x-real-ip": "203.0.113.5" } });
    expect([direct.status, direct.headers.get("x-apicred-reason")]).toEqual([403, "ip_not_allowed"]);
  });
});
