import { describe, expect, it } from 'vitest';
import { NativeError, VideoEncoder } from '../src/index.js';
import { nvencExpected } from './support/nvenc-expected.js';

const options = { codec: 'h264', width: 1280, height: 720, fps: 60, bitrateKbps: 10000 } as const;

describe('encoder backends', () => {
  // From the machine (or PUNKTFUNK_EXPECT_NVENC), never from whether NVENC opens.
  const hasNvenc = nvencExpected();

  it.skipIf(hasNvenc)('nvenc without an NVIDIA GPU: ENCODER_UNAVAILABLE with the reason', () => {
    let error: unknown;
    try {
      new VideoEncoder({ ...options, backend: 'nvenc' }, null);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeError);
    expect((error as NativeError).code).toBe('ENCODER_UNAVAILABLE');
    expect((error as NativeError).message).toMatch(/h264_nvenc: .+/);
  });

  it.skipIf(hasNvenc)('auto falls back to libx264, says so, and logs why', () => {
    const lines: string[] = [];
    const encoder = new VideoEncoder({ ...options, backend: 'auto' }, { info: (m) => lines.push(m) });
    expect(encoder.info).toMatchObject({
      encoderName: 'libx264',
      backend: 'software',
      pixelFormat: 'yuv420p',
    });
    expect(encoder.info.fallbackReason).toMatch(/^h264_nvenc: /);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/encoder: libx264 .*not used: h264_nvenc/);
    encoder.close();
  });

  it.runIf(hasNvenc)('auto picks NVENC where it works', () => {
    const encoder = new VideoEncoder({ ...options, backend: 'auto' }, null);
    expect(encoder.info).toMatchObject({ encoderName: 'h264_nvenc', backend: 'nvenc', pixelFormat: 'nv12' });
    encoder.close();
  });

  it('software picks libx265 for HEVC', () => {
    const encoder = new VideoEncoder({ ...options, codec: 'hevc', backend: 'software' }, null);
    expect(encoder.info).toMatchObject({ encoderName: 'libx265', backend: 'software', fallbackReason: '' });
    encoder.close();
  });

  it('software picks SVT-AV1 for AV1; auto says why av1_nvenc was not used', () => {
    const software = new VideoEncoder({ ...options, codec: 'av1', backend: 'software' }, null);
    expect(software.info).toMatchObject({
      encoderName: 'libsvtav1',
      backend: 'software',
      fallbackReason: '',
    });
    software.close();
    const auto = new VideoEncoder({ ...options, codec: 'av1', backend: 'auto' }, null);
    expect(auto.info.encoderName).toBe(hasNvenc && auto.info.backend === 'nvenc' ? 'av1_nvenc' : 'libsvtav1');
    if (auto.info.backend === 'software') expect(auto.info.fallbackReason).toMatch(/^av1_nvenc: /);
    auto.close();
  });
});

describe('which NVENC branch runs', () => {
  it('follows PUNKTFUNK_EXPECT_NVENC over the machine', () => {
    expect(nvencExpected({ PUNKTFUNK_EXPECT_NVENC: '1' })).toBe(true);
    expect(nvencExpected({ PUNKTFUNK_EXPECT_NVENC: '0' })).toBe(false);
    expect(() => nvencExpected({ PUNKTFUNK_EXPECT_NVENC: 'yes' })).toThrow(/must be 1 or 0/);
  });
});
