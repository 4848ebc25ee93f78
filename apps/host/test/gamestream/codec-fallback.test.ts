// What DESCRIBE offers once a codec was found too slow for a mode.
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
