// The GameStream path's pure decisions: what DESCRIBE offers, the encoder's
// share of the client's bitrate, which lanes are encrypted with which key,
// the session settings the recorder keeps, and what FEC reports mean.
import type { AnnouncedStream } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig, loadGameStreamConfig } from '../../src/config/index.js';
import type { GameStreamSession } from '../../src/gamestream/sessions.js';
import {
  ClientReportTally,
  describeEncryptionOffer,
  describeStreamEncryption,
  encoderKbps,
  encryptionOffer,
  FecTally,
  gameStreamServiceSpec,
  gameStreamSpec,
} from '../../src/gamestream/spec.js';

const engine = loadEngineConfig({});
const rikey = Buffer.alloc(16, 7);

function announced(overrides: Partial<AnnouncedStream> = {}): AnnouncedStream {
  return {
    width: 1920,
    height: 1080,
    fps: 60,
    packetSize: 1024,
    maxBitrateKbps: 20000,
    configuredBitrateKbps: 12000,
    codec: 'h264',
    minRequiredFecPackets: 2,
    nvFeatureFlags: 0,
    audioEncryption: false,
    encryptionEnabled: 0,
    mlFeatureFlags: 0,
    audioPacketDurationMs: 5,
    surround: { channelCount: 2, channelMask: 3, enabled: false, highQuality: false },
    hdr: false,
    yuv444: false,
    ...overrides,
  };
}

function session(stream: AnnouncedStream): GameStreamSession {
  return {
    sessionId: 'launch-1',
    slot: 0,
    appId: 1,
    appTitle: 'Desktop',
    width: stream.width,
    height: stream.height,
    fps: stream.fps,
    rikey,
    rikeyId: 99,
    surroundAudioInfo: null,
    localAudioPlayMode: false,
    clientUniqueId: 'client-a',
    clientFingerprint: 'ab',
    clientLabel: 'roth (ab:cd:ef:01:23:45:67:89)',
    clientAddress: '10.0.0.2',
    startedUnixMs: 0,
    stream: { pingPayload: 'PINGPAYLOAD12345', controlConnectData: 1, announced: stream, playing: true },
  };
}

// H.264 and HEVC, both also in 4:4:4.
const ALL_CODEC_MODES = 0x1 | 0x100 | 0x40000 | 0x80000;

/**
 * The video wire of a stream whose frames average the encoder's target,
 * counted the way the packetizer sends them (frames spread evenly over
 * ±spread/2 of the mean; 0: all alike): every datagram is packetSize + 16 (RTP)
 * (+ 32 with encryption) + 28 (IPv4, UDP) bytes; a frame is its 8-byte header
 * and data in packetSize - 16 byte shards, plus ceil(20 %) parity, at least 2.
 */
function meanWireKbps(encoderKbps: number, stream: AnnouncedStream, spread = 1): number {
  const meanFrameBytes = (encoderKbps * 1000) / 8 / stream.fps;
  const datagramBytes = stream.packetSize + 16 + 28 + (stream.encryptionEnabled & 0x02 ? 32 : 0);
  let wireBytes = 0;
  const frames = 1000;
  for (let i = 0; i < frames; i++) {
    const frameBytes = Math.round(meanFrameBytes * (1 - spread / 2 + (spread * i) / frames));
    const data = Math.ceil((frameBytes + 8) / (stream.packetSize - 16));
    const parity = Math.max(Math.ceil((data * 20) / 100), stream.minRequiredFecPackets);
    wireBytes += (data + parity) * datagramBytes;
  }
  return ((wireBytes / frames) * 8 * stream.fps) / 1000;
}

function spec(stream: AnnouncedStream, codecModeSupport = ALL_CODEC_MODES) {
  return gameStreamSpec({
    session: session(stream),
    announced: stream,
    engine,
    capture: { spec: { source: 'synthetic' }, description: 'synthetic (test)' },
    bind: '0.0.0.0',
    ports: { video: 47998, audio: 48000 },
    fecPercent: 20,
    windowMs: 1000,
    clientTimeoutMs: 10_000,
    codecModeSupport,
  });
}

describe('the service offer', () => {
  it('asks for control encryption always, media as configured', () => {
    expect(encryptionOffer('off')).toEqual({ supported: 0x01, requested: 0x01 });
    expect(encryptionOffer('optional')).toEqual({ supported: 0x07, requested: 0x01 });
    expect(encryptionOffer('required')).toEqual({ supported: 0x07, requested: 0x07 });
  });

  it('derives stream ports, display modes and HEVC from config and codec support', () => {
    const config = loadGameStreamConfig({ PUNKTFUNK_GS_STREAM_PORT: '50000' });
    const offer = gameStreamServiceSpec(config, engine, 0x101);
    expect(offer.streamPorts).toEqual({ video: 50000, control: 50001, audio: 50002 });
    // The configured 1280x720@60 is one of the common modes: listed once.
    expect(offer.displayModes).toEqual([
      { width: 1280, height: 720, fps: 60 },
      { width: 1920, height: 1080, fps: 60 },
    ]);
    expect(offer.sdp).toMatchObject({ hevc: true, av1: false, encryptionSupported: 0x07 });
    expect(gameStreamServiceSpec(config, engine, 0x1).sdp.hevc).toBe(false);
    // AV1 Main 8-bit (SCM_AV1_MAIN8) opened: DESCRIBE offers it too.
    expect(gameStreamServiceSpec(config, engine, 0x1 | 0x10000).sdp).toMatchObject({
      hevc: false,
      av1: true,
    });
  });
});

