// What DESCRIBE offers once a codec was found too slow for a mode, and that
// a restarted host still knows it (the file in the config directory).
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDescribeSdp, type HostSdpOptions } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import { CodecFallbacks } from '../../src/gamestream/codec-fallback.js';

const offer: HostSdpOptions = {
  hevc: true,
  av1: true,
  featureFlags: 0,
  encryptionSupported: 1,
  encryptionRequested: 1,
};
const p720 = { width: 1280, height: 720, fps: 60 };
const p1080 = { width: 1920, height: 1080, fps: 60 };

describe('CodecFallbacks', () => {
  it('leaves a demoted codec out of DESCRIBE for that mode only, so Moonlight negotiates H.264 there', () => {
    const fallbacks = new CodecFallbacks();
    expect(fallbacks.sdpFor(offer, p720)).toEqual(offer);
    fallbacks.demote('hevc', p720);
    expect(fallbacks.sdpFor(offer, p720)).toMatchObject({ hevc: false, av1: true });
    expect(fallbacks.sdpFor(offer, p1080)).toEqual(offer);
    expect(fallbacks.sdpFor(offer, { ...p720, fps: 30 })).toEqual(offer);
    // What moonlight-common-c looks for (RtspConnection.c): the HEVC marker is gone, AV1's is there.
    const sdp = buildDescribeSdp(fallbacks.sdpFor(offer, p720));
    expect(sdp).not.toContain('sprop-parameter-sets=AAAAAU');
    expect(sdp).toContain('AV1/90000');
    fallbacks.demote('av1', p720);
    expect(buildDescribeSdp(fallbacks.sdpFor(offer, p720))).not.toContain('AV1/90000');
    expect(fallbacks.isDemoted('av1', p1080)).toBe(false);
  });

  it('never offers what the probe did not find', () => {
    const fallbacks = new CodecFallbacks();
    expect(fallbacks.sdpFor({ ...offer, hevc: false, av1: false }, p720)).toMatchObject({
      hevc: false,
      av1: false,
    });
  });
});

describe('CodecFallbacks kept in the config directory', () => {
  const fileIn = () => join(mkdtempSync(join(tmpdir(), 'pf-codec-fallbacks-')), 'codec-fallbacks.json');

  it('a restarted host still offers H.264 for the mode an earlier run found too slow', async () => {
    const path = fileIn();
    const lines: string[] = [];
    const first = await CodecFallbacks.load(path, (l) => lines.push(l));
    expect(first.describe()).toBe('');
    first.demote('hevc', p720);
    first.demote('av1', p720);
    await first.saved();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      slow: { '1280x720@60': ['hevc', 'av1'] },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await CodecFallbacks.load(path, (l) => lines.push(l));
    expect(again.isDemoted('hevc', p720)).toBe(true);
    expect(again.isDemoted('av1', p720)).toBe(true);
    expect(again.isDemoted('hevc', p1080)).toBe(false);
    expect(again.describe()).toBe('1280x720@60: hevc, av1');
    expect(lines).toEqual([]);
  });

  it('a damaged or hostile file is said and ignored: every codec is offered again', async () => {
    for (const text of [
      'not json',
      '{"version":1,"slow":{"1280x720@60":["h264"]}}',
      '{"version":2,"slow":{}}',
      JSON.stringify({
        version: 1,
        slow: Object.fromEntries([...Array(65).keys()].map((i) => [`${100 + i}x720@60`, ['hevc']])),
      }),
    ]) {
      const path = fileIn();
      writeFileSync(path, text);
      const lines: string[] = [];
      const loaded = await CodecFallbacks.load(path, (l) => lines.push(l));
      expect(loaded.describe()).toBe('');
      expect(loaded.sdpFor(offer, p720)).toEqual(offer);
      expect(lines).toEqual([expect.stringMatching(/is damaged .*every codec is offered again/)]);
    }
    // A "__proto__" mode key changes nothing (and reaches no prototype).
    const path = fileIn();
    writeFileSync(path, '{"version":1,"slow":{"__proto__":["hevc"]}}');
    const loaded = await CodecFallbacks.load(path, () => {});
    expect(loaded.describe()).toBe('');
    expect(({} as Record<string, unknown>).hevc).toBeUndefined();
  });
});
