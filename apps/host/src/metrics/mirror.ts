// A second exporter that mirrors every counter and gauge /metrics gets, under
// the same names (the OpenTelemetry push, otlp-push.ts). The per-frame
// histograms are not mirrored observation by observation: the push reads
// their series directly (BlockHistogram.snapshot), so nothing per frame
// costs more with the push on.

export type MetricAttributes = Readonly<Record<string, string>>;

export interface MetricsMirror {
  /** Adds to a counter (names ending in _total; the OTLP side drops the suffix as OTel's Prometheus mapping adds it back). */
  add(name: string, attributes: MetricAttributes, by: number): void;
  /** The gauge's value for these labels until set again or removed. */
  set(name: string, attributes: MetricAttributes, value: number): void;
  remove(name: string, attributes: MetricAttributes): void;
}
