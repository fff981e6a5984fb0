// The HTTP routes of `apicred serve`. Every answer is JSON except /metrics (Prometheus text) and
// /v1/authz (a status and headers, for a proxy). Errors are {"error":{"code","message"}} and never
// quote a value from the request: it may be a secret.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Decision } from "../core/decide.js";
import { AppError, UsageError } from "../core/errors.js";
import type { IpMatcher } from "../core/ip.js";
import type { Engine } from "../engine.js";
import { HttpError, parseJsonBody, readBody } from "./body.js";
import { clientIp } from "./client-ip.js";
import { parseFlatRequest } from "./flat-request.js";
import type { DecisionLog } from "./decision-log.js";
import { decisionJson, decisionsJson } from "./decision-json.js";
import type { Metrics } from "./metrics.js";
import { type ParsedRequest, parseRequest } from "./request.js";

export interface RouteDeps {
  engine: Engine;
  metrics: Metrics;
  log?: DecisionLog;
  trusted?: IpMatcher;
  /** Unexpected errors (bugs), for stderr. */
  onError: (message: string) => void;
}

/**
 * A JSON answer with its length declared: node:http then writes headers and body in one piece, where
 * writeHead() without a length makes a chunked answer of several (measured: the write is most of a
 * decision's CPU time). Proxies (nginx) prefer a known length too.
 */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers }).end(text);
}

/**
 * send() for a decision's text (decision-json.ts): the headers as a flat array, which writeHead
 * takes without walking an object's keys.
 */
function sendJsonText(res: ServerResponse, text: string): void {
  res.writeHead(200, ["content-type", "application/json", "content-length", String(Buffer.byteLength(text))]).end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { code, message } }, headers);
}

/** `Authorization: Basic base64(credential:secret)` → the two parts; malformed → 400; absent → undefined. */
function basicAuth(header: string | undefined): { credential: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (!m || m[1]!.length % 4 !== 0) throw new HttpError(400, "invalid_authorization", "Authorization must be Basic base64(credential:secret)");
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) throw new HttpError(400, "invalid_authorization", "Authorization must be Basic base64(credential:secret)");
  return { credential: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/** A header that must come at most once (req.headers would join repeats with ", " or drop them). */
function oneHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headersDistinct[name];
  if (v === undefined) return undefined;
  if (v.length !== 1) throw new HttpError(400, "invalid_header", `${name} given more than once`);
  return v[0];
}

export function createRoutes(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { engine, metrics, log } = deps;
  const checkLatency = metrics.latency.labels("check");
  const authzLatency = metrics.latency.labels("authz");

  const decided = (d: Decision, now: number): void => {
    metrics.countDecisions(d.reason, 1);
    log?.write(d, now);
  };

  /** decided() for an array: the counter moves once per run of equal reasons, not per decision. */
  const decidedAll = (ds: readonly Decision[], now: number): void => {
    let run = 0;
    for (let i = 0; i < ds.length; i++) {
      run++;
      if (i + 1 === ds.length || ds[i + 1]!.reason !== ds[i]!.reason) {
        metrics.countDecisions(ds[i]!.reason, run);
        run = 0;
      }
      log?.write(ds[i]!, now);
    }
  };

  /** parseRequest for the i-th request of an array; the "request i: " prefix only on an error. */
  const parseNth = (r: unknown, i: number): ParsedRequest => {
    try {
      return parseRequest(r);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`request ${i}: ${err.message}`, err.code);
      throw err;
    }
  };

  const check = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    readBody(
      req,
      (text) => {
        try {
          answerCheck(res, text, started);
        } catch (err) {
          fail(res, err);
        }
      },
      (err) => fail(res, err),
    );
  };

  const answerCheck = (res: ServerResponse, text: string, started: number): void => {
    // The usual body, one flat object, is read in one pass; any other goes the general way.
    const flat = parseFlatRequest(text);
    const body = flat === undefined ? parseJsonBody(text) : undefined;
    const now = Date.now();
    // Every request of an array is checked before any is decided: a 400 decides nothing.
    if (Array.isArray(body)) {
      const parsed: ParsedRequest[] = body.map(parseNth);
      const decisions = parsed.map((r) => engine.decideParsed(r, now));
      decidedAll(decisions, now);
      sendJsonText(res, decisionsJson(decisions));
    } else {
      const d = engine.decideParsed(flat ?? parseRequest(body), now);
      decided(d, now);
      sendJsonText(res, decisionJson(d));
    }
    checkLatency((performance.now() - started) / 1000);
  };

  const authz = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const auth = basicAuth(oneHeader(req, "authorization"));
    const action = oneHeader(req, "x-apicred-action");
    if (!action) throw new HttpError(400, "invalid_header", "X-Apicred-Action is required (the API action to authorize)");
    const accessKey = oneHeader(req, "x-apicred-access-key");
    const ip = clientIp(req, deps.trusted);
    if (!auth) {
      // No credential at all: a denial (the proxy answers the client 403), not a malformed sub-request.
      res.writeHead(403, { "x-apicred-reason": "unknown_credential" }).end();
      return;
    }
    const now = Date.now();
    const d = engine.decideParsed(parseRequest({ credential: auth.credential, secret: auth.secret, action, ip, accessKey }), now);
    decided(d, now);
    const headers: Record<string, string> = { "x-apicred-reason": d.reason };
    if (d.allowed) headers["x-apicred-credential"] = d.credential;
    res.writeHead(d.allowed ? 204 : 403, headers).end();
    authzLatency((performance.now() - started) / 1000);
  };

  const healthz = (res: ServerResponse): void => {
    const info = engine.info();
    const body = { status: info.healthy ? "ok" : "degraded", credentials: info.credentials, loadedAt: info.loadedAt };
    send(res, info.healthy ? 200 : 503, info.healthy ? body : { ...body, reason: info.error });
  };

  const routes: Record<string, [method: string, run: (req: IncomingMessage, res: ServerResponse) => unknown]> = {
    "/v1/check": ["POST", check],
    "/v1/authz": ["GET", authz],
    "/healthz": ["GET", (_req, res) => healthz(res)],
    "/metrics": ["GET", async (_req, res) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.text())],
  };

  const fail = (res: ServerResponse, err: unknown): void => {
    if (res.headersSent) return void res.destroy();
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message, err.status === 413 ? { connection: "close" } : {});
    if (err instanceof AppError && err.exitCode === 2) return sendError(res, 400, err.code, err.message);
    deps.onError(`internal error: ${(err as Error)?.stack ?? String(err)}`);
    sendError(res, 500, "internal_error", "internal error");
  };

  return (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    const route = routes[path];
    if (!route) return sendError(res, 404, "not_found", "no such endpoint: POST /v1/check, GET /v1/authz, GET /healthz, GET /metrics");
    const [method, run] = route;
    if (req.method !== method && !(method === "GET" && req.method === "HEAD")) {
      return sendError(res, 405, "method_not_allowed", `${path} takes ${method}`, { allow: method });
    }
    try {
      const done = run(req, res);
      if (done instanceof Promise) done.catch((err) => fail(res, err));
    } catch (err) {
      fail(res, err);
    }
  };
}
