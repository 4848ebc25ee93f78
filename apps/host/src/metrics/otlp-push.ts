// The optional OTLP push (PUNKTFUNK_OTLP_ENDPOINT): the official
// OpenTelemetry JS SDK, OTLP/HTTP with JSON bodies, every
// PUNKTFUNK_OTLP_INTERVAL_MS. Its instruments mirror every observation
// /metrics gets, under the same names and with the same histogram buckets
// (the advice below), so a collector in front of Prometheus shows the same
// series as a scrape.
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricAttributes, MetricsMirror } from './mirror.js';
import { HOST_METRICS, LATENCY_BUCKETS_SECONDS, SESSION_GAUGES, SESSION_HISTOGRAMS } from './names.js';

export interface OtlpPushOptions {
  /** e.g. http://collector:4318/v1/metrics */
  endpoint: string;
  intervalMs: number;
  /** The host's name, as the resource's host.name. */
  host: string;
  captureArmed(): boolean;
  log?: (line: string) => void;
}

export interface OtlpPush {
  readonly mirror: MetricsMirror;
  /** Pushes what is pending now (tests, shutdown). */
  flush(): Promise<void>;
  /** A last push, then stops. */
  close(): Promise<void>;
}

type GaugeValues = Map<string, { attributes: Attributes; value: number }>;

function attributesKey(attributes: MetricAttributes): string {
  return Object.entries(attributes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0000');
}

/** The mirror: histograms made up front (with their buckets), counters on first use, gauges read at export. */
class OtelMirror implements MetricsMirror {
  private readonly histograms = new Map<string, Histogram>();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, GaugeValues>();

  constructor(private readonly meter: Meter) {
    for (const spec of Object.values(SESSION_HISTOGRAMS)) {
      const histogram = meter.createHistogram(spec.name, {
        description: spec.help,
        unit: 's',
        advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] },
      });
      this.histograms.set(spec.name, histogram);
    }
    const gauges = [...Object.values(SESSION_GAUGES), HOST_METRICS.sessionsActive, HOST_METRICS.hostInfo];
    for (const spec of gauges) {
      const values: GaugeValues = new Map();
      this.gauges.set(spec.name, values);
      meter.createObservableGauge(spec.name, { description: spec.help }).addCallback((result) => {
        for (const { attributes, value } of values.values()) result.observe(value, attributes);
      });
    }
  }

  observe(name: string, attributes: MetricAttributes, seconds: number): void {
    this.histograms.get(name)?.record(seconds, attributes as Attributes);
  }

  add(name: string, attributes: MetricAttributes, by: number): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = this.meter.createCounter(name);
      this.counters.set(name, counter);
    }
    counter.add(by, attributes as Attributes);
  }

  set(name: string, attributes: MetricAttributes, value: number): void {
    this.gauges.get(name)?.set(attributesKey(attributes), { attributes: { ...attributes }, value });
  }

  remove(name: string, attributes: MetricAttributes): void {
    this.gauges.get(name)?.delete(attributesKey(attributes));
  }
}

export function startOtlpPush(o: OtlpPushOptions): OtlpPush {
  const exporter = new OTLPMetricExporter({ url: o.endpoint });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: o.intervalMs,
    // A collector that does not answer must not hold the next push.
    exportTimeoutMillis: Math.min(o.intervalMs, 30_000),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'punktfunk-host', 'host.name': o.host }),
    readers: [reader],
  });
  const meter = provider.getMeter('punktfunk-host');
  const mirror = new OtelMirror(meter);
  meter
    .createObservableGauge(HOST_METRICS.captureArmed.name, { description: HOST_METRICS.captureArmed.help })
    .addCallback((result) => result.observe(o.captureArmed() ? 1 : 0));
  o.log?.(`metrics: pushing OTLP/HTTP to ${o.endpoint} every ${o.intervalMs} ms`);
  return {
    mirror,
    flush: () => provider.forceFlush(),
    close: async () => {
      await provider.forceFlush().catch(() => {});
      await provider.shutdown().catch(() => {});
    },
  };
}
