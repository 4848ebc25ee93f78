import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FramingError, MAX_CONTROL_FRAME_BYTES } from '../src/index.js';

describe('punktfunk/1 control framing', () => {
  it('decodes messages split at every possible byte boundary', () => {
    const bytes = Buffer.concat([
      encodeFrame({ type: 'start' }),
      encodeFrame({ type: 'bitrate', kbps: 5000 }),
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(out).toEqual([{ type: 'start' }, { type: 'bitrate', kbps: 5000 }]);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('holds a truncated frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame({ type: 'idr' });
    expect(decoder.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(frame.length - 1);
  });

  it('refuses an oversized length before buffering it', () => {
    const decoder = new FrameDecoder();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_CONTROL_FRAME_BYTES + 1);
    expect(() => decoder.push(header)).toThrow(FramingError);
    expect(() => encodeFrame({ big: 'x'.repeat(MAX_CONTROL_FRAME_BYTES) })).toThrow(/too large/);
  });

  it('refuses a body that is not JSON', () => {
    const body = Buffer.from('{not json', 'utf8');
    const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    expect(() => new FrameDecoder().push(frame)).toThrow(/not valid JSON/);
  });
});
