// The frame loop's timeline records: a block per window, none written while
// disarmed (PUNKTFUNK_PERF alone included), and nothing written under one
// arming reaches the next one, even a disarm and re-arm inside one window.
import { randomBytes } from 'node:crypto';
import { MediaReceiver, MediaSender, monotonicUs } from '@punktfunk/native';
import { FRAME_RECORD_BYTES, readFrameRecord, STAGE_US_MAX } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFeedback } from '../../../src/streaming/core/client-feedback.js';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { VirtualClock } from '../../../src/streaming/core/frame-clock.js';
import { runFrameLoop } from '../../../src/streaming/core/frame-loop.js';
import {
  blockCapacity,
  type FrameRecordsBlock,
  FrameRecordWriter,
} from '../../../src/streaming/core/frame-records.js';
import { readTrace } from '../../../src/streaming/core/trace.js';
import { TracePipeline } from '../../../src/streaming/pf1/pf1-pipelines.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Runs steady-60fps (600 frames, 2 s windows) through the real send path; `toggle` may flip the armed flag after a frame. */
function run(o: { armed: boolean; perf?: boolean; toggle?: (next: number, control: ControlBlock) => void }) {
  const trace = readTrace(new URL('../../../traces/steady-60fps.jsonl', import.meta.url).pathname);
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
  control.setArmed(o.armed);
  const session = control.session(0);
  session.reset(0);
  const clock = new VirtualClock(monotonicUs());
  const blocks: { via: 'sample' | 'frames'; block: FrameRecordsBlock }[] = [];
  runFrameLoop({
    sessionId: 't',
    kind: 'native',
    fps: 60,
    windowMs: 2000,
    perf: o.perf ?? false,
    control,
    session,
    clock,
    pipeline: new TracePipeline(trace, sender, clock, monotonicUs),
    feedback: new ClientFeedback(),
    drainFeedback: () => {},
    onSample: (_s, block) => {
      if (block) blocks.push({ via: 'sample', block });
    },
    onFrames: (block) => blocks.push({ via: 'frames', block }),
    log: () => {},
    afterFrame: (i) => {
      receiver.poll(0);
      o.toggle?.(i + 1, control);
    },
  });
  const indices = (b: FrameRecordsBlock) =>
    Array.from({ length: b.count }, (_, i) => readFrameRecord(new DataView(b.buffer), i).frameIndex);
  return { blocks, indices };
}

describe('frame records in the loop', () => {
  it('armed: one block per window with the sample, each a fresh buffer sized for a window and a half', () => {
    const { blocks, indices } = run({ armed: true });
    expect(blocks.map((b) => [b.via, b.block.count])).toEqual([
      ['sample', 120],
      ['sample', 120],
      ['sample', 120],
      ['sample', 120],
      ['sample', 120],
    ]);
    expect(new Set(blocks.map((b) => b.block.buffer)).size).toBe(5);
    expect(blocks[0]?.block.buffer.byteLength).toBe(blockCapacity(2000, 60) * FRAME_RECORD_BYTES);
    expect(blocks.flatMap((b) => indices(b.block))).toEqual([...Array(600).keys()]);
  });

  it('disarmed, even with PUNKTFUNK_PERF: no record', () => {
    expect(run({ armed: false, perf: true }).blocks).toEqual([]);
  });

  it('disarmed and re-armed inside one window: nothing from the first arming reaches the second', () => {
    const { blocks, indices } = run({
      armed: true,
      toggle: (next, control) => {
        if (next === 130 || next === 135) control.setArmed(next === 135);
      },
    });
    const all = blocks.flatMap((b) => indices(b.block));
    expect(all.slice(0, 120)).toEqual([...Array(120).keys()]);
    // Frames 120..129 were written under the first arming, in the window the second one posts.
    expect(all.slice(120)).toEqual([...Array(600 - 135).keys()].map((i) => 135 + i));
  });
});

describe('FrameRecordWriter', () => {
  const frame = {
    captureStartUs: 123_456_789.5,
    stagesUs: [700, STAGE_US_MAX + 1, 40_000, 0],
    hostUs: null,
    repeated: true,
    encodedBytes: 0,
    keyframe: false,
    wireBytes: 0,
    refused: 0,
    fecUs: null,
    sealUs: null,
    socketUs: null,
  };

  it('writes the record layout: not measured host, clipped stage, flags; hands over when full', () => {
    const writer = new FrameRecordWriter(2);
    expect(writer.take()).toBeNull();
    writer.write(7, frame);
    expect(writer.full).toBe(false);
    writer.write(8, { ...frame, hostUs: 5000.4, keyframe: true, repeated: false, stagesUs: [1, 2, 3, 4] });
    expect(writer.full).toBe(true);
    const block = writer.take();
    expect(block?.count).toBe(2);
    expect(writer.count).toBe(0);
    const view = new DataView(block!.buffer);
    expect(readFrameRecord(view, 0)).toEqual({
      captureStartUs: 123_456_789.5,
      frameIndex: 7,
      encodedBytes: 0,
      hostUs: null,
      sessionIndex: 0,
      keyframe: false,
      repeated: true,
      stageClipped: true,
      stagesUs: [700, STAGE_US_MAX, 40_000, 0],
    });
    expect(readFrameRecord(view, 1)).toMatchObject({
      frameIndex: 8,
      hostUs: 5000,
      keyframe: true,
      stageClipped: false,
    });
  });
});
