// The streaming core both protocol services share: one control block whose
// armed flag mirrors the recorder, and one session manager that runs the
// workers and relays their samples and events to the recorder.
import type { PendingTimelineEvent, SessionInfo, WorkerStatsSample } from '@punktfunk/shared';
import { ControlBlock } from './control-block.js';
import { SessionManager, type SessionMetricsSink } from './session-manager.js';

/** The recorder as the streaming side sees it (the host passes its one StatsRecorder). */
export interface RecorderPort {
  isArmed(): boolean;
  onArmedChange(listener: (armed: boolean) => void): () => void;
  noteSession(info: SessionInfo): void;
  noteSessionEnd(sessionId: string): void;
  addSample(sample: WorkerStatsSample): void;
  addFrames(sessionId: string, records: DataView, count: number): void;
  addEvent(event: PendingTimelineEvent): void;
}

export interface StreamingCore {
  sessions: SessionManager;
  /** Stops every running session and lets go of the recorder. */
  close(): Promise<void>;
}

export function createStreamingCore(o: {
  recorder: RecorderPort;
  perf: boolean;
  /** The host's metrics (null: PUNKTFUNK_METRICS=0, the workers measure only for captures). */
  metrics?: SessionMetricsSink | null;
  log(line: string): void;
}): StreamingCore {
  const control = new ControlBlock();
  control.setArmed(o.recorder.isArmed());
  const unsubscribe = o.recorder.onArmedChange((armed) => control.setArmed(armed));
  const sessions = new SessionManager({
    control,
    sink: o.recorder,
    perf: o.perf,
    metrics: o.metrics ?? null,
    log: o.log,
  });
  return {
    sessions,
    close: async () => {
      await sessions.stopAll();
      unsubscribe();
    },
  };
}
