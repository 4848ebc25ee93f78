// The host's stream caps: read from the environment within the encoder's
// limits, one mode and the running sessions' sum checked, and punktfunk/1's
// hello fitted into them or refused.
import type { HelloMessage } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadEngineConfig,
  loadPf1Config,
  loadStreamCapsConfig,
} from '../../../src/config/index.js';
import { type Pf1ServiceOptions, streamOffer } from '../../../src/pf1/service.js';
import { overStreamCaps } from '../../../src/streaming/core/stream-caps.js';

describe('stream caps', () => {
  it('default to the encoder limits and a 4K60 pixel rate per session, two sessions in all', () => {
    expect(loadStreamCapsConfig({})).toEqual({
      maxWidthPx: 7680,
      maxHeightPx: 4320,
      maxFps: 240,
      maxPixelRate: 3840 * 2160 * 60,
      maxTotalPixelRate: 2 * 3840 * 2160 * 60,
      maxSessions: 4,
    });
  });

  it('refuse settings beyond the encoder limits, naming the variable', () => {
    expect(() => loadStreamCapsConfig({ PUNKTFUNK_MAX_WIDTH: '16384' })).toThrow(ConfigError);
    expect(() => loadStreamCapsConfig({ PUNKTFUNK_MAX_FPS: '1000' })).toThrow(
      /PUNKTFUNK_MAX_FPS must be 1..240/,
    );
    expect(() =>
      loadStreamCapsConfig({ PUNKTFUNK_MAX_PIXEL_RATE: '100', PUNKTFUNK_MAX_TOTAL_PIXEL_RATE: '50' }),
    ).toThrow(/PUNKTFUNK_MAX_TOTAL_PIXEL_RATE must be 100\.\./);
  });

  it('check the mode, the pixel rate per session and the sum with the running sessions', () => {
    const caps = loadStreamCapsConfig({ PUNKTFUNK_MAX_FPS: '144' });
    expect(overStreamCaps({ width: 1920, height: 1080, fps: 60 }, caps, 0)).toBeNull();
    expect(overStreamCaps({ width: 1920, height: 1080, fps: 240 }, caps, 0)).toMatch(
      /over the host's cap of 7680x4320@144/,
    );
    expect(overStreamCaps({ width: 7680, height: 4320, fps: 30 }, caps, 0)).toMatch(/per session/);
    expect(overStreamCaps({ width: 3840, height: 2160, fps: 60 }, caps, caps.maxPixelRate)).toBeNull();
    expect(overStreamCaps({ width: 1280, height: 720, fps: 60 }, caps, caps.maxTotalPixelRate)).toMatch(
      /in all/,
    );
  });
});

describe("punktfunk/1's requested mode", () => {
  const hello: HelloMessage = {
    type: 'hello',
    protocol: 'punktfunk/1',
    clientName: 'test',
    codecs: ['h264'],
    width: 1920,
    height: 1080,
    fps: 60,
    bitrateKbps: null,
    fecPercent: null,
    udpPort: 5000,
  };
  const options = (runningPixelRate: number, env: Record<string, string> = {}, sessionsInUse = 0) =>
    ({
      sessionsInUse: () => sessionsInUse,
      engine: loadEngineConfig({}),
      config: loadPf1Config({}),
      streamCaps: loadStreamCapsConfig(env),
      sessions: { runningPixelRate: () => runningPixelRate },
      encoderName: 'libx264',
    }) as unknown as Pf1ServiceOptions;

  it('is fitted into the size and rate caps', () => {
    const offer = streamOffer(
      options(0, { PUNKTFUNK_MAX_WIDTH: '1280', PUNKTFUNK_MAX_HEIGHT: '720', PUNKTFUNK_MAX_FPS: '30' }),
      hello,
    );
    expect(offer).toMatchObject({ width: 1280, height: 720, fps: 30 });
  });

  it('is refused over the pixel-rate caps, per session and in all', () => {
    expect(() => streamOffer(options(0), { ...hello, width: 7680, height: 4320, fps: 240 })).toThrow(
      /per session/,
    );
    expect(() => streamOffer(options(2 * 3840 * 2160 * 60), hello)).toThrow(/in all/);
  });

  it('is refused when PUNKTFUNK_MAX_SESSIONS sessions run already (both paths counted by the caller)', () => {
    const env = { PUNKTFUNK_MAX_SESSIONS: '2' };
    expect(() => streamOffer(options(0, env, 2), hello)).toThrow(
      /already streams to 2 clients \(PUNKTFUNK_MAX_SESSIONS=2\)/,
    );
    expect(streamOffer(options(0, env, 1), hello)).toMatchObject({ width: 1920, height: 1080 });
  });
});
