// The Opus layouts the host lists in DESCRIBE and encodes with, read back the
// way moonlight-common-c reads them (RtspConnection.c parseOpusConfigurations,
// GFE's normal-quality order undone): the client decodes with exactly the
// layout the host encodes with.
import { describe, expect, it } from 'vitest';
import {
  buildDescribeSdp,
  OPUS_LAYOUTS,
  opusLayoutFor,
  parseSurroundParams,
  surroundParams,
} from '../src/index.js';

const describeSdp = buildDescribeSdp({
  hevc: true,
  av1: false,
  featureFlags: 0,
  encryptionSupported: 1,
  encryptionRequested: 1,
});

describe('Opus layouts in DESCRIBE', () => {
  it('lists stereo, 5.1 and 7.1, normal quality before high quality, as Sunshine does', () => {
    const lines = describeSdp.split('\r\n').filter((l) => l.includes('surround-params='));
    expect(lines).toEqual([
      'a=fmtp:97 surround-params=21101',
      'a=fmtp:97 surround-params=21101',
      'a=fmtp:97 surround-params=642014235',
      'a=fmtp:97 surround-params=660012345',
      'a=fmtp:97 surround-params=85301623457',
      'a=fmtp:97 surround-params=88001234567',
    ]);
  });

  it.each([
    [6, false],
    [6, true],
    [8, false],
    [8, true],
  ])(
    '%i channels (high quality %s): the client parses the layout the host encodes with',
    (channels, high) => {
      const parsed = parseSurroundParams(describeSdp, channels);
      const { bitrateBps: _, ...encoded } = opusLayoutFor(channels, high) ?? OPUS_LAYOUTS[2][0];
      expect(high ? parsed.high : parsed.normal).toEqual(encoded);
    },
  );

  it('every layout codes each channel once: streams + coupled = channels, the mapping a permutation', () => {
    for (const pair of Object.values(OPUS_LAYOUTS)) {
      for (const l of pair) {
        expect(l.streams + l.coupledStreams).toBe(l.channels);
        expect([...l.mapping].sort()).toEqual([...Array(l.channels).keys()]);
      }
    }
  });

  it("GFE's order is only the normal-quality surround lists'", () => {
    expect(surroundParams(OPUS_LAYOUTS[6][0], false)).toBe('642014235');
    expect(surroundParams(OPUS_LAYOUTS[6][0], true)).toBe('642014523');
    expect(surroundParams(OPUS_LAYOUTS[2][0], false)).toBe('21101');
  });

  it('has no layout for other channel counts, and the client finds none', () => {
    expect(opusLayoutFor(4, false)).toBeNull();
    expect(parseSurroundParams(describeSdp, 4)).toEqual({ normal: null, high: null });
  });
});
