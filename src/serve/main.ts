// `apicred serve`, started: the engine following the store, the HTTP server, the signals. Built as
// its own bundle (dist/serve.cjs) loaded only by this command, so prom-client and node:http never
// weigh on `check`. Resolves when the server has shut down cleanly (SIGTERM/SIGINT).
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { unlinkSync } from "node:fs";
import { compileMatcher } from "../core/ip.js";
import { loadEngine } from "../engine.js";
import { DecisionLog } from "./decision-log.js";
import { Metrics } from "./metrics.js";
import { createRoutes } from "./routes.js";

export interface ServeConfig {
  /** A store path or URL. */
  location: string;
  listen: { host: string; port: number } | { socket: string };
  /** Canonical CIDRs of proxies whose X-Real-IP / X-Forwarded-For are believed. */
  trustedProxies: string[];
  decisionLog?: string;
  /** Writes a line to stderr. */
  warn: (message: string) => void;
  /** Writes the one line of stdout. */
  announce: (line: string) => void;
  /** ms between usage writes (tests shorten it). */
  usageFlushMs?: number;
  /** Record usage (default true; off only to measure what it costs). */
  recordUsage?: boolean;
}

/** How long in-flight requests may take to finish at shutdown before their connections are cut. */
const DRAIN_MS = 10_000;

function listen(server: Server, config: ServeConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      resolve();
    };
    if ("socket" in config.listen) server.listen(config.listen.socket, done);
    else server.listen(config.listen.port, config.listen.host, done);
  });
}

/** A socket file left by a server that died: nobody answers on it, so it may be replaced. */
function staleSocket(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
}

export async function runServe(config: ServeConfig): Promise<void> {
  const { warn } = config;
  let metrics: Metrics | undefined;
  const engine = await loadEngine(config.location, {
    usageFlushMs: config.usageFlushMs,
    recordUsage: config.recordUsage,
    onWarning: warn,
    onReload: () => metrics?.reloads.inc(),
  });
  metrics = new Metrics(() => engine.info());
  const log = config.decisionLog ? new DecisionLog(config.decisionLog, warn) : undefined;
  const trusted = config.trustedProxies.length > 0 ? compileMatcher(config.trustedProxies) : undefined;
  const server = createServer(createRoutes({ engine, metrics, log, trusted, onError: warn }));
  // A client gets 10 s for its headers and 30 s for the whole request; idle keep-alive ends at 5 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  try {
    await listen(server, config);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE" && "socket" in config.listen && (await staleSocket(config.listen.socket))) {
      unlinkSync(config.listen.socket);
      await listen(server, config);
    } else {
      await engine.close();
      throw err;
    }
  }
  // The signal handlers are in place before the line on stdout: whoever reads it may signal at once.
  const onHup = () => {
    if (log) {
      log.reopen();
      warn(`reopened the decision log ${log.path}`);
    }
  };
  process.on("SIGHUP", onHup);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGTERM", onTerm).off("SIGINT", onInt);
      warn(`${signal}: finishing requests in flight, then stopping`);
      // Stop accepting; keep-alive connections are closed as soon as they are idle (their request
      // answered), and cut after DRAIN_MS whatever they are doing.
      server.close(() => resolve());
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      server.once("close", () => clearInterval(idle));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm).on("SIGINT", onInt);
  });

  const where = server.address();
  config.announce(typeof where === "string" ? `listening on unix:${where}` : `listening on http://${where!.family === "IPv6" ? `[${where!.address}]` : where!.address}:${where!.port}`);
  await stopped;
  process.off("SIGHUP", onHup);
  await engine.close(); // writes the usage recorded since the last flush
  await log?.close();
  warn("stopped");
}
