// One aggregation window of one session: per-frame figures go in (only for
// measured frames), a WorkerStatsSample comes out at the boundary.
import type { PathKind, StageName, WorkerStatsSample } from '@punktfunk/shared';
import type { FeedbackFigures } from './client-feedback.js';
import type { FrameResult } from './frame-result.js';
import { Column, p50p99 } from './window-stats.js';

export interface WindowContext {
  sessionId: string;
  kind: PathKind;
  bitrateKbps: number | null;
  /** Whether the path's source can tell repeated frames apart. */
  repeatsKnown: boolean;
  feedback: FeedbackFigures;
  /** The worker thread's CPU over the window (% of one core); null when not measured. */
  workerCpuPct: number | null;
}

export class StatsWindow {
  private readonly stageColumns: Column[];
  private readonly host = new Column();
  private measuredSinceUs: number | null = null;
  private newFrames = 0;
  private repeatedFrames = 0;
  private wireBytes = 0;
  private refused = 0;
  private hostMeasured = false;
  private readonly perFrameSums = { fecUs: 0, sealUs: 0, socketUs: 0 };
  private readonly perFrameKnown = { fecUs: false, sealUs: false, socketUs: false };
  framesDropped = 0;

  constructor(private readonly stageNames: readonly StageName[]) {
    this.stageColumns = stageNames.map(() => new Column());
  }

  get measuredFrames(): number {
    return this.newFrames + this.repeatedFrames;
  }

  add(frame: FrameResult): void {
    this.measuredSinceUs ??= frame.captureStartUs;
    for (let i = 0; i < frame.stagesUs.length; i++) this.stageColumns[i]?.push(frame.stagesUs[i] as number);
    if (frame.hostUs !== null) {
      this.host.push(frame.hostUs);
      this.hostMeasured = true;
    }
    if (frame.repeated) this.repeatedFrames++;
    else this.newFrames++;
    this.wireBytes += frame.wireBytes;
    this.refused += frame.refused;
    for (const key of ['fecUs', 'sealUs', 'socketUs'] as const) {
      const value = frame[key];
      if (value === null) continue;
      this.perFrameSums[key] += value;
      this.perFrameKnown[key] = true;
    }
  }

  /** Builds the sample for the window ending at `endUs`. */
  build(endUs: number, context: WindowContext): WorkerStatsSample {
    const windowUs = Math.max(1, endUs - (this.measuredSinceUs ?? endUs));
    const perSecond = (n: number) => round3((n * 1e6) / windowUs);
    const host = this.hostMeasured ? p50p99(this.host) : null;
    const frames = this.measuredFrames;
    const meanPerFrame = (key: 'fecUs' | 'sealUs' | 'socketUs') =>
      this.perFrameKnown[key] && frames > 0 ? round3(this.perFrameSums[key] / frames) : null;
    return {
      sessionId: context.sessionId,
      kind: context.kind,
      endMonoUs: endUs,
      windowMs: round3(windowUs / 1000),
      measuredFrames: frames,
      stages: this.stageNames.map((name, i) => ({ name, ...p50p99(this.stageColumns[i] as Column) })),
      hostP50Us: host?.p50Us ?? null,
      hostP99Us: host?.p99Us ?? null,
      fps: perSecond(this.newFrames),
      repeatFps: context.repeatsKnown ? perSecond(this.repeatedFrames) : null,
      wireMbps: round3((this.wireBytes * 8) / windowUs),
      bitrateKbps: context.bitrateKbps,
      framesDropped: this.framesDropped,
      sendRefused: this.refused,
      fecUs: meanPerFrame('fecUs'),
      sealUs: meanPerFrame('sealUs'),
      socketUs: meanPerFrame('socketUs'),
      workerCpuPct: context.workerCpuPct,
      ...context.feedback,
    };
  }

  reset(): void {
    for (const c of this.stageColumns) c.clear();
    this.host.clear();
    this.measuredSinceUs = null;
    this.newFrames = 0;
    this.repeatedFrames = 0;
    this.wireBytes = 0;
    this.refused = 0;
    this.hostMeasured = false;
    this.framesDropped = 0;
    for (const key of ['fecUs', 'sealUs', 'socketUs'] as const) {
      this.perFrameSums[key] = 0;
      this.perFrameKnown[key] = false;
    }
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The one log line PUNKTFUNK_PERF=1 prints per window. */
export function formatPerfLine(s: WorkerStatsSample): string {
  const ms = (us: number | null) => (us === null ? 'n/m' : (us / 1000).toFixed(2));
  const stages = s.stages.map((st) => `${st.name} ${ms(st.p50Us)}/${ms(st.p99Us)}`).join(' ');
  const opt = (v: number | null, unit = '') => (v === null ? 'n/m' : `${v}${unit}`);
  return (
    `perf ${s.kind} ${s.sessionId}: ${s.measuredFrames} frames in ${s.windowMs} ms, ` +
    `stages p50/p99 ms: ${stages}; host ${ms(s.hostP50Us)}/${ms(s.hostP99Us)} ms; ` +
    `fps ${s.fps} repeat ${opt(s.repeatFps)}; wire ${opt(s.wireMbps)} Mb/s; target ${opt(s.bitrateKbps)} kb/s; ` +
    `dropped ${opt(s.framesDropped)} refused ${opt(s.sendRefused)} lost ${opt(s.packetsLost)} fec-recovered ${opt(s.fecRecovered)}; ` +
    `fec/seal/socket ${opt(s.fecUs)}/${opt(s.sealUs)}/${opt(s.socketUs)} us; ` +
    `idr requests ${opt(s.idrRequests)} unrecoverable ${opt(s.unrecoverableFrames)}; rtt ${ms(s.rttUs)} ms; ` +
    `client decode ${ms(s.clientDecodeP50Us)} ms; e2e ${ms(s.e2eP50Us)}/${ms(s.e2eP99Us)} ms`
  );
}
