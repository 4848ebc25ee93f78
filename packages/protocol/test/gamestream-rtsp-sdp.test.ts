// The DESCRIBE body the host offers and the ANNOUNCE body it reads.
import { describe, expect, it } from 'vitest';
import {
  buildDescribeSdp,
  parseAnnounceSdp,
  parseSdpAttributes,
  RtspError,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '../src/index.js';
import { moonlightAnnounceSdp } from './fixtures/moonlight-announce.js';

function refused(sdp: string, message: RegExp): void {
  try {
    parseAnnounceSdp(sdp);
  } catch (error) {
    expect(error).toBeInstanceOf(RtspError);
    expect((error as RtspError).statusCode).toBe(400);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an RtspError');
}

describe('DESCRIBE SDP', () => {
  it('advertises HEVC, AV1, feature flags and encryption bits as moonlight-common-c looks for them', () => {
    const sdp = buildDescribeSdp({
      hevc: true,
      av1: true,
      featureFlags: 3,
      encryptionSupported: 7,
      encryptionRequested: 1,
    });
    expect(sdp).toContain('sprop-parameter-sets=AAAAAU');
    expect(sdp).toContain('a=rtpmap:98 AV1/90000');
    const attributes = parseSdpAttributes(sdp);
    expect(attributes.get('x-ss-general.featureFlags')).toBe('3');
    expect(attributes.get('x-ss-general.encryptionSupported')).toBe('7');
    expect(attributes.get('x-ss-general.encryptionRequested')).toBe('1');
  });

  it('leaves out what the host cannot encode', () => {
    const sdp = buildDescribeSdp({
      hevc: false,
      av1: false,
      featureFlags: 0,
      encryptionSupported: 1,
      encryptionRequested: 1,
    });
    expect(sdp).not.toContain('AAAAAU');
    expect(sdp).not.toContain('AV1');
    expect(sdp.length).toBeGreaterThan(0);
  });
});

describe('ANNOUNCE SDP', () => {
  it('reads a Moonlight offer into typed settings', () => {
    expect(parseAnnounceSdp(moonlightAnnounceSdp())).toEqual({
      width: 1920,
      height: 1080,
      fps: 60,
      packetSize: 1392,
      maxBitrateKbps: 10000,
      configuredBitrateKbps: 10000,
      codec: 'h264',
      minRequiredFecPackets: 2,
      nvFeatureFlags: 167,
      audioEncryption: true,
      encryptionEnabled: SS_ENC_CONTROL_V2,
      mlFeatureFlags: 3,
      audioPacketDurationMs: 5,
      surround: { channelCount: 2, channelMask: 3, enabled: false, highQuality: false },
      hdr: false,
      yuv444: false,
    });
  });

  it('reads the 4:4:4 ask (x-ss-video[0].chromaSamplingType) and high-quality surround', () => {
    const stream = parseAnnounceSdp(
      moonlightAnnounceSdp({
        'x-ss-video[0].chromaSamplingType': '1',
        'x-nv-audio.surround.numChannels': '8',
        'x-nv-audio.surround.channelMask': '1599',
        'x-nv-audio.surround.AudioQuality': '1',
      }),
    );
    expect(stream.yuv444).toBe(true);
    expect(stream.surround).toEqual({
      channelCount: 8,
      channelMask: 0x63f,
      enabled: false,
      highQuality: true,
    });
    expect(parseAnnounceSdp(moonlightAnnounceSdp({ 'x-ss-video[0].chromaSamplingType': null })).yuv444).toBe(
      false,
    );
    refused(
      moonlightAnnounceSdp({ 'x-ss-video[0].chromaSamplingType': '2' }),
      /chromaSamplingType' must be 0\.\.1/,
    );
  });

  it('reads HEVC, AV1, surround and 10 ms audio', () => {
    const stream = parseAnnounceSdp(
      moonlightAnnounceSdp({
        'x-nv-vqos[0].bitStreamFormat': '1',
        'x-nv-audio.surround.numChannels': '6',
        'x-nv-audio.surround.channelMask': '1551',
        'x-nv-audio.surround.enable': '1',
        'x-nv-aqos.packetDuration': '10',
        'x-ss-general.encryptionEnabled': String(SS_ENC_CONTROL_V2 | SS_ENC_VIDEO),
        'x-nv-general.featureFlags': '7',
      }),
    );
    expect(stream.codec).toBe('hevc');
    expect(stream.surround).toEqual({
      channelCount: 6,
      channelMask: 1551,
      enabled: true,
      highQuality: false,
    });
    expect(stream.audioPacketDurationMs).toBe(10);
    expect(stream.encryptionEnabled).toBe(3);
    expect(stream.audioEncryption).toBe(false);
    expect(parseAnnounceSdp(moonlightAnnounceSdp({ 'x-nv-vqos[0].bitStreamFormat': '2' })).codec).toBe('av1');
  });

  it('uses defaults for what older clients leave out', () => {
    const stream = parseAnnounceSdp(
      moonlightAnnounceSdp({
        'x-ml-video.configuredBitrateKbps': null,
        'x-ss-general.encryptionEnabled': null,
        'x-nv-aqos.packetDuration': null,
        'x-nv-vqos[0].fec.minRequiredFecPackets': null,
        'x-nv-audio.surround.numChannels': null,
        'x-nv-audio.surround.channelMask': null,
      }),
    );
    expect(stream).toMatchObject({
      configuredBitrateKbps: null,
      encryptionEnabled: 0,
      audioPacketDurationMs: 5,
      minRequiredFecPackets: 0,
    });
    expect(stream.surround.channelCount).toBe(2);
  });

  it('names a missing, malformed or out-of-range attribute', () => {
    refused(
      moonlightAnnounceSdp({ 'x-nv-video[0].clientViewportWd': null }),
      /'x-nv-video\[0\].clientViewportWd' is missing/,
    );
    refused(
      moonlightAnnounceSdp({ 'x-nv-video[0].maxFPS': 'sixty' }),
      /'x-nv-video\[0\].maxFPS' is not an integer/,
    );
    refused(moonlightAnnounceSdp({ 'x-nv-video[0].packetSize': '10' }), /packetSize' must be 64\.\.65000/);
    refused(moonlightAnnounceSdp({ 'x-nv-vqos[0].bitStreamFormat': '3' }), /bitStreamFormat' must be 0\.\.2/);
    refused(
      moonlightAnnounceSdp({ 'x-nv-vqos[0].bw.maximumBitrateKbps': '0' }),
      /maximumBitrateKbps' must be/,
    );
    refused(moonlightAnnounceSdp({ 'x-nv-aqos.packetDuration': '7' }), /must be 5, 10 or 20 ms/);
    refused(moonlightAnnounceSdp({ 'x-nv-audio.surround.numChannels': '9' }), /numChannels' must be 1\.\.8/);
    refused(`${moonlightAnnounceSdp()}a=x-nv-video[0].maxFPS:30\r\n`, /given twice/);
    refused('garbage without attributes', /is missing/);
  });
});
