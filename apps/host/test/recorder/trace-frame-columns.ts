// A trace as the frame timeline a replay of it would record: capture starts
// paced like the frame loop (runFrameLoop: one slot per 1/fps, a frame that
// overruns the next slot skips the slots it missed, a late frame starts when
// the previous one ends), the host time the sum of the stages plus a little
// (what the send path adds beyond them), records through the sidecar layout.
import {
  decodeFrameColumns,
  FRAME_RECORD_BYTES,
  type FrameColumns,
  writeFrameRecord,
} from '@punktfunk/shared';
import { readTrace } from '../../src/streaming/core/trace.js';

/** What a replayed frame's host time adds to its stages (µs). */
export const REPLAY_OVERHEAD_US = 40;

export function traceColumns(name: string, sessionIndex = 0): FrameColumns {
  const trace = readTrace(new URL(`../../traces/${name}.jsonl`, import.meta.url).pathname);
  const fps = trace.header.fps;
  const slotStartUs = (slot: number) => Math.round((slot * 1e6) / fps);
  const view = new DataView(new ArrayBuffer(trace.frames.length * FRAME_RECORD_BYTES));
  let nowUs = 0;
  let slot = 0;
  trace.frames.forEach((frame, i) => {
    const startUs = Math.max(nowUs, slotStartUs(slot));
    const stagesUs = [frame.captureUs, frame.submitUs, frame.encodeUs, frame.sendUs];
    const hostUs = stagesUs.reduce((a, b) => a + b, 0) + REPLAY_OVERHEAD_US;
    writeFrameRecord(view, i, {
      captureStartUs: startUs,
      frameIndex: i,
      encodedBytes: frame.bytes,
      hostUs,
      sessionIndex,
      keyframe: frame.keyframe,
      repeated: frame.repeated,
      stageClipped: false,
      stagesUs,
    });
    nowUs = startUs + hostUs;
    slot++;
    while (slotStartUs(slot + 1) <= nowUs) slot++;
  });
  return decodeFrameColumns(view);
}
