// GET /metrics: Prometheus text format through prom-client (loaded only by `serve`, never by
// `check`). Decisions by reason, request latency by route, reloads, and the snapshot's state.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SnapshotInfo } from "../engine.js";

export class Metrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({ name: "apicred_decisions_total", help: "Decisions made, by reason", labelNames: ["reason"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "apicred_request_duration_seconds",
    help: "Time to answer a request, by route",
    labelNames: ["route"],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly reloads = new Counter({ name: "apicred_reloads_total", help: "Store reloads that switched the snapshot", registers: [this.registry] });

  constructor(info: () => SnapshotInfo) {
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

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
