// A Prometheus histogram for observations that arrive in blocks (a window's
// frame records): each series is a few typed-array counters, so an
// observation is a bucket search and three adds (prom-client's own
// Histogram hashes its labels on every observe, ~1 µs, five times a frame).
// It registers with a prom-client Registry as a metric like any other: the
// registry renders it with the rest of the exposition.
import type { Metric, Registry } from 'prom-client';

export interface HistogramSeries {
  observe(seconds: number): void;
}

/** One series as the OTLP push reads it: per-bucket (not cumulative) counts, the last one +Inf. */
export interface SeriesSnapshot {
  labels: Readonly<Record<string, string>>;
  /** When the series began (ms since the epoch): a cumulative point's start time. */
  startUnixMs: number;
  counts: number[];
  sum: number;
  count: number;
}

class Series implements HistogramSeries {
  /** Per bucket (not cumulative; the last one is +Inf). */
  readonly counts: Float64Array;
  readonly startUnixMs = Date.now();
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += seconds;
    this.count++;
  }
}

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export class BlockHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    registry: Registry,
  ) {
    this.bounds = Float64Array.from(buckets);
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of these labels (made on first use, kept for good: histograms never lose counts). */
  labels(labels: Readonly<Record<string, string>>): HistogramSeries {
    const key = Object.keys(labels)
      .sort()
      .map((k) => `${k}\u0000${labels[k]}`)
      .join('\u0001');
    let series = this.series.get(key);
    if (!series) {
      series = new Series({ ...labels }, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  /** What the registry renders: per series the cumulative buckets, _sum and _count. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i] as number;
        const le = i < this.bounds.length ? (this.bounds[i] as number) : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  get boundaries(): number[] {
    return [...this.bounds];
  }

  snapshot(): SeriesSnapshot[] {
    return [...this.series.values()].map((s) => ({
      labels: s.labels,
      startUnixMs: s.startUnixMs,
      counts: [...s.counts],
      sum: s.sum,
      count: s.count,
    }));
  }

  reset(): void {
    this.series.clear();
  }
}
