import { describe, expect, it } from 'vitest';
import {
  decodeStageUs,
  encodeStageUs,
  FRAME_RECORD_BYTES,
  type FrameRecord,
  readFrameRecord,
  STAGE_US_MAX,
  writeFrameRecord,
} from '../src/timeline.js';

function frame(overrides: Partial<FrameRecord> = {}): FrameRecord {
  return {
    captureStartUs: 10_812_345_678.0,
    frameIndex: 4_000_000_000,
    encodedBytes: 123_456,
    hostUs: 4_321,
    sessionIndex: 255,
    keyframe: true,
    repeated: false,
    stageClipped: false,
    stagesUs: [700, 4_000, 20, 150],
    ...overrides,
  };
}

describe('frame records', () => {
  it('round-trips every field of a 32-byte record', () => {
    const view = new DataView(new ArrayBuffer(FRAME_RECORD_BYTES * 2));
    writeFrameRecord(view, 1, frame());
    expect(readFrameRecord(view, 1)).toEqual(frame());
    expect(readFrameRecord(view, 0).frameIndex).toBe(0);
  });

  it('keeps "not measured" apart from 0', () => {
    const view = new DataView(new ArrayBuffer(FRAME_RECORD_BYTES));
    writeFrameRecord(view, 0, frame({ hostUs: null }));
    expect(readFrameRecord(view, 0).hostUs).toBeNull();
    writeFrameRecord(view, 0, frame({ hostUs: 0 }));
    expect(readFrameRecord(view, 0).hostUs).toBe(0);
  });

  it('holds stage durations exactly below 32.768 ms and within 16 µs up to about 1.08 s', () => {
    for (const us of [0, 1, 16_666, 32_767]) expect(decodeStageUs(encodeStageUs(us))).toBe(us);
    for (const us of [32_768, 40_000, 99_999, 500_001, STAGE_US_MAX]) {
      expect(Math.abs(decodeStageUs(encodeStageUs(us)) - us)).toBeLessThanOrEqual(16);
    }
  });

  it('clips a longer stage and says so in the flags', () => {
    const view = new DataView(new ArrayBuffer(FRAME_RECORD_BYTES));
    writeFrameRecord(view, 0, frame({ stagesUs: [2_000_000, 1, 2, 3] }));
    const read = readFrameRecord(view, 0);
    expect(read.stagesUs[0]).toBe(STAGE_US_MAX);
    expect(read.stageClipped).toBe(true);
    expect(read.hostUs).toBe(4_321);
  });
});
