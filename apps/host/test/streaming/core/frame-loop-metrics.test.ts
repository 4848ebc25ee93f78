// The frame loop with metrics on, armed and disarmed mid-run, on the real
// trace pipeline and send path (virtual clock): every frame is handed over
// exactly once, and every frame run belongs to a sample (a window cut at an
// arm or disarm is posted too, tagged with the generation it was measured
// under), so the metrics' counters miss nothing; the capture's generation
// gets only the frames measured while it was armed.
import { randomBytes } from 'node:crypto';
import { MediaReceiver, MediaSender, monotonicUs } from '@punktfunk/native';
import { readFrameRecord, type WorkerStatsSample } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFeedback } from '../../../src/streaming/core/client-feedback.js';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { VirtualClock } from '../../../src/streaming/core/frame-clock.js';
import { runFrameLoop } from '../../../src/streaming/core/frame-loop.js';
import type { FrameRecordsBlock } from '../../../src/streaming/core/frame-records.js';
import { readTrace } from '../../../src/streaming/core/trace.js';
import { TracePipeline } from '../../../src/streaming/pf1/pf1-pipelines.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const steady = readTrace(new URL('../../../traces/steady-60fps.jsonl', import.meta.url).pathname);
const ARM_AT = 100;
const DISARM_AT = 250;

function indices(block: FrameRecordsBlock): number[] {
  const view = new DataView(block.buffer);
  return Array.from({ length: block.count }, (_, i) => readFrameRecord(view, i).frameIndex);
}

describe('frame loop, metrics on', () => {
  it('hands over every frame once, and a sample for every frame, across an arm and a disarm', () => {
    const key = randomBytes(32);
    const salt = randomBytes(4);
    const receiver = new MediaReceiver({ localPort: 0, key, salt, windowFrames: 64 });
    const sender = new MediaSender({
      remoteHost: '127.0.0.1',
      remotePort: receiver.localPort,
      key,
      salt,
      spreadUs: 0,
    });
    closers.push(
      () => sender.close(),
      () => receiver.close(),
    );
    const control = new ControlBlock();
    const session = control.session(0);
    session.reset(0);
    const clock = new VirtualClock(monotonicUs());
    const samples: { sample: WorkerStatsSample; generation: number; frames: number[] }[] = [];
    const trailing: number[] = [];
    const summary = runFrameLoop({
      sessionId: 'm',
      kind: 'native',
      fps: 60,
      windowMs: 1000,
      perf: false,
      metrics: true,
      control,
      session,
      clock,
      pipeline: new TracePipeline(steady, sender, clock, monotonicUs),
      feedback: new ClientFeedback(),
      drainFeedback: () => {},
      onSample: (sample, frames, generation) =>
        samples.push({ sample, generation, frames: frames ? indices(frames) : [] }),
      onFrames: (frames) => trailing.push(...indices(frames)),
      log: () => {},
      afterFrame: (i) => {
        receiver.poll(0);
        // Between frames, as the main thread would arm and disarm.
        if (i === ARM_AT - 1) control.setArmed(true);
        if (i === DISARM_AT - 1) control.setArmed(false);
      },
    });
    expect(summary.frames).toBe(steady.frames.length);
    const handed = [...samples.flatMap((s) => s.frames), ...trailing];
    expect(handed).toEqual([...Array(summary.frames).keys()]);
    // Every frame but the last partial window's is in a sample: nothing is lost to the cuts.
    const inSamples = samples.reduce((n, s) => n + s.sample.measuredFrames, 0);
    expect(inSamples + trailing.length).toBe(summary.frames);
    for (const s of samples) expect(s.sample.measuredFrames).toBe(s.frames.length);
    // The armed generation (1) holds exactly the frames run while armed.
    const armed = samples.filter((s) => s.generation === 1).flatMap((s) => s.frames);
    expect(armed[0]).toBe(ARM_AT);
    expect(armed.at(-1)).toBe(DISARM_AT - 1);
    // Its last sample, cut at the disarm, reaches the metrics alone (the
    // generation is 2 by then): the capture counted the others.
    expect(summary.samplesPosted).toBe(samples.filter((s) => s.generation === 1).length - 1);
  });
});
