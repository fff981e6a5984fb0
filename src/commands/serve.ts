// `apicred serve`: decisions over HTTP (SPEC.md "Usage and the decision service"). Options are
// checked here, in the main bundle, so their errors are ordinary usage errors; the server itself is
// dist/serve.cjs, loaded only now (node:http, prom-client and the server never load for `check`).
import type { Command } from "commander";
import { quote } from "../core/echo.js";
import { AppError, UsageError } from "../core/errors.js";
import { envMilliseconds } from "../core/limits.js";
import { canonicalIp, parseAddress } from "../core/ip.js";
import type { Context } from "../context.js";
import { act, type Program } from "../run.js";
import { isPostgresUrl } from "../store/open.js";

export interface ServeOptions {
  listen?: string;
  socket?: string;
  trustedProxy?: string[];
  decisionLog?: string;
}

export const DEFAULT_LISTEN = "127.0.0.1:8741";

/** HOST:PORT with HOST an IP address ([…] for IPv6) or localhost, PORT 0-65535 (0: any free port). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const bad = (why: string): never => {
    throw new UsageError(`invalid --listen "${text}": ${why} (expected HOST:PORT, e.g. ${DEFAULT_LISTEN} or [::1]:8741)`, "invalid_input");
  };
  if (!m) return bad("not HOST:PORT");
  const host = (m[1] ?? m[2])!;
  const port = Number(m[3]);
  if (port > 65535) bad("the port is above 65535");
  if (host !== "localhost") {
    try {
      const a = parseAddress(host);
      if ((a.family === 6) !== (m[1] !== undefined)) bad(a.family === 6 ? "write an IPv6 host in brackets" : "brackets are for IPv6 hosts");
    } catch (err) {
      if (err instanceof UsageError && !err.message.startsWith("invalid --listen")) bad("the host is not an IP address or localhost");
      throw err;
    }
  }
  return { host, port };
}

/** Collects --trusted-proxy values; a blank one is an error, never "no proxy" (fail closed). */
function collectCidrs(value: string, previous: string[] | undefined): string[] {
  const parts = value.split(",").map((v) => v.trim());
  if (parts.some((p) => p === "")) throw new UsageError("--trusted-proxy needs an address or CIDR range", "invalid_input");
  return [...(previous ?? []), ...parts.map((p) => canonicalIp(p))];
}

/** Errors from the separately bundled server carry their own copy of the error classes. */
function asAppError(err: unknown): unknown {
  const e = err as { exitCode?: unknown; code?: unknown; message?: unknown };
  if (!(err instanceof AppError) && typeof e?.exitCode === "number" && typeof e.code === "string") {
    return new AppError(String(e.message), e.exitCode, e.code);
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys?.code === "EADDRINUSE" || sys?.code === "EACCES" || sys?.code === "EADDRNOTAVAIL" || sys?.code === "ENOENT") {
    return new UsageError(`cannot listen: ${sys.message}`, "cannot_listen");
  }
  return err;
}

export async function runServe(ctx: Context, opts: ServeOptions): Promise<void> {
  if (opts.listen !== undefined && opts.socket !== undefined) throw new UsageError("--listen and --socket cannot be combined");
  if (opts.socket === "") throw new UsageError("--socket needs a path", "invalid_input");
  if (opts.decisionLog === "") throw new UsageError("--decision-log needs a file", "invalid_input");
  const listen = opts.socket !== undefined ? { socket: opts.socket } : parseListen(opts.listen ?? DEFAULT_LISTEN);
  const trustedProxies = opts.trustedProxy ?? [];
  const raw = ctx.options.store ?? ctx.env.APICRED_STORE;
  const location = raw !== undefined && isPostgresUrl(raw) ? raw : ctx.store.location;
  const usageFlushMs = envMilliseconds(ctx.env, "APICRED_USAGE_FLUSH_MS");
  const noUsage = ctx.env.APICRED_SERVE_NO_USAGE;
  // A typo (`true`, `yes`) must not quietly leave the recorder on while a benchmark says it is off.
  if (noUsage !== undefined && noUsage !== "1") throw new UsageError(`$APICRED_SERVE_NO_USAGE must be 1 or unset, not ${quote(noUsage)}`, "invalid_input");
  const { runServe: serve } = await import("../serve/main.js");
  try {
    await serve({
      location,
      listen,
      trustedProxies,
      decisionLog: opts.decisionLog,
      usageFlushMs,
      // For `npm run bench:serve` only (the cost of the usage recorder): not documented for users.
      recordUsage: noUsage === undefined,
      warn: (m) => ctx.io.stderr.write(`apicred serve: ${m}\n`),
      announce: (line) => ctx.io.stdout.write(`${line}\n`),
    });
  } catch (err) {
    throw asAppError(err);
  }
}

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  program
    .command("serve")
    .description("answer decisions over HTTP: POST /v1/check, GET /v1/authz (nginx auth_request), /healthz, /metrics")
    .option("--listen <host:port>", `the address to listen on (default ${DEFAULT_LISTEN}; port 0 picks a free one)`)
    .option("--socket <path>", "listen on a Unix socket instead")
    .option("--trusted-proxy <cidr>", "believe X-Real-IP / X-Forwarded-For from these addresses; repeatable or comma-separated", collectCidrs)
    .option("--decision-log <file>", "append one JSON line per decision (no secrets); reopened on SIGHUP")
    .action(act(runServe));
}
