// The frame loop every streaming path runs in its worker: one synchronous
// pass of the pipeline per frame, paced at the stream's fps. Per frame it
// reads the control block (armed, stop, IDR, bitrate) with Atomics; it keeps
// per-frame figures only when measuring (PUNKTFUNK_PERF=1 or armed), and
// builds a StatsSample only at the aggregation boundary. While armed (not for
// PUNKTFUNK_PERF alone) each frame also writes a 32-byte record of the frame
// timeline into a preallocated block handed over with the window's sample,
// and notes events (keyframes, bitrate changes, what the client's reports
// show), posted in one batch per window. With metrics on (PUNKTFUNK_METRICS,
// the default) every frame is measured and recorded whatever the arming, and
// each block and sample carries the arm generation it was written under: the
// main thread feeds the metrics from all of them and the recorder only from
// those of the current, armed generation.
import type { PathKind, PendingTimelineEvent, StageName, WorkerStatsSample } from '@punktfunk/shared';
import { ThreadCpuMeter } from '../../telemetry/thread-cpu.js';
import type { ClientFeedback } from './client-feedback.js';
import type { ControlBlock, SessionControl } from './control-block.js';
import { WorkerEventLane } from './event-lane.js';
import type { FrameClock } from './frame-clock.js';
import { blockCapacity, type FrameRecordsBlock, FrameRecordWriter } from './frame-records.js';
import type { FrameResult } from './frame-result.js';
import { formatPerfLine, StatsWindow } from './stats-window.js';

export interface FramePipeline {
  readonly stageNames: readonly StageName[];
  /** Whether the source can tell a repeated (unchanged) frame from a new one. */
  readonly repeatsKnown: boolean;
  /** Captures, encodes and sends one frame; null when the source has ended (a trace). */
  runFrame(frameIndex: number, forceIdr: boolean): FrameResult | null;
  setBitrateKbps(kbps: number): void;
  /** The encoder's current target, or null where the path has none (trace replay). */
  bitrateKbps(): number | null;
  /** The capture source's size now (read once per window: a desktop resized mid-stream); absent without a capture. */
  captureSize?(): { width: number; height: number };
}

export interface FrameLoopOptions {
  sessionId: string;
  kind: PathKind;
  fps: number;
  windowMs: number;
  /** PUNKTFUNK_PERF=1, read once at start. */
  perf: boolean;
  /** PUNKTFUNK_METRICS (default on): measure and record every frame, armed or not, for the host's metrics. */
  metrics?: boolean;
  control: ControlBlock;
  session: SessionControl;
  clock: FrameClock;
  pipeline: FramePipeline;
  feedback: ClientFeedback;
  /** Moves queued client feedback into `feedback` (called at each boundary). */
  drainFeedback(): void;
  /**
   * A window's sample, with the frame records written since the last hand-over
   * (null when none): the block's buffer is the caller's to transfer.
   * `armGeneration`: the control block's generation the window was measured
   * under (only a sample of the armed generation belongs to a capture).
   */
  onSample(sample: WorkerStatsSample, frames: FrameRecordsBlock | null, armGeneration: number): void;
  /** A block of frame records that filled before the window's end, or was cut at an arm or disarm (metrics on). */
  onFrames?(frames: FrameRecordsBlock, armGeneration: number): void;
  /** A window's events (armed only), posted right after its sample, and once more when the loop ends. */
  onEvents?(events: PendingTimelineEvent[]): void;
  log(line: string): void;
  /** Called after every frame (e.g. a replay's in-process client drains its socket). */
  afterFrame?(frameIndex: number): void;
}

export interface FrameLoopSummary {
  frames: number;
  samplesPosted: number;
}

