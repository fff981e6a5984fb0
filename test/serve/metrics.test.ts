// serve counts decisions and latencies in plain numbers and hands them to prom-client when scraped
// (src/serve/metrics.ts, route-histogram.ts). What a scrape shows must be exactly what prom-client's
// own Counter and Histogram show for the same observations.
import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { Metrics } from "../../src/serve/metrics.js";
import { RouteHistogram } from "../../src/serve/route-histogram.js";

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
// On a bound, between bounds, zero, past the last bound, and a spread of ordinary latencies.
const SECONDS = [0, 0.0001, 0.00010001, 0.001, 0.0009999, 0.1, 0.5, 7, ...Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) / 20000)];

function both(): { ours: RouteHistogram; theirs: Histogram; a: Registry; b: Registry } {
  const a = new Registry();
  const b = new Registry();
  const ours = new RouteHistogram("t_seconds", "Time", "route", BUCKETS, a);
  const theirs = new Histogram({ name: "t_seconds", help: "Time", labelNames: ["route"], buckets: BUCKETS, registers: [b] });
  return { ours, theirs, a, b };
}

describe("RouteHistogram", () => {
  it("writes the same exposition text as prom-client's Histogram for the same observations", async () => {
    const { ours, theirs, a, b } = both();
    const check = ours.labels("check");
    const authz = ours.labels("authz");
    SECONDS.forEach((s, i) => {
      if (i % 3 === 0) {
        authz(s);
        theirs.labels("authz").observe(s);
      } else {
        check(s);
        theirs.labels("check").observe(s);
      }
    });
    const text = await a.metrics();
    expect(text).toBe(await b.metrics());
    expect(text).toMatch(/^t_seconds_bucket\{le="\+Inf",route="check"\} \d+$/m);
  });

  it("gives the same JSON values, and after reset() the same zeros", async () => {
    const { ours, theirs, a, b } = both();
    for (const s of SECONDS) {
      ours.labels("check")(s);
      theirs.labels("check").observe(s);
    }
    const strip = (json: any[]) => json.map((m) => ({ ...m, values: m.values.map(({ exemplar: _, ...v }: any) => v) }));
    expect(strip(await a.getMetricsAsJSON())).toEqual(strip(await b.getMetricsAsJSON()));
    a.resetMetrics();
    b.resetMetrics();
    expect(await a.metrics()).toBe(await b.metrics());
  });
});

describe("Metrics: decisions by reason", () => {
  it("counts as prom-client's Counter would, across scrapes", async () => {
    const m = new Metrics(() => ({ credentials: 0, loadedAt: "", healthy: true, error: null, reloads: 0 }));
    const reference = new Counter({ name: "apicred_decisions_total", help: "Decisions made, by reason", labelNames: ["reason"], registers: [] });
    const lines = (text: string) => text.split("\n").filter((l) => l.startsWith("apicred_decisions_total"));
    const step = async (adds: [string, number][]) => {
      for (const [reason, n] of adds) {
        m.countDecisions(reason, n);
        reference.inc({ reason }, n);
      }
      const r = new Registry();
      r.registerMetric(reference);
      expect(lines(await m.text())).toEqual(lines(await r.metrics()));
    };
    await step([["allowed", 1], ["bad_secret", 3], ["allowed", 100]]);
    await step([]); // a scrape with nothing new keeps the totals
    await step([["ip_not_allowed", 2], ["allowed", 1]]);
    expect(lines(await m.text())).toContain('apicred_decisions_total{reason="allowed"} 102');
  });
});