describe('gameStreamSpec', () => {
  it("gives the encoder the client's bitrate minus the FEC parity", () => {
    expect(encoderKbps(12000, 20)).toBe(10000);
    expect(encoderKbps(100, 50)).toBe(100);
  });

  it("keeps the video wire (data, parity, headers, padding) under the client's cap", () => {
    // The old share (the cap minus 20 % FEC) put the wire over the cap: parity minimums, padding and headers.
    expect(meanWireKbps(encoderKbps(12000, 20), announced())).toBeGreaterThan(12000);
    for (const stream of [
      announced(),
      announced({ configuredBitrateKbps: 10000, packetSize: 1392, width: 1280, height: 720 }),
      announced({ configuredBitrateKbps: 10000, packetSize: 1360, encryptionEnabled: 0x02 }),
      announced({ configuredBitrateKbps: 50000, packetSize: 1392, fps: 120 }),
      announced({ configuredBitrateKbps: 2000, packetSize: 1392, fps: 30 }),
    ]) {
      const encoder = spec(stream).start.source.bitrateKbps;
      const cap = stream.configuredBitrateKbps ?? 0;
      expect(meanWireKbps(encoder, stream)).toBeLessThanOrEqual(cap);
      // Frames all at the target (x265 with strict-cbr): each rounds up alike.
      expect(meanWireKbps(encoder, stream, 0)).toBeLessThanOrEqual(cap);
      expect(meanWireKbps(encoder, stream, 0.1)).toBeLessThanOrEqual(cap);
      // ... without giving away more than the packets cost (small frames pay most for the parity minimum).
      if (cap >= 10000) expect(encoder).toBeGreaterThan(cap * 0.6);
    }
    // Clients without configuredBitrateKbps: their maximum.
    const uncapped = spec(announced({ configuredBitrateKbps: null })).start.source.bitrateKbps;
    expect(meanWireKbps(uncapped, announced())).toBeLessThanOrEqual(20000);
  });

  it('encrypts only the lanes the client enabled, both with the launch key', () => {
    const plain = spec(announced());
    expect(plain.start.send).toMatchObject({ videoKey: null, audioKey: null, audioKeyId: 99 });
    expect(plain.start.settings).toMatchObject({ videoEncryption: 'none', audioEncryption: 'none' });
    const both = spec(announced({ encryptionEnabled: 0x06 }));
    expect(both.start.send.videoKey).toBe(rikey);
    expect(both.start.send.audioKey).toBe(rikey);
    expect(both.start.settings).toMatchObject({
      videoEncryption: 'aes-128-gcm',
      audioEncryption: 'aes-128-cbc',
      controlEncryption: 'aes-128-gcm',
    });
    // Legacy audio encryption (x-nv-general.featureFlags 0x20) alone.
    const legacy = spec(announced({ audioEncryption: true }));
    expect(legacy.start.send).toMatchObject({ videoKey: null, audioKey: rikey });
  });

  it("keeps the client's session settings and normalizes the audio packet duration", () => {
    const s = spec(announced({ codec: 'hevc', audioPacketDurationMs: 10 }));
    // The operator's name for the client and its short fingerprint, not the uniqueid (moonlight-embedded's is fixed).
    expect(s.start.client).toBe('roth (ab:cd:ef:01:23:45:67:89)');
    expect(s.start.source).toMatchObject({ codec: 'hevc', width: 1920, height: 1080, fps: 60 });
    expect(s.start.send).toMatchObject({
      bindHost: '0.0.0.0',
      videoPort: 47998,
      audioPort: 48000,
      pingPayload: 'PINGPAYLOAD12345',
      packetSize: 1024,
      fecPercent: 20,
      minRequiredFecPackets: 2,
      audioPacketDurationMs: 10,
      clientTimeoutMs: 10_000,
    });
    expect(s.start.settings).toMatchObject({
      app: 'Desktop',
      clientBitrateKbps: 12000,
      capture: 'synthetic (test)',
    });
    expect(spec(announced({ audioPacketDurationMs: 7 })).start.send.audioPacketDurationMs).toBe(5);
  });

  it("encodes audio in the Opus layout the client picked from DESCRIBE's surround-params", () => {
    const stereo = spec(announced());
    expect(stereo.start.send.audioLayout).toEqual({
      channels: 2,
      streams: 1,
      coupledStreams: 1,
      mapping: [0, 1],
      bitrateBps: 96_000,
    });
    expect(stereo.start.settings).toMatchObject({ audioChannels: 2 });
    const surround = (channelCount: number, highQuality: boolean) =>
      spec(announced({ surround: { channelCount, channelMask: 0, enabled: true, highQuality } })).start;
    expect(surround(6, false).send.audioLayout).toMatchObject({ channels: 6, streams: 4, coupledStreams: 2 });
    expect(surround(6, false).settings).toMatchObject({
      audioChannels: 6,
      audioCodec: 'Opus 5.1, normal quality, 4 streams (2 coupled), 256 kb/s',
    });
    expect(surround(8, true).send.audioLayout).toMatchObject({
      channels: 8,
      streams: 8,
      bitrateBps: 2_048_000,
    });
    expect(surround(8, true).settings?.audioCodec).toBe(
      'Opus 7.1, high quality, 8 streams (0 coupled), 2048 kb/s',
    );
    // A count GameStream lists no layout for: stereo, and the settings say what was asked.
    expect(surround(4, false).send.audioLayout.channels).toBe(2);
    expect(surround(4, false).settings?.audioCodec).toMatch(/stereo.*\(the client asked for 4 channels\)$/);
  });

  it('encodes 4:4:4 only when the client asks and the host offered it for that codec', () => {
    expect(spec(announced()).start.source.yuv444).toBeUndefined();
    expect(spec(announced()).start.settings?.chroma).toBe('4:2:0');
    const h264 = spec(announced({ yuv444: true })).start;
    expect(h264.source.yuv444).toBe(true);
    expect(h264.settings?.chroma).toBe('4:4:4');
    expect(spec(announced({ yuv444: true, codec: 'hevc' })).start.source.yuv444).toBe(true);
    // Not offered (the encoder did not open 4:4:4 for H.264): 4:2:0 whatever the client says.
    const notOffered = spec(announced({ yuv444: true }), 0x1 | 0x100 | 0x80000).start;
    expect(notOffered.source.yuv444).toBeUndefined();
    expect(notOffered.settings?.chroma).toBe('4:2:0');
  });

  it('expects FEC reports only from clients that promised them', () => {
    expect(spec(announced()).promisesFecReports).toBe(false);
    expect(spec(announced({ mlFeatureFlags: 0x3 })).promisesFecReports).toBe(true);
  });
});

