// PUNKTFUNK_METRICS=0: the workers measure only for captures and /metrics has
// no per-session series, but sessions started and ended are still counted.
import type { PathKind } from '@punktfunk/shared';
import type { SessionEnd, SessionMetricsSink } from '../streaming/core/session-manager.js';
import type { SessionLifecycleListener } from './session-metrics.js';

export class SessionLifecycleOnly implements SessionMetricsSink {
  readonly perFrame = false;

  constructor(private readonly lifecycle: SessionLifecycleListener) {}

  sessionStarted(info: { sessionId: string; kind: PathKind }): void {
    this.lifecycle.started(info.kind);
  }

  framesMeasured(): void {}

  windowMeasured(): void {}

  sessionEnded(_sessionId: string, kind: PathKind, end: SessionEnd): void {
    this.lifecycle.ended(kind, end);
  }
}
