import { describe, expect, it } from 'vitest';
import {
  decodeFrameColumns,
  decodeStageUs,
  encodeFramesHeader,
  encodeStageUs,
  FRAME_RECORD_BYTES,
  type FrameRecord,
  FramesFileError,
  parseFramesFile,
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

describe('the frames sidecar', () => {
  function file(records: FrameRecord[], truncated = false): Uint8Array {
    const body = new Uint8Array(records.length * FRAME_RECORD_BYTES);
    const view = new DataView(body.buffer);
    for (const [i, record] of records.entries()) writeFrameRecord(view, i, record);
    const header = encodeFramesHeader({ recordCount: records.length, truncated, armedMonoUs: 123_456_789 });
    const bytes = new Uint8Array(header.byteLength + body.byteLength);
    bytes.set(header);
    bytes.set(body, header.byteLength);
    return bytes;
  }

  it('parses what it wrote, header and records, into columns', () => {
    const records = [frame({ frameIndex: 1 }), frame({ frameIndex: 2, hostUs: null, keyframe: false })];
    const { header, records: view } = parseFramesFile(file(records, true));
    expect(header).toEqual({ recordCount: 2, truncated: true, armedMonoUs: 123_456_789 });
    const columns = decodeFrameColumns(view);
    expect(columns.count).toBe(2);
    expect([...columns.frameIndex]).toEqual([1, 2]);
    expect(columns.hostUs[0]).toBe(4_321);
    expect(Number.isNaN(columns.hostUs[1])).toBe(true);
    expect([...columns.stagesUs.subarray(4, 8)]).toEqual([700, 4_000, 20, 150]);
  });

  it('refuses a file cut short, a foreign file and an unknown version, naming the fault', () => {
    const whole = file([frame(), frame()]);
    expect(() => parseFramesFile(whole.subarray(0, whole.byteLength - 1))).toThrow(FramesFileError);
    expect(() => parseFramesFile(whole.subarray(0, 10))).toThrow(/64-byte header/);
    const foreign = whole.slice();
    foreign[0] = 0x7b;
    expect(() => parseFramesFile(foreign)).toThrow(/bad magic/);
    const future = whole.slice();
    new DataView(future.buffer).setUint32(8, 99, true);
    expect(() => parseFramesFile(future)).toThrow(/version 99/);
  });
});
