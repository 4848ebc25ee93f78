// The optional OTLP push (PUNKTFUNK_OTLP_ENDPOINT): the official
// OpenTelemetry JS SDK, OTLP/HTTP with JSON bodies, every
// PUNKTFUNK_OTLP_INTERVAL_MS. Its counters and gauges are OTel instruments
// that mirror what /metrics gets, under the same names; the per-frame
// histograms go out as they stand in /metrics (same series, same buckets),
// read at each export by a MetricProducer, the SDK's hook for metrics kept
// elsewhere: recording each frame into an OTel histogram would cost ~4 µs a
// frame per histogram (attribute hashing), this costs nothing per frame.
import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type HistogramMetricData,
  MeterProvider,
  type MetricProducer,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { BlockHistogram } from './block-histogram.js';
import type { MetricAttributes, MetricsMirror } from './mirror.js';
import { HOST_METRICS, SESSION_GAUGES } from './names.js';

export interface OtlpPushOptions {
  /** e.g. http://collector:4318/v1/metrics */
  endpoint: string;
  intervalMs: number;
  /** The host's name, as the resource's host.name. */
  host: string;
  captureArmed(): boolean;
  /** The per-frame histograms (none while PUNKTFUNK_METRICS=0), read at each export. */
  histograms(): readonly BlockHistogram[];
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

/** The mirror: counters on first use, gauges read at export. */
class OtelMirror implements MetricsMirror {
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, GaugeValues>();

  constructor(private readonly meter: Meter) {
    const gauges = [...Object.values(SESSION_GAUGES), HOST_METRICS.sessionsActive, HOST_METRICS.hostInfo];
    for (const spec of gauges) {
      const values: GaugeValues = new Map();
      this.gauges.set(spec.name, values);
      meter.createObservableGauge(spec.name, { description: spec.help }).addCallback((result) => {
        for (const { attributes, value } of values.values()) result.observe(value, attributes);
      });
    }
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

const unixMsToHrTime = (ms: number): [number, number] => [
  Math.floor(ms / 1000),
  Math.round((ms % 1000) * 1e6),
];

/** The block histograms as OTLP histogram points: cumulative, one point per series. */
function histogramProducer(histograms: () => readonly BlockHistogram[]): MetricProducer {
  return {
    collect: async (): Promise<CollectionResult> => {
      const endTime = unixMsToHrTime(Date.now());
      const metrics: HistogramMetricData[] = histograms().map((h) => ({
        descriptor: { name: h.name, description: h.help, unit: 's', valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: h.snapshot().map((s) => ({
          startTime: unixMsToHrTime(s.startUnixMs),
          endTime,
          attributes: { ...s.labels },
          value: { buckets: { boundaries: h.boundaries, counts: s.counts }, sum: s.sum, count: s.count },
        })),
      }));
      return {
        // The reader keeps the SDK's own resource; only the scope metrics are merged.
        resourceMetrics: {
          resource: resourceFromAttributes({}),
          scopeMetrics: [{ scope: { name: 'punktfunk-host' }, metrics }],
        },
        errors: [],
      };
    },
  };
}

export function startOtlpPush(o: OtlpPushOptions): OtlpPush {
  const exporter = new OTLPMetricExporter({ url: o.endpoint });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: o.intervalMs,
    // A collector that does not answer must not hold the next push.
    exportTimeoutMillis: Math.min(o.intervalMs, 30_000),
    metricProducers: [histogramProducer(o.histograms)],
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
