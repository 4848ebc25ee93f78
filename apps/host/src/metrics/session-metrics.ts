// Per-session metrics, fed by the streaming workers through the session
// manager: every frame record (the 32-byte timeline record, written for
// every frame while metrics are on) goes into the latency and stage
// histograms; every window sample sets the gauges and adds to the counters.
// A session's gauges disappear when it ends; its counters and histograms
// stay (Prometheus' rate() needs them to stay monotonic).
import {
  decodeStageUs,
  FRAME_FIELD,
  FRAME_RECORD_BYTES,
  FRAME_STAGE_SLOTS,
  GAMESTREAM_STAGES,
  HOST_US_NOT_MEASURED,
  NATIVE_STAGES,
  type PathKind,
  type SessionInfo,
  type WorkerStatsSample,
} from '@punktfunk/shared';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SessionEnd, SessionMetricsSink } from '../streaming/core/session-manager.js';
import { BlockHistogram, type HistogramSeries } from './block-histogram.js';
import type { MetricsMirror } from './mirror.js';
import {
  LATENCY_BUCKETS_SECONDS,
  SESSION_COUNTERS,
  SESSION_GAUGES,
  SESSION_HISTOGRAMS,
  SESSION_LABELS,
  type SessionCounterKey,
  type SessionGaugeKey,
  type SessionLabels,
} from './names.js';
import { sessionLabels } from './session-labels.js';

/** What one running session keeps: its labels and the histogram children, looked up once. */
interface Tracked {
  labels: SessionLabels;
  host: HistogramSeries;
  stages: HistogramSeries[];
}

/** What the host's session counters hear (host-metrics.ts). */
export interface SessionLifecycleListener {
  started(kind: PathKind): void;
  ended(kind: PathKind, end: SessionEnd): void;
}

export class SessionMetrics implements SessionMetricsSink {
  readonly perFrame = true;
  /** Read by the OTLP push at each export. */
  readonly latency: BlockHistogram;
  readonly stage: BlockHistogram;
  private readonly gauges: Record<SessionGaugeKey, Gauge<string>>;
  private readonly counters: Record<SessionCounterKey, Counter<string>>;
  private readonly running = new Map<string, Tracked>();

  constructor(
    registry: Registry,
    private readonly lifecycle: SessionLifecycleListener,
    private readonly mirror: MetricsMirror | null = null,
  ) {
    const registers = [registry];
    const labelNames = [...SESSION_LABELS];
    const { latency, stage } = SESSION_HISTOGRAMS;
    this.latency = new BlockHistogram(latency.name, latency.help, LATENCY_BUCKETS_SECONDS, registry);
    this.stage = new BlockHistogram(stage.name, stage.help, LATENCY_BUCKETS_SECONDS, registry);
    const gauge = (spec: { name: string; help: string }) => new Gauge({ ...spec, labelNames, registers });
    const counter = (spec: { name: string; help: string }) => new Counter({ ...spec, labelNames, registers });
    this.gauges = mapSpecs(SESSION_GAUGES, gauge);
    this.counters = mapSpecs(SESSION_COUNTERS, counter);
  }

  sessionStarted(info: SessionInfo): void {
    // A session that changes its settings is announced again: same labels, same children.
    if (this.running.has(info.sessionId)) return;
    const labels = sessionLabels(info);
    const names = info.kind === 'gamestream' ? GAMESTREAM_STAGES : NATIVE_STAGES;
    this.running.set(info.sessionId, {
      labels,
      host: this.latency.labels(labels),
      stages: names.map((stage) => this.stage.labels({ ...labels, stage })),
    });
    // Counters start at 0 with the session, so rate() sees its first increase.
    for (const counter of Object.values(this.counters)) counter.inc(labels, 0);
    this.lifecycle.started(info.kind);
  }

  /** Every record into the histograms: host latency and each stage, in seconds. */
  framesMeasured(sessionId: string, records: DataView, count: number): void {
    const tracked = this.running.get(sessionId);
    if (!tracked) return;
    for (let i = 0; i < count; i++) {
      const at = i * FRAME_RECORD_BYTES;
      const hostUs = records.getUint32(at + FRAME_FIELD.hostUs, true);
      if (hostUs !== HOST_US_NOT_MEASURED) tracked.host.observe(hostUs / 1e6);
      for (let slot = 0; slot < FRAME_STAGE_SLOTS; slot++) {
        const seconds = decodeStageUs(records.getUint16(at + FRAME_FIELD.stages + slot * 2, true)) / 1e6;
        tracked.stages[slot]?.observe(seconds);
      }
    }
    this.count('frames', tracked.labels, count);
  }

  /** A window's figures: the gauges (a figure not measured leaves its gauge unset), and the counters. */
  windowMeasured(sample: WorkerStatsSample): void {
    const tracked = this.running.get(sample.sessionId);
    if (!tracked) return;
    const { labels } = tracked;
    this.setGauge('fps', labels, sample.fps);
    this.setGauge('repeatedFps', labels, sample.repeatFps);
    this.setGauge('wireBitsPerSecond', labels, sample.wireMbps === null ? null : sample.wireMbps * 1e6);
    this.setGauge(
      'targetBitsPerSecond',
      labels,
      sample.bitrateKbps === null ? null : sample.bitrateKbps * 1000,
    );
    this.setGauge('rttSeconds', labels, sample.rttUs === null ? null : sample.rttUs / 1e6);
    this.count('packetsLost', labels, sample.packetsLost);
    this.count('fecRecovered', labels, sample.fecRecovered);
    this.count('framesDropped', labels, sample.framesDropped);
  }

  sessionEnded(sessionId: string, kind: PathKind, end: SessionEnd): void {
    const tracked = this.running.get(sessionId);
    this.running.delete(sessionId);
    if (tracked) {
      // Another running session with the same labels keeps them (two sessions of one client).
      const shared = [...this.running.values()].some((t) => sameLabels(t.labels, tracked.labels));
      if (!shared)
        for (const key of Object.keys(this.gauges) as SessionGaugeKey[])
          this.removeGauge(key, tracked.labels);
    }
    this.lifecycle.ended(kind, end);
  }

  private setGauge(key: SessionGaugeKey, labels: SessionLabels, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    this.gauges[key].set(labels, value);
    this.mirror?.set(SESSION_GAUGES[key].name, labels, value);
  }

  private removeGauge(key: SessionGaugeKey, labels: SessionLabels): void {
    this.gauges[key].remove(labels);
    this.mirror?.remove(SESSION_GAUGES[key].name, labels);
  }

  private count(key: SessionCounterKey, labels: SessionLabels, by: number | null): void {
    if (by === null || !(by > 0)) return;
    this.counters[key].inc(labels, by);
    this.mirror?.add(SESSION_COUNTERS[key].name, labels, by);
  }
}

function sameLabels(a: SessionLabels, b: SessionLabels): boolean {
  return a.path === b.path && a.codec === b.codec && a.encoder === b.encoder && a.client === b.client;
}

function mapSpecs<K extends string, T>(
  specs: Record<K, { name: string; help: string }>,
  make: (spec: { name: string; help: string }) => T,
): Record<K, T> {
  const out = {} as Record<K, T>;
  for (const key of Object.keys(specs) as K[]) out[key] = make(specs[key]);
  return out;
}
