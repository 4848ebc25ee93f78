import { describe, expect, it } from 'vitest';
import { type EncoderOptions, FrameCapture, liveHandles, VideoDecoder, VideoEncoder } from '../src/index.js';
import { errorOf } from './support/native-error.js';

const good: EncoderOptions = {
  codec: 'h264',
  backend: 'software',
  width: 1280,
  height: 720,
  fps: 60,
  bitrateKbps: 10000,
};

describe('bad options are rejected in TypeScript before native code runs', () => {
  const cases: [string, Partial<EncoderOptions> | Record<string, unknown>, RegExp][] = [
    ['zero width', { width: 0 }, /width must be in 16\.\.7680, got 0/],
    ['zero height', { height: 0 }, /height must be in 16\.\.4320, got 0/],
    ['odd width', { width: 1279 }, /must be even, got 1279x720/],
    ['odd height', { height: 721 }, /must be even, got 1280x721/],
    ['fractional size', { width: 640.5 }, /width must be an integer/],
    ['size as string', { width: '1280' }, /width must be an integer, got "1280"/],
    ['unknown codec', { codec: 'vp9' }, /codec must be one of h264, hevc, av1, got "vp9"/],
    ['unknown backend', { backend: 'quicksync' }, /backend must be one of auto, nvenc, software/],
    ['absurd bitrate', { bitrateKbps: 5_000_000 }, /bitrateKbps must be in 100\.\.1000000, got 5000000/],
    ['tiny bitrate', { bitrateKbps: 1 }, /bitrateKbps must be in 100\.\.1000000, got 1/],
    ['negative fps', { fps: -60 }, /fps must be in 1\.\.240/],
    ['NaN fps', { fps: Number.NaN }, /fps must be an integer/],
    ['hostile preset', { preset: 'fast;rm -rf' }, /preset must be a short lowercase word/],
    [
      'codecParams that escape the list',
      { codecParams: 'wpp=1,pools=1' },
      /codecParams must be key=value pairs/,
    ],
    ['codecParams without a value', { codecParams: 'wpp' }, /codecParams must be key=value pairs/],
  ];

  for (const [name, change, message] of cases) {
    it(`encoder: ${name}`, () => {
      const before = liveHandles();
      const error = errorOf(() => new VideoEncoder({ ...good, ...change } as EncoderOptions, null));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^invalid encoder options: /);
      expect(error.message).toMatch(message);
      // Nothing native was created.
      expect(liveHandles()).toBe(before);
    });
  }

  it('capture and decoder options too', () => {
    expect(
      errorOf(() => new FrameCapture({ width: 0, height: 720, pixelFormat: 'yuv420p' })).message,
    ).toMatch(/^invalid capture options: width/);
    expect(
      errorOf(() => new FrameCapture({ width: 640, height: 360, pixelFormat: 'rgb24' as 'nv12' })).message,
    ).toMatch(/pixelFormat must be one of yuv420p, nv12/);
    expect(errorOf(() => new VideoDecoder({ codec: 'av2' as 'h264' })).message).toMatch(
      /^invalid decoder options: codec/,
    );
  });

  it('a live bitrate change is validated as well', () => {
    const encoder = new VideoEncoder(good, null);
    expect(errorOf(() => encoder.setBitrateKbps(0)).message).toMatch(/bitrateKbps must be in/);
    expect(encoder.bitrateKbps).toBe(10000);
    encoder.close();
  });

  it('native code still checks what reaches it (defence in depth)', () => {
    const encoder = new VideoEncoder(good, null);
    encoder.close();
    const error = errorOf(() => encoder.collect());
    expect(error.code).toBe('CLOSED');
    const decoder = new VideoDecoder({ codec: 'h264' });
    expect(errorOf(() => decoder.decode('not bytes' as unknown as Uint8Array)).code).toBe('INVALID_ARGUMENT');
    // An IDR slice with no parameter sets is a decode error with a code and
    // FFmpeg's reason, never a crash; the decoder stays usable afterwards.
    const garbage = Buffer.from([0, 0, 0, 1, 0x65, ...Array(64).fill(0xff)]);
    const decodeError = errorOf(() => decoder.decode(garbage));
    expect(decodeError.code).toBe('DECODER_FAILED');
    expect(decodeError.message).toMatch(/decode: Invalid data found when processing input \(.*slice/);
    expect(errorOf(() => decoder.decode(garbage)).code).toBe('DECODER_FAILED');
    decoder.close();
  });
});
