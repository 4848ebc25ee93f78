// The host's metrics in one place: one prom-client registry behind
// GET /metrics, the session metrics the streaming core feeds, the host-wide
// ones, and optionally the OTLP push of the same observations.
import type { PairingUpdate } from '@punktfunk/shared';
import { Registry } from 'prom-client';
import type { MetricsConfig } from '../config/index.js';
import type { SessionMetricsSink } from '../streaming/core/session-manager.js';
import type { BlockHistogram } from './block-histogram.js';
import { type HostInfo, HostMetrics } from './host-metrics.js';
import { SessionLifecycleOnly } from './lifecycle-only.js';
import { type OtlpPush, startOtlpPush } from './otlp-push.js';
import { PairingAttemptCounter } from './pairing-outcome.js';
import type { MetricsEndpointOptions } from './route.js';
import { SessionMetrics } from './session-metrics.js';

export { METRICS_PATH } from './route.js';

export interface HostMetricsOptions {
  config: MetricsConfig;
  info: HostInfo;
  captureArmed(): boolean;
  /** Where pairing updates of both protocols are published (PendingPairings.onChange). */
  pairings?: { onChange(listener: (update: PairingUpdate) => void): () => void };
  log?: (line: string) => void;
}

export interface PunktfunkMetrics {
  readonly registry: Registry;
  /** What the streaming core feeds (per frame only when config.perSession). */
  readonly sessions: SessionMetricsSink;
  readonly host: HostMetrics;
  /** For createApi's `metrics`. */
  readonly endpoint: MetricsEndpointOptions;
  /** Stops the OTLP push (after a last push) and the pairing listener. */
  close(): Promise<void>;
}

export function createMetrics(o: HostMetricsOptions): PunktfunkMetrics {
  const registry = new Registry();
  let histograms: readonly BlockHistogram[] = [];
  const push: OtlpPush | null = o.config.otlpEndpoint
    ? startOtlpPush({
        endpoint: o.config.otlpEndpoint,
        intervalMs: o.config.otlpIntervalMs,
        host: o.info.host,
        captureArmed: o.captureArmed,
        histograms: () => histograms,
        log: o.log,
      })
    : null;
  const mirror = push?.mirror ?? null;
  const host = new HostMetrics(registry, { info: o.info, captureArmed: o.captureArmed }, mirror);
  let sessions: SessionMetricsSink;
  if (o.config.perSession) {
    const perSession = new SessionMetrics(registry, host, mirror);
    histograms = [perSession.latency, perSession.stage];
    sessions = perSession;
  } else sessions = new SessionLifecycleOnly(host);
  const attempts = new PairingAttemptCounter((path, outcome) => host.pairingAttempt(path, outcome));
  const unsubscribe = o.pairings?.onChange((update) => attempts.note(update)) ?? (() => {});
  return {
    registry,
    sessions,
    host,
    endpoint: {
      token: o.config.token,
      scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    },
    close: async () => {
      unsubscribe();
      await push?.close();
    },
  };
}
