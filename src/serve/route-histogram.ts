// The request-latency histogram, counted in plain arrays. prom-client's labelled Histogram spends
// ~300 ns on each observe (label objects checked and hashed every call) where this spends ~20; on a
// decision service answering in ~40 µs that is a measurable share. prom-client still owns the
// registry and writes the text: it reads this through get()/getForPromString(), the same values its
// own Histogram gives (test/serve/metrics.test.ts holds the two to the same exposition text).
import type { Metric, Registry } from "prom-client";

interface Series {
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Value {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

export class RouteHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  /** Series by label value, in the order of their first observation (as prom-client lists them). */
  private series = new Map<string, Series>();
  /** Counts the resets, so an observe function knows its series was dropped. */
  private generation = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    /** The label that tells series apart (one label: that is all serve needs). */
    private readonly labelName: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // Not a prom-client class, but what its registry reads of one (name, get, getForPromString, reset).
    registry.registerMetric(this as unknown as Metric);
  }

  /** The observe function of one series, e.g. route="check": seconds in, nothing allocated. */
  labels(label: string): (seconds: number) => void {
    let series: Series | undefined;
    let generation = -1;
    const bounds = this.buckets;
    return (seconds) => {
      // First use, or a reset() dropped every series since: find or start this label's.
      if (series === undefined || generation !== this.generation) {
        series = this.series.get(label);
        if (series === undefined) this.series.set(label, (series = { counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 }));
        generation = this.generation;
      }
      let b = 0;
      while (b < bounds.length && seconds > bounds[b]!) b++;
      series.counts[b]!++;
      series.sum += seconds;
      series.count++;
    };
  }

  /** What prom-client's registry asks of a metric: cumulative buckets, then +Inf, sum and count. */
  getForPromString(): { name: string; help: string; type: string; values: Value[]; aggregator: string } {
    const values: Value[] = [];
    for (const [label, s] of this.series) {
      const shared = { [this.labelName]: label };
      let total = 0;
      this.buckets.forEach((le, i) => {
        total += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels: shared, value: total, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: "+Inf" }, sharedLabels: shared, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels: shared, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: shared, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form (registry.getMetricsAsJSON): shared labels folded into labels, as prom-client does. */
  get(): { name: string; help: string; type: string; values: Omit<Value, "sharedLabels">[]; aggregator: string } {
    const data = this.getForPromString();
    return { ...data, values: data.values.map(({ sharedLabels, ...v }) => ({ ...v, labels: { ...v.labels, ...sharedLabels } })) };
  }

  reset(): void {
    this.series = new Map();
    this.generation++;
  }
}
