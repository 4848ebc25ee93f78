// Events the frame loop notices itself, on the real trace pipeline and send
// path (virtual clock): a capture source that changes size between windows,
// and a capture that fails with CAPTURE_UNAVAILABLE (the display is gone).
// The synthetic source here never resizes or fails, so the pipeline is the
// trace's with the source's size and failure added.
import { randomBytes } from 'node:crypto';
import { MediaReceiver, MediaSender, monotonicUs, NativeError } from '@punktfunk/native';
import type { PendingTimelineEvent } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFeedback } from '../../../src/streaming/core/client-feedback.js';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { VirtualClock } from '../../../src/streaming/core/frame-clock.js';
import { runFrameLoop } from '../../../src/streaming/core/frame-loop.js';
import { readTrace } from '../../../src/streaming/core/trace.js';
import { TracePipeline } from '../../../src/streaming/pf1/pf1-pipelines.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const steady = readTrace(new URL('../../../traces/steady-60fps.jsonl', import.meta.url).pathname);

class ResizingPipeline extends TracePipeline {
  /** The source's size for each frame index from which it holds. */
  sizes: [number, string][] = [[0, '1280x720']];
  failAtFrame: number | null = null;
  private frame = 0;

  override runFrame(frameIndex: number) {
    this.frame = frameIndex;
    if (frameIndex === this.failAtFrame)
      throw new NativeError('CAPTURE_UNAVAILABLE', 'X display :99 went away');
    return super.runFrame(frameIndex);
  }

  captureSize(): { width: number; height: number } {
    const size = this.sizes.filter(([from]) => from <= this.frame).at(-1)?.[1] ?? '0x0';
    const [width, height] = size.split('x').map(Number) as [number, number];
    return { width, height };
  }
}

function run(configure: (p: ResizingPipeline) => void): { events: PendingTimelineEvent[]; error: unknown } {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt, windowFrames: 64 });
  const sender = new MediaSender({ remoteHost: '127.0.0.1', remotePort: receiver.localPort, key, salt });
  closers.push(
    () => sender.close(),
    () => receiver.close(),
  );
  const control = new ControlBlock();
  control.setArmed(true);
  const session = control.session(0);
  session.reset(0);
  const clock = new VirtualClock(monotonicUs());
  const pipeline = new ResizingPipeline(steady, sender, clock, monotonicUs);
  configure(pipeline);
  const events: PendingTimelineEvent[] = [];
  let error: unknown = null;
  try {
    runFrameLoop({
      sessionId: 's1',
      kind: 'native',
      fps: 60,
      windowMs: 1000,
      perf: false,
      control,
      session,
      clock,
      pipeline,
      feedback: new ClientFeedback(),
      drainFeedback: () => {},
      onSample: () => {},
      onEvents: (batch) => events.push(...batch),
      log: () => {},
      afterFrame: () => receiver.poll(0),
    });
  } catch (thrown) {
    error = thrown;
  }
  return { events, error };
}

describe('events the frame loop notices', () => {
  it('a source size change is one capture-change event at the next boundary', () => {
    const { events } = run((p) => {
      p.sizes = [
        [0, '1280x720'],
        [150, '1920x1080'],
      ];
    });
    const changes = events.filter((e) => e.type === 'capture-change');
    expect(changes.map((e) => e.details)).toEqual([
      { from: '1280x720', to: '1920x1080', width: 1920, height: 1080 },
    ]);
    expect(changes[0]?.summary).toBe('capture size 1280x720 → 1920x1080');
  });

  it('a lost display is on the lane before the loop ends with the error', () => {
    const { events, error } = run((p) => {
      p.failAtFrame = 90;
    });
    expect((error as NativeError).code).toBe('CAPTURE_UNAVAILABLE');
    expect(events.at(-1)).toMatchObject({
      type: 'display-lost',
      sessionId: 's1',
      details: { reason: 'X display :99 went away' },
    });
    // The events before it were posted too (the first keyframe).
    expect(events[0]).toMatchObject({ type: 'keyframe', details: { reason: 'start' } });
  });
});
