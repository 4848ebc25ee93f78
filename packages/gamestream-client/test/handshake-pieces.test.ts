// The small decisions of the client, checked with plain values: the ANNOUNCE
// body read back by the host's own SDP parser, the encryption negotiation
// against the host's DESCRIBE body, the ping datagram, the IDR test on a
// frame's first packet, and the seeded loss.
import {
  buildDescribeSdp,
  parseAnnounceSdp,
  readMediaPing,
  SS_ENC_AUDIO,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import { moonlightAnnounceSdp } from '../src/announce-sdp.js';
import {
  announcedPacketSize,
  connectDataOf,
  negotiateEncryption,
  pingPayloadOf,
  rtspPortOf,
  sdpUint,
  serverPort,
} from '../src/negotiation.js';
import { mediaPing, seededDropper } from '../src/udp.js';
import { startsIdr } from '../src/video-depacketizer.js';

const describeBody = (supported: number, requested: number) =>
  buildDescribeSdp({
    hevc: true,
    av1: false,
    featureFlags: 0,
    encryptionSupported: supported,
    encryptionRequested: requested,
  });

describe('ANNOUNCE and negotiation', () => {
  it("writes an ANNOUNCE the host's parser reads as meant (80 % video bitrate, Sunshine flags)", () => {
    const sdp = moonlightAnnounceSdp({
      width: 1920,
      height: 1080,
      fps: 120,
      packetSize: announcedPacketSize(1392, SS_ENC_CONTROL_V2 | SS_ENC_VIDEO),
      bitrateKbps: 20_000,
      codec: 'hevc',
      encryptionEnabled: SS_ENC_CONTROL_V2 | SS_ENC_VIDEO,
      audioEncryption: true,
      audioPacketDurationMs: 5,
    });
    expect(sdp.startsWith('v=0\r\no=android 0 14 IN IPv4 127.0.0.1\r\ns=NVIDIA Streaming Client\r\n')).toBe(
      true,
    );
    expect(sdp).toContain('a=x-nv-video[0].packetSize:1360 \r\n');
    expect(sdp.endsWith('t=0 0\r\nm=video 47998  \r\n')).toBe(true);
    expect(parseAnnounceSdp(sdp)).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 120,
      packetSize: 1360,
      maxBitrateKbps: 16_000,
      configuredBitrateKbps: 20_000,
      codec: 'hevc',
      minRequiredFecPackets: 2,
      nvFeatureFlags: 0xa7,
      audioEncryption: true,
      encryptionEnabled: 3,
      mlFeatureFlags: 3,
      audioPacketDurationMs: 5,
      surround: { channelCount: 2, channelMask: 3, enabled: false, highQuality: false },
      hdr: false,
    });
  });

  it('enables control v2 when offered, video and audio when wanted or requested', () => {
    const all = SS_ENC_CONTROL_V2 | SS_ENC_VIDEO | SS_ENC_AUDIO;
    expect(negotiateEncryption(describeBody(1, 1), {})).toBe(SS_ENC_CONTROL_V2);
    expect(negotiateEncryption(describeBody(all, 1), {})).toBe(SS_ENC_CONTROL_V2 | SS_ENC_AUDIO);
    expect(negotiateEncryption(describeBody(all, 1), { videoEncryption: true })).toBe(all);
    expect(negotiateEncryption(describeBody(1, all), { audioEncryption: false })).toBe(all);
    expect(() => negotiateEncryption(describeBody(0, 0), {})).toThrow(/control stream encryption v2/);
    expect(announcedPacketSize(1400, SS_ENC_CONTROL_V2)).toBe(1392);
    expect(announcedPacketSize(1392, SS_ENC_VIDEO)).toBe(1360);
  });

  it('reads ports, numbers and ping payloads the way the client does', () => {
    expect(serverPort('server_port=48000-48001;source=10.0.0.2', 1)).toBe(48000);
    expect(serverPort(undefined, 47998)).toBe(47998);
    // Each session on a host has its own RTSP port, named in the launch reply.
    expect(rtspPortOf('rtsp://192.168.1.2:48103')).toBe(48103);
    expect(rtspPortOf('rtsp://[::1]:48010/')).toBe(48010);
    expect(rtspPortOf(undefined)).toBe(48010);
    expect(rtspPortOf('rtsp://host:99999')).toBe(48010);
    expect(sdpUint('a=x-ss-general.encryptionSupported:5\r\n', 'x-ss-general.encryptionSupported')).toBe(5);
    expect(sdpUint('a=other:5', 'x-ss-general.encryptionSupported')).toBe(0);
    expect(connectDataOf('3631520666')).toBe(3631520666);
    expect(connectDataOf('0x10')).toBe(16);
    expect(connectDataOf('010')).toBe(8);
    expect(connectDataOf(undefined)).toBe(0);
    expect(pingPayloadOf('0123456789abcdef')).toBe('0123456789abcdef');
    expect(pingPayloadOf('0123456789abcde')).toBeNull();
  });
});