class LoopState {
  frameIndex = 0;
  samplesPosted = 0;
  armGeneration: number;
  /** Frame slots since the start; slot k begins at startUs + k/fps (integer µs, no drift). */
  slot = 0;
  readonly startUs: number;
  windowEndUs: number;
  readonly window: StatsWindow;
  readonly records: FrameRecordWriter;
  readonly events: WorkerEventLane;
  /** The target last applied, so a change is one event (an encoder that clamps it is not re-announced). */
  appliedTargetKbps: number;
  readonly cpu = new ThreadCpuMeter();
  /** The source size at the last boundary ("WxH"), so a change is noticed once. */
  captureSize: string | null = null;

  constructor(
    readonly o: FrameLoopOptions,
    readonly windowUs: number,
  ) {
    this.armGeneration = o.control.armGeneration();
    this.startUs = o.clock.nowUs();
    this.windowEndUs = this.startUs + windowUs;
    this.window = new StatsWindow(o.pipeline.stageNames);
    this.records = new FrameRecordWriter(blockCapacity(o.windowMs, o.fps));
    this.events = new WorkerEventLane(o.sessionId);
    this.appliedTargetKbps = o.session.targetBitrateKbps();
  }

  slotStartUs(slot: number): number {
    return this.startUs + Math.round((slot * 1e6) / this.o.fps);
  }
}

export function runFrameLoop(o: FrameLoopOptions): FrameLoopSummary {
  const state = new LoopState(o, o.windowMs * 1000);
  try {
    while (!o.session.stopRequested()) {
      if (!runOneFrame(state)) break;
      o.clock.sleepUntil(state.slotStartUs(state.slot));
    }
  } catch (error) {
    // The worker ends with this error; the lane keeps what led up to it.
    if ((error as { code?: string }).code === 'CAPTURE_UNAVAILABLE') {
      const reason = (error as Error).message;
      state.events.add(o.clock.nowUs(), 'display-lost', `display lost: ${reason}`, { reason });
    }
    postEvents(state);
    throw error;
  }
  // The session's last, partial window has no sample, but its frames belong on the timeline (and in the metrics).
  if (o.metrics || (o.control.isArmed() && o.control.armGeneration() === state.armGeneration)) {
    const block = state.records.take();
    if (block) o.onFrames?.(block, state.armGeneration);
  }
  postEvents(state);
  return { frames: state.frameIndex, samplesPosted: state.samplesPosted };
}

/** When due, one boundary; then one frame. False when the source has ended. */
function runOneFrame(s: LoopState): boolean {
  const { o } = s;
  const armed = o.control.isArmed();
  const recording = armed || o.metrics === true;
  const measuring = o.perf || recording;
  const generation = o.control.armGeneration();
  if (generation !== s.armGeneration) {
    // Armed or disarmed since the last frame: nothing measured under the
    // previous state may leak into the next sample or capture. The metrics
    // still get its records, tagged with the generation they belong to.
    cutRecords(s);
    s.armGeneration = generation;
    s.window.reset();
    s.events.clear();
  }
  // The boundary is checked before the frame, so a window holds exactly the
  // frames whose slots began inside it.
  const startUs = o.clock.nowUs();
  if (startUs >= s.windowEndUs) closeWindow(s, startUs, measuring);
  applyTargetBitrate(s, startUs);
  const idrReason = o.session.takeIdrRequest();
  if (idrReason !== null) s.events.noteIdrRequest(idrReason);
  const result = o.pipeline.runFrame(s.frameIndex, idrReason !== null);
  if (result === null) return false;
  o.feedback.noteCaptureStart(s.frameIndex, result.captureStartUs);
  if (result.keyframe) s.events.noteKeyframe(result.captureStartUs, s.frameIndex, o.control.isArmed());
  if (measuring) s.window.add(result);
  if (recording) recordFrame(s, result);
  o.afterFrame?.(s.frameIndex);
  s.frameIndex++;
  s.slot++;
  const missed = skipMissedSlots(s);
  if (measuring) s.window.framesDropped += missed;
  return true;
}

/**
 * A frame that ran past the end of the next slot makes the loop skip the
 * slots it missed entirely (counted as dropped); a frame that is merely late
 * delays the next one without a drop.
 */
