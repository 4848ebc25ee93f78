// The GameStream path's pure decisions: what DESCRIBE offers, the encoder's
// share of the client's bitrate, which lanes are encrypted with which key,
// the session settings the recorder keeps, and what FEC reports mean.
import type { AnnouncedStream } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig, loadGameStreamConfig } from '../../src/config/index.js';
import type { GameStreamSession } from '../../src/gamestream/sessions.js';
import {
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
    ...overrides,
  };
}

function session(stream: AnnouncedStream): GameStreamSession {
  return {
    sessionId: 'launch-1',
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

function spec(stream: AnnouncedStream) {
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
  });
});

describe('gameStreamSpec', () => {
  it("gives the encoder the client's bitrate minus the FEC parity", () => {
    expect(encoderKbps(12000, 20)).toBe(10000);
    expect(encoderKbps(100, 50)).toBe(100);
    expect(spec(announced()).start.source.bitrateKbps).toBe(10000);
    // Clients without configuredBitrateKbps: their maximum.
    expect(spec(announced({ configuredBitrateKbps: null })).start.source.bitrateKbps).toBe(16667);
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

  it('expects FEC reports only from clients that promised them', () => {
    expect(spec(announced()).promisesFecReports).toBe(false);
    expect(spec(announced({ mlFeatureFlags: 0x3 })).promisesFecReports).toBe(true);
  });
});

describe('FecTally', () => {
  it('counts missing data packets and the frames parity rebuilt, per interval', () => {
    const tally = new FecTally();
    const report = (frameIndex: number, data: number, parity: number) =>
      tally.add({
        frameIndex,
        highestReceivedSequenceNumber: 0,
        nextContiguousSequenceNumber: 0,
        missingPacketsBeforeHighestReceived: 0,
        totalDataPackets: 10,
        totalParityPackets: 2,
        receivedDataPackets: data,
        receivedParityPackets: parity,
        fecPercentage: 20,
        multiFecBlockIndex: 0,
        multiFecBlockCount: 1,
      });
    report(1, 8, 2); // 2 lost, rebuilt
    report(1, 9, 1); // the same frame's next block: counted once
    report(2, 7, 1); // 3 lost, not rebuilt
    report(3, 10, 0); // nothing lost
    expect(tally.take()).toEqual({ packetsLost: 6, fecRecovered: 1 });
    expect(tally.take()).toEqual({ packetsLost: 0, fecRecovered: 0 });
  });
});
