// A second exporter that mirrors every observation /metrics gets, under the
// same names (the OpenTelemetry push, otlp-push.ts). Labels are plain string
// records; a per-session record is built once and reused for every frame.

export type MetricAttributes = Readonly<Record<string, string>>;

export interface MetricsMirror {
  /** One histogram observation, in seconds (names.ts SESSION_HISTOGRAMS). */
  observe(name: string, attributes: MetricAttributes, seconds: number): void;
  /** Adds to a counter (names ending in _total; the OTLP side drops the suffix as OTel's Prometheus mapping adds it back). */
  add(name: string, attributes: MetricAttributes, by: number): void;
  /** The gauge's value for these labels until set again or removed. */
  set(name: string, attributes: MetricAttributes, value: number): void;
  remove(name: string, attributes: MetricAttributes): void;
}