function skipMissedSlots(s: LoopState): number {
  const nowUs = s.o.clock.nowUs();
  let missed = 0;
  while (s.slotStartUs(s.slot + 1) <= nowUs) {
    s.slot++;
    missed++;
  }
  return missed;
}

function recordFrame(s: LoopState, result: FrameResult): void {
  s.records.write(s.frameIndex, result);
  if (!s.records.full) return;
  const block = s.records.take();
  if (block && s.o.onFrames) s.o.onFrames(block, s.armGeneration);
}

/** At an arm or disarm: the records so far go to the metrics (tagged with their generation), or are dropped. */
function cutRecords(s: LoopState): void {
  if (!s.o.metrics) {
    s.records.discard();
    return;
  }
  const block = s.records.take();
  if (block && s.o.onFrames) s.o.onFrames(block, s.armGeneration);
}

function applyTargetBitrate(s: LoopState, nowUs: number): void {
  const { o } = s;
  const target = o.session.targetBitrateKbps();
  const current = o.pipeline.bitrateKbps();
  if (target <= 0 || current === null || target === current) return;
  o.pipeline.setBitrateKbps(target);
  if (target === s.appliedTargetKbps) return;
  s.appliedTargetKbps = target;
  if (!o.control.isArmed()) return;
  const toKbps = o.pipeline.bitrateKbps() ?? target;
  const cause = o.session.bitrateCause() ?? 'client';
  s.events.add(nowUs, 'bitrate', `bitrate ${current} → ${toKbps} kb/s (${cause})`, {
    fromKbps: current,
    toKbps,
    requestedKbps: target,
    cause,
  });
}

/** A source whose size changed since the last boundary (noticed there, so up to a window late). */
function noteCaptureSize(s: LoopState, nowUs: number): void {
  const size = s.o.pipeline.captureSize?.();
  if (!size) return;
  const now = `${size.width}x${size.height}`;
  const was = s.captureSize;
  s.captureSize = now;
  if (was === null || was === now || !s.o.control.isArmed()) return;
  s.events.add(nowUs, 'capture-change', `capture size ${was} → ${now}`, { from: was, to: now, ...size });
}

/** Loss bursts and RTT spikes the drained reports showed, stamped now (reports carry no time). */
function noteFeedbackEvents(s: LoopState, nowUs: number): void {
  const found = s.o.feedback.events.take();
  if (!found || !s.o.control.isArmed()) return;
  for (const event of found) s.events.add(nowUs, event.type, event.summary, event.details);
}

function postEvents(s: LoopState): void {
  if (!s.o.control.isArmed()) {
    s.events.clear();
    return;
  }
  const batch = s.events.take();
  if (batch) s.o.onEvents?.(batch);
}

function closeWindow(s: LoopState, nowUs: number, measuring: boolean): void {
  const { o } = s;
  while (s.windowEndUs <= nowUs) s.windowEndUs += s.windowUs;
  o.drainFeedback();
  noteFeedbackEvents(s, nowUs);
  noteCaptureSize(s, nowUs);
  const feedback = o.feedback.takeWindow();
  // Read every window, so the next one's figure covers just that window. A
  // virtual clock's window is no span of real time: not measured there.
  const workerCpuPct = o.clock.virtual ? null : s.cpu.sample();
  if (!measuring || s.window.measuredFrames === 0) {
    s.window.reset();
    s.records.discard();
    postEvents(s);
    return;
  }
  const sample = s.window.build(nowUs, {
    sessionId: o.sessionId,
    kind: o.kind,
    bitrateKbps: o.pipeline.bitrateKbps(),
    repeatsKnown: o.pipeline.repeatsKnown,
    feedback,
    workerCpuPct,
  });
  s.window.reset();
  const armed = o.control.isArmed();
  if (armed || o.metrics) {
    o.onSample(sample, s.records.take(), s.armGeneration);
    // Counted for the capture: a sample the metrics alone get is not one.
    if (armed) s.samplesPosted++;
  } else s.records.discard();
  postEvents(s);
  if (o.perf) o.log(formatPerfLine(sample));
}