describe('media pings and loss', () => {
  it('pings with the 16-character payload and a BE32 counter, or "PING"', () => {
    expect(mediaPing('0123456789abcdef', 0x01020304).toString('hex')).toBe(
      `${Buffer.from('0123456789abcdef').toString('hex')}01020304`,
    );
    expect(mediaPing(null, 1).toString()).toBe('PING');
    // The host's check (its main thread holds the ports from SETUP): only this session's payload counts.
    expect(readMediaPing(mediaPing('0123456789abcdef', 7), '0123456789abcdef')).toEqual({ counter: 7 });
    expect(readMediaPing(mediaPing('0123456789abcdef', 7), 'fedcba9876543210')).toBeNull();
    expect(readMediaPing(mediaPing(null, 1), '0123456789abcdef')).toBeNull();
    expect(readMediaPing(Buffer.alloc(21), '0123456789abcdef')).toBeNull();
    expect(() => mediaPing('short', 1)).toThrow(RangeError);
  });

  it('drops a repeatable share of datagrams for a seed', () => {
    const pattern = (seed: number) => Array.from({ length: 20_000 }, seededDropper(0.1, seed));
    const a = pattern(5);
    expect(pattern(5)).toEqual(a);
    expect(pattern(6)).not.toEqual(a);
    const share = a.filter(Boolean).length / a.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
    expect(Array.from({ length: 100 }, seededDropper(0, 1)).some(Boolean)).toBe(false);
    expect(() => seededDropper(1.5, 1)).toThrow(RangeError);
  });
});

describe("the client's IDR test on a frame's first packet", () => {
  const nal = (...bytes: number[]) => Buffer.from([0, 0, 0, 1, ...bytes]);
  const nal3 = (...bytes: number[]) => Buffer.from([0, 0, 1, ...bytes]);

  it('H.264: SPS first (after AUD and SEI) and an IDR slice in the packet', () => {
    expect(startsIdr(Buffer.concat([nal(0x67, 1, 2), nal(0x68, 3), nal3(0x65, 9, 9)]), 'h264')).toBe(true);
    expect(
      startsIdr(
        Buffer.concat([nal(0x09, 0x10), nal(0x06, 5, 5), nal(0x67, 1), nal(0x68, 2), nal(0x65, 1)]),
        'h264',
      ),
    ).toBe(true);
    // A P slice is not an IDR, nor SPS and PPS without a slice in the packet.
    expect(startsIdr(Buffer.concat([nal(0x41, 1, 2, 3)]), 'h264')).toBe(false);
    expect(startsIdr(Buffer.concat([nal(0x67, 1), nal(0x68, 2), Buffer.alloc(20)]), 'h264')).toBe(false);
    // An IDR slice not preceded by SPS: the client does not take it for an IDR.
    expect(startsIdr(Buffer.concat([nal(0x65, 1, 2)]), 'h264')).toBe(false);
  });

  it('HEVC: VPS first and an IRAP slice (types 16..21)', () => {
    const hevc = (type: number, ...rest: number[]) => nal(type << 1, 1, ...rest);
    expect(startsIdr(Buffer.concat([hevc(32), hevc(33), hevc(34), hevc(19, 7)]), 'hevc')).toBe(true);
    expect(startsIdr(Buffer.concat([hevc(39, 1), hevc(32), hevc(33), hevc(34), hevc(21)]), 'hevc')).toBe(
      true,
    );
    expect(startsIdr(Buffer.concat([hevc(33), hevc(34), hevc(19)]), 'hevc')).toBe(false);
    expect(startsIdr(Buffer.concat([hevc(1, 9)]), 'hevc')).toBe(false);
  });
});