/** A client's FEC report of one block of 10 data and 2 parity packets. */
function fecStatus(frameIndex: number, receivedDataPackets: number, receivedParityPackets: number) {
  return {
    frameIndex,
    highestReceivedSequenceNumber: 0,
    nextContiguousSequenceNumber: 0,
    missingPacketsBeforeHighestReceived: 0,
    totalDataPackets: 10,
    totalParityPackets: 2,
    receivedDataPackets,
    receivedParityPackets,
    fecPercentage: 20,
    multiFecBlockIndex: 0,
    multiFecBlockCount: 1,
  };
}

describe('FecTally', () => {
  it('counts missing data packets and the frames parity rebuilt, per interval', () => {
    const tally = new FecTally();
    const report = (frameIndex: number, data: number, parity: number) =>
      tally.add(fecStatus(frameIndex, data, parity));
    report(1, 8, 2); // 2 lost, rebuilt
    report(1, 9, 1); // the same frame's next block: counted once
    report(2, 7, 1); // 3 lost, not rebuilt
    report(3, 10, 0); // nothing lost
    expect(tally.take()).toEqual({ packetsLost: 6, fecRecovered: 1 });
    expect(tally.take()).toEqual({ packetsLost: 0, fecRecovered: 0 });
  });
});

describe('what a stream encrypts, as the log says it', () => {
  it('says audio is encrypted with media encryption off when the client asked through its legacy flag', () => {
    expect(describeStreamEncryption(announced({ encryptionEnabled: 0x1, audioEncryption: true }))).toBe(
      "encryption: video none, audio aes-128-cbc (the client's audio-encryption feature flag), control aes-128-gcm",
    );
    expect(describeStreamEncryption(announced({ encryptionEnabled: 0x7, audioEncryption: true }))).toBe(
      'encryption: video aes-128-gcm, audio aes-128-cbc, control aes-128-gcm',
    );
    expect(describeStreamEncryption(announced({ encryptionEnabled: 0x1 }))).toBe(
      'encryption: video none, audio none, control aes-128-gcm',
    );
    expect(describeEncryptionOffer('off')).toMatch(/video never, audio only when the client asks for it/);
  });
});

describe('ClientReportTally', () => {
  const status = fecStatus;

  it('counts keyframe requests, and each unrecoverable frame once, per interval and in total', () => {
    const tally = new ClientReportTally();
    tally.idrRequest();
    tally.idrRequest();
    tally.fecStatus(status(7, 8, 2)); // rebuilt: not unrecoverable
    tally.fecStatus(status(8, 5, 2));
    tally.fecStatus(status(8, 6, 1)); // the same frame's other block
    tally.framesLost(3);
    expect(tally.take()).toEqual({ idrRequests: 2, unrecoverableFrames: 4 });
    expect(tally.take()).toEqual({ idrRequests: 0, unrecoverableFrames: 0 });
    expect(tally.total).toEqual({ idrRequests: 2, unrecoverableFrames: 4 });
  });
});
