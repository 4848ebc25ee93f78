// Host-wide metrics: sessions started, ended (by reason) and active per
// path, pairing attempts by outcome, whether a capture is armed, who this
// host is, and prom-client's default process and Node.js metrics.
import { PATH_KINDS, type PairingKind, type PathKind } from '@punktfunk/shared';
import { Counter, collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import type { SessionEnd } from '../streaming/core/session-manager.js';
import { endReason } from './end-reason.js';
import type { MetricsMirror } from './mirror.js';
import { HOST_METRICS } from './names.js';
import type { PairingOutcomeLabel } from './pairing-outcome.js';
import type { SessionLifecycleListener } from './session-metrics.js';

const LINT_REFUSED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export interface HostInfo {
  host: string;
  version: string;
  /** The encoder the engine probe opened (e.g. libx264), 'unknown' when none. */
  encoder: string;
}

export class HostMetrics implements SessionLifecycleListener {
  private readonly sessionsStarted: Counter<string>;
  private readonly sessionsEnded: Counter<string>;
  private readonly sessionsActive: Gauge<string>;
  private readonly pairingAttempts: Counter<string>;
  private readonly active = new Map<PathKind, number>(PATH_KINDS.map((kind) => [kind, 0]));

  constructor(
    registry: Registry,
    o: { info: HostInfo; captureArmed: () => boolean },
    private readonly mirror: MetricsMirror | null = null,
  ) {
    const registers = [registry];
    collectDefaultMetrics({ register: registry });
    // Gauges prom-client names like counters: promtool check metrics refuses
    // them, and the same figures stay by type in nodejs_active_handles & co.
    for (const name of LINT_REFUSED_DEFAULTS) registry.removeSingleMetric(name);
    this.sessionsStarted = new Counter({ ...HOST_METRICS.sessionsStarted, labelNames: ['path'], registers });
    this.sessionsEnded = new Counter({
      ...HOST_METRICS.sessionsEnded,
      labelNames: ['path', 'reason'],
      registers,
    });
    this.sessionsActive = new Gauge({ ...HOST_METRICS.sessionsActive, labelNames: ['path'], registers });
    this.pairingAttempts = new Counter({
      ...HOST_METRICS.pairingAttempts,
      labelNames: ['path', 'outcome'],
      registers,
    });
    new Gauge({
      ...HOST_METRICS.captureArmed,
      registers,
      collect() {
        this.set(o.captureArmed() ? 1 : 0);
      },
    });
    const info = new Gauge({
      ...HOST_METRICS.hostInfo,
      labelNames: ['host', 'version', 'encoder'],
      registers,
    });
    info.set({ ...o.info }, 1);
    mirror?.set(HOST_METRICS.hostInfo.name, { ...o.info }, 1);
    // Every path shows from the start: a dashboard's sum() has a series to sum before the first session.
    for (const path of PATH_KINDS) {
      this.sessionsStarted.inc({ path }, 0);
      this.setActive(path, 0);
    }
  }

  started(kind: PathKind): void {
    this.sessionsStarted.inc({ path: kind });
    this.mirror?.add(HOST_METRICS.sessionsStarted.name, { path: kind }, 1);
    this.setActive(kind, (this.active.get(kind) ?? 0) + 1);
  }

  ended(kind: PathKind, end: SessionEnd): void {
    const labels = { path: kind, reason: endReason(end) };
    this.sessionsEnded.inc(labels);
    this.mirror?.add(HOST_METRICS.sessionsEnded.name, labels, 1);
    this.setActive(kind, Math.max(0, (this.active.get(kind) ?? 0) - 1));
  }

  pairingAttempt(path: PairingKind, outcome: PairingOutcomeLabel): void {
    this.pairingAttempts.inc({ path, outcome });
    this.mirror?.add(HOST_METRICS.pairingAttempts.name, { path, outcome }, 1);
  }

  private setActive(path: PathKind, count: number): void {
    this.active.set(path, count);
    this.sessionsActive.set({ path }, count);
    this.mirror?.set(HOST_METRICS.sessionsActive.name, { path }, count);
  }
}
