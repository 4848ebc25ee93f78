// Replays a trace through the real send path (packetizer, FEC, AES-GCM,
// sendmmsg) to an in-process receiver on loopback, exactly as a streaming
// worker runs it, and returns the samples an armed capture would hold. On
// the virtual clock every stage figure comes from the trace, so the result
// is exactly predictable.
import { randomBytes } from 'node:crypto';
import { MediaReceiver, MediaSender, type ReceiverCounters } from '@punktfunk/native';
import type { PendingTimelineEvent, StatsSample } from '@punktfunk/shared';
import { TracePipeline } from '../pf1/pf1-pipelines.js';
import { ClientFeedback } from './client-feedback.js';
import { ControlBlock } from './control-block.js';
import { RealClock, VirtualClock } from './frame-clock.js';
import { runFrameLoop } from './frame-loop.js';
import type { FrameRecordsBlock } from './frame-records.js';
import type { Trace } from './trace.js';

export interface ReplayOptions {
  virtualClock: boolean;
  monotonicUs: () => number;
  windowMs?: number;
  fecPercent?: number;
  shardBytes?: number;
  /** Arm the capture before this frame (default 0: armed from the start). */
  armAtFrame?: number;
  /** Disarm before this frame (default: never). */
  disarmAtFrame?: number;
  perf?: boolean;
  log?: (line: string) => void;
  /** Called as the replay arms or disarms, with the clock's time (µs): e.g. to arm a real recorder. */
  onArmedChange?: (armed: boolean, nowUs: number) => void;
  /** The frame records the loop hands over (what a worker posts to the recorder). */
  onFrames?: (records: DataView, count: number) => void;
  /** The lane's events the loop posts (keyframes, what the client's reports show), as a worker posts them. */
  onEvents?: (events: PendingTimelineEvent[]) => void;
}

export interface ReplayResult {
  samples: StatsSample[];
  frames: number;
  receiver: ReceiverCounters;
  framesReceived: number;
}

export function replayTrace(trace: Trace, o: ReplayOptions): ReplayResult {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({
    localPort: 0,
    key,
    salt,
    dropRate: trace.header.clientDropRate ?? 0,
    dropSeed: 1,
    windowFrames: 64,
  });
  const sender = new MediaSender({
    remoteHost: '127.0.0.1',
    remotePort: receiver.localPort,
    key,
    salt,
    shardBytes: o.shardBytes ?? 1200,
    fecPercent: o.fecPercent ?? 20,
    fps: trace.header.fps,
    // On the virtual clock nothing may really wait: pacing would add real time.
    ...(o.virtualClock ? { spreadUs: 0 } : {}),
  });
  try {
    return runReplay(trace, o, sender, receiver);
  } finally {
    sender.close();
    receiver.close();
  }
}

function runReplay(
  trace: Trace,
  o: ReplayOptions,
  sender: MediaSender,
  receiver: MediaReceiver,
): ReplayResult {
  const control = new ControlBlock();
  const session = control.session(0);
  session.reset(0);
  const clock = o.virtualClock ? new VirtualClock(o.monotonicUs()) : new RealClock(o.monotonicUs, session);
  const armAt = o.armAtFrame ?? 0;
  let armedAtUs = clock.nowUs();
  const setArmed = (armed: boolean) => {
    control.setArmed(armed);
    o.onArmedChange?.(armed, clock.nowUs());
  };
  if (armAt === 0) setArmed(true);
  const handOver = (frames: FrameRecordsBlock | null) => {
    if (frames) o.onFrames?.(new DataView(frames.buffer), frames.count);
  };
  const feedback = new ClientFeedback();
  const samples: StatsSample[] = [];
  let reported = { dropped: 0, fecRecoveredFrames: 0 };
  let framesReceived = 0;
  const drainClient = () => {
    const got = receiver.poll(0);
    framesReceived += got.frames.length;
    const c = got.counters;
    feedback.apply({
      type: 'loss',
      packetsLost: c.dropped - reported.dropped,
      fecRecovered: c.fecRecoveredFrames - reported.fecRecoveredFrames,
    });
    reported = { dropped: c.dropped, fecRecoveredFrames: c.fecRecoveredFrames };
  };
  const summary = runFrameLoop({
    sessionId: 'replay',
    kind: 'native',
    fps: trace.header.fps,
    windowMs: o.windowMs ?? 2000,
    perf: o.perf ?? false,
    control,
    session,
    clock,
    pipeline: new TracePipeline(trace, sender, clock, o.monotonicUs),
    feedback,
    drainFeedback: () => {},
    onFrames: handOver,
    ...(o.onEvents ? { onEvents: o.onEvents } : {}),
    onSample: (s, frames) => {
      handOver(frames);
      const { endMonoUs, ...rest } = s;
      samples.push({ ...rest, tMs: Math.round((endMonoUs - armedAtUs) / 10) / 100 });
    },
    log: o.log ?? (() => {}),
    afterFrame: (frameIndex) => {
      drainClient();
      const next = frameIndex + 1;
      if (next === armAt) {
        setArmed(true);
        armedAtUs = clock.nowUs();
      }
      if (next === o.disarmAtFrame) setArmed(false);
    },
  });
  return { samples, frames: summary.frames, receiver: receiver.counters(), framesReceived };
}
