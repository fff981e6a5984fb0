// GET /metrics: Prometheus text format through prom-client (loaded only by `serve`, never by
// `check`). Decisions by reason, request latency by route, reloads, and the snapshot's state.
// The two that move with every request are counted in plain numbers and handed to prom-client when
// it is scraped: its own per-call bookkeeping cost ~0.4 µs a decision.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { SnapshotInfo } from "../engine.js";
import { RouteHistogram } from "./route-histogram.js";

export class Metrics {
  readonly registry = new Registry();
  /** Decisions by reason since the last scrape. */
  private readonly decided = new Map<string, number>();
  readonly latency = new RouteHistogram(
    "apicred_request_duration_seconds",
    "Time to answer a request, by route",
    "route",
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    this.registry,
  );
  readonly reloads = new Counter({ name: "apicred_reloads_total", help: "Store reloads that switched the snapshot", registers: [this.registry] });

  constructor(info: () => SnapshotInfo) {
    const decided = this.decided;
    new Counter({
      name: "apicred_decisions_total",
      help: "Decisions made, by reason",
      labelNames: ["reason"],
      registers: [this.registry],
      collect() {
        for (const [reason, n] of decided) this.inc({ reason }, n);
        decided.clear();
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "apicred_" });
    new Gauge({
      name: "apicred_store_healthy",
      help: "1 when the store on disk is valid, 0 while the last good snapshot is serving (degraded)",
      registers: [this.registry],
      collect() {
        this.set(info().healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: "apicred_credentials",
      help: "Credentials in the snapshot being served",
      registers: [this.registry],
      collect() {
        this.set(info().credentials);
      },
    });
  }

  /** n decisions for one reason (an array's equal neighbours come as one call). */
  countDecisions(reason: string, n: number): void {
    this.decided.set(reason, (this.decided.get(reason) ?? 0) + n);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
