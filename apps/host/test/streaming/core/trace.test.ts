import { describe, expect, it } from 'vitest';
import { parseTrace, TraceError, TraceRecorder } from '../../../src/streaming/core/trace.js';

const header = { punktfunkTrace: 1, width: 1280, height: 720, fps: 60, codec: 'h264' } as const;
const frame = { captureUs: 800, submitUs: 4000, encodeUs: 30, sendUs: 150, bytes: 20000 };

describe('trace format', () => {
  it('a recorded session parses back to the same frames', () => {
    let text = '';
    const recorder = new TraceRecorder((t) => (text += t), header);
    recorder.add({ ...frame, keyframe: true, repeated: false });
    recorder.add({ ...frame, keyframe: false, repeated: true, targetBitrateKbps: 5000 });
    expect(text.split('\n')).toHaveLength(2); // nothing but the header until a flush
    recorder.flush();
    const trace = parseTrace(text);
    expect(trace.header).toEqual({ ...header, clientDropRate: 0 });
    expect(trace.frames).toEqual([
      { ...frame, keyframe: true, repeated: false, targetBitrateKbps: null },
      { ...frame, keyframe: false, repeated: true, targetBitrateKbps: 5000 },
    ]);
  });

  it('"repeat" expands a line', () => {
    const text = [JSON.stringify(header), JSON.stringify({ ...frame, repeat: 3 })].join('\n');
    expect(parseTrace(text).frames).toHaveLength(3);
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['no header', JSON.stringify(frame), /not a punktfunk trace header/],
    ['no frames', JSON.stringify(header), /no frames/],
    ['garbage line', `${JSON.stringify(header)}\n{oops`, /t:2: not JSON/],
    [
      'negative cost',
      `${JSON.stringify(header)}\n${JSON.stringify({ ...frame, submitUs: -1 })}`,
      /t:2: submitUs must be an integer/,
    ],
    [
      'zero bytes',
      `${JSON.stringify(header)}\n${JSON.stringify({ ...frame, bytes: 0 })}`,
      /bytes must be an integer in 1\.\./,
    ],
    [
      'absurd repeat',
      `${JSON.stringify(header)}\n${JSON.stringify({ ...frame, repeat: 1e9 })}`,
      /repeat must be an integer/,
    ],
    ['bad drop rate', JSON.stringify({ ...header, clientDropRate: 2 }), /clientDropRate must be in 0\.\.1/],
    ['array line', `${JSON.stringify(header)}\n[1,2]`, /expected an object/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with the line named`, () => {
      expect(() => parseTrace(text, 't')).toThrow(TraceError);
      expect(() => parseTrace(text, 't')).toThrow(message);
    });
  }
});
