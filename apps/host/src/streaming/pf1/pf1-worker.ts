// Entry of a native (punktfunk/1) streaming worker: builds the pipeline the
// session asks for and runs the frame loop until the control block says stop.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { MediaSender, monotonicUs } from '@punktfunk/native';
import { Closers } from '../../lifecycle/closers.js';
import { ClientFeedback } from '../core/client-feedback.js';
import { ControlBlock, type SessionControl } from '../core/control-block.js';
import { type FrameClock, RealClock, VirtualClock } from '../core/frame-clock.js';
import { type FramePipeline, runFrameLoop } from '../core/frame-loop.js';
import {
  type NativeSessionSpec,
  postWorkerMessage,
  type SessionStartedInfo,
  type WorkerMessage,
} from '../core/messages.js';
import { drainFeedback, encoderFallbackEvent, openEngine } from '../core/open-engine.js';
import { readTrace, TraceRecorder } from '../core/trace.js';
import { EnginePipeline, type FrameSender, TracePipeline } from './pf1-pipelines.js';

const spec = workerData as NativeSessionSpec;
const post = (message: WorkerMessage) => postWorkerMessage(parentPort, message);
const closers = new Closers<() => void>();

function openSender(): FrameSender {
  const sender = new MediaSender({
    remoteHost: spec.send.remoteHost,
    remotePort: spec.send.remotePort,
    key: Buffer.from(spec.send.key),
    salt: Buffer.from(spec.send.salt),
    shardBytes: spec.send.shardBytes,
    fecPercent: spec.send.fecPercent,
  });
  closers.push(() => sender.close());
  return sender;
}

function openTraceOut(header: ConstructorParameters<typeof TraceRecorder>[1]): TraceRecorder | null {
  if (!spec.traceOutPath) return null;
  const fd = openSync(spec.traceOutPath, 'w', 0o600);
  const recorder = new TraceRecorder((text) => writeSync(fd, text), header);
  closers.push(() => {
    recorder.flush();
    closeSync(fd);
  });
  return recorder;
}

function buildPipeline(
  session: SessionControl,
  control: ControlBlock,
): {
  pipeline: FramePipeline;
  clock: FrameClock;
  info: SessionStartedInfo;
  fps: number;
  traceOut: TraceRecorder | null;
} {
  const sender = openSender();
  const source = spec.source;
  if (source.kind === 'trace') {
    const trace = readTrace(source.tracePath);
    const clock = source.virtualClock ? new VirtualClock(monotonicUs()) : new RealClock(monotonicUs, session);
    const { width, height, fps, codec } = trace.header;
    const info = { width, height, fps, codec, encoderName: 'trace', encoderBackend: 'trace', bitrateKbps: 0 };
    return {
      pipeline: new TracePipeline(trace, sender, clock, monotonicUs),
      clock,
      info,
      fps,
      traceOut: null,
    };
  }
  const engine = openEngine(source, (line) => post({ type: 'log', line }));
  closers.push(engine.close);
  const fallback = encoderFallbackEvent(spec.sessionId, engine, monotonicUs());
  if (fallback && control.isArmed()) post({ type: 'events', events: [fallback] });
  const traceOut = openTraceOut({
    punktfunkTrace: 1,
    width: source.width,
    height: source.height,
    fps: source.fps,
    codec: source.codec,
  });
  return {
    pipeline: new EnginePipeline(engine.capture, engine.encoder, sender, traceOut),
    clock: new RealClock(monotonicUs, session),
    info: engine.info,
    fps: source.fps,
    traceOut,
  };
}

function main(): void {
  const control = new ControlBlock(spec.controlBuffer);
  const session = control.session(spec.slot);
  const feedback = new ClientFeedback();
  const { pipeline, clock, info, fps, traceOut } = buildPipeline(session, control);
  post({ type: 'started', info });
  const summary = runFrameLoop({
    sessionId: spec.sessionId,
    kind: spec.kind,
    fps,
    windowMs: spec.windowMs,
    perf: spec.perf,
    metrics: spec.metrics,
    control,
    session,
    clock,
    pipeline,
    feedback,
    drainFeedback: () => drainFeedback(spec.feedbackPort, feedback),
    onSample: (sample, frames, armGeneration) => post({ type: 'sample', sample, frames, armGeneration }),
    onFrames: (frames, armGeneration) => post({ type: 'frames', frames, armGeneration }),
    onEvents: (events) => post({ type: 'events', events }),
    log: (line) => post({ type: 'log', line }),
    // Trace lines are written in batches, off the per-frame path most of the time.
    afterFrame: traceOut ? (i) => i % 120 === 119 && traceOut.flush() : undefined,
  });
  post({ type: 'ended', frames: summary.frames, samplesPosted: summary.samplesPosted });
}

try {
  main();
} finally {
  closers.closeSync();
  spec.feedbackPort.close();
}
