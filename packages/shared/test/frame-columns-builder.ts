// Builds FrameColumns for tests the way the sidecar does: records written
// with writeFrameRecord, read back with decodeFrameColumns.
import {
  decodeFrameColumns,
  FRAME_RECORD_BYTES,
  type FrameColumns,
  type FrameRecord,
  writeFrameRecord,
} from '../src/timeline.js';

export type TestFrame = Partial<FrameRecord> & { captureStartUs: number };

export function testFrame(frame: TestFrame): FrameRecord {
  return {
    frameIndex: 0,
    encodedBytes: 20_000,
    hostUs: 5_000,
    sessionIndex: 0,
    keyframe: false,
    repeated: false,
    stageClipped: false,
    stagesUs: [800, 4_000, 30, 150],
    ...frame,
  };
}

export function columnsOf(frames: readonly TestFrame[]): FrameColumns {
  const view = new DataView(new ArrayBuffer(frames.length * FRAME_RECORD_BYTES));
  frames.forEach((frame, i) => {
    writeFrameRecord(view, i, testFrame(frame));
  });
  return decodeFrameColumns(view);
}

/** `count` frames of one session at `fps`, each `hostUs` long, with `patch` applied per frame index. */
export function steadyFrames(
  count: number,
  fps: number,
  patch: (index: number) => Partial<FrameRecord> = () => ({}),
  sessionIndex = 0,
): TestFrame[] {
  const frames: TestFrame[] = [];
  for (let i = 0; i < count; i++) {
    frames.push({ captureStartUs: Math.round((i * 1e6) / fps), frameIndex: i, sessionIndex, ...patch(i) });
  }
  return frames;
}
