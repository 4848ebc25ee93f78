// The pure decisions of the GameStream path, apart from the wiring that acts
// on them: what the service offers (stream ports, display modes, encryption
// in DESCRIBE) and, per stream, what the worker is started with (encoder
// bitrate, encryption keys, audio packet duration, the session settings the
// recorder keeps) and what the client's FEC reports mean.
import {
  type AnnouncedStream,
  type DisplayMode,
  type FecStatus,
  SS_ENC_AUDIO,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '@punktfunk/protocol';
import type { EngineConfig, GameStreamConfig, GameStreamEncryption } from '../config/index.js';
import type { ResolvedCapture } from '../desktop/desktop-source.js';
import type { StartGameStreamOptions } from '../streaming/core/session-manager.js';
import type { GameStreamSession } from './sessions.js';

// ServerCodecModeSupport bit for HEVC Main; the same test decides whether DESCRIBE offers HEVC.
const HEVC_MODE = 0x100;

/** The GameStream path's aggregation window (the pf1 path's is about 2 s). */
export const GAMESTREAM_WINDOW_MS = 1000;

// Offered besides the configured mode so common client defaults are listed.
const COMMON_MODES: readonly DisplayMode[] = [
  { width: 1280, height: 720, fps: 60 },
  { width: 1920, height: 1080, fps: 60 },
];

/** What DESCRIBE offers and asks for. The control stream is only spoken encrypted (control v2), so it is always asked for. */
export function encryptionOffer(mode: GameStreamEncryption): { supported: number; requested: number } {
  const media = mode === 'off' ? 0 : SS_ENC_VIDEO | SS_ENC_AUDIO;
  return {
    supported: SS_ENC_CONTROL_V2 | media,
    requested: SS_ENC_CONTROL_V2 | (mode === 'required' ? media : 0),
  };
}

export function displayModes(engine: EngineConfig): DisplayMode[] {
  const modes = [{ width: engine.width, height: engine.height, fps: engine.fps }, ...COMMON_MODES];
  const key = (m: DisplayMode) => `${m.width}x${m.height}x${m.fps}`;
  return modes.filter((m, i) => modes.findIndex((other) => key(other) === key(m)) === i);
}

export interface GameStreamServiceSpec {
  /** ServerCodecModeSupport: the codecs the encoder really opens. */
  codecModeSupport: number;
  streamPorts: { video: number; control: number; audio: number };
  displayModes: DisplayMode[];
  /** What RTSP DESCRIBE offers. */
  sdp: {
    hevc: boolean;
    av1: boolean;
    featureFlags: number;
    encryptionSupported: number;
    encryptionRequested: number;
  };
}

/** What the service offers, from its config and the codecs the encoder really opens. */
export function gameStreamServiceSpec(
  config: GameStreamConfig,
  engine: EngineConfig,
  codecModeSupport: number,
): GameStreamServiceSpec {
  const encryption = encryptionOffer(config.encryption);
  return {
    codecModeSupport,
    streamPorts: {
      video: config.streamPortBase,
      control: config.streamPortBase + 1,
      audio: config.streamPortBase + 2,
    },
    displayModes: displayModes(engine),
    sdp: {
      hevc: (codecModeSupport & HEVC_MODE) !== 0,
      av1: false,
      featureFlags: 0,
      encryptionSupported: encryption.supported,
      encryptionRequested: encryption.requested,
    },
  };
}

/** The encoder's share of the client's bitrate: parity rides on top of the encoded stream, so the wire carries about what the user configured. */
export function encoderKbps(clientKbps: number, fecPercent: number): number {
  return Math.max(100, Math.round((clientKbps * 100) / (100 + fecPercent)));
}

export interface GameStreamSpecInput {
  session: GameStreamSession;
  announced: AnnouncedStream;
  engine: EngineConfig;
  capture: ResolvedCapture;
  bind: string;
  ports: { video: number; audio: number };
  fecPercent: number;
  windowMs: number;
  clientTimeoutMs: number;
}

export interface GameStreamSpec {
  /** What the session manager starts the worker with. */
  start: Omit<StartGameStreamOptions, 'onClient'>;
  /** The client promised FEC reports (x-ml-general.featureFlags 0x1): none sent means no loss, 0, not "not measured". */
  promisesFecReports: boolean;
}

/** One stream's worker spec from the client's ANNOUNCE and the host's settings. */
export function gameStreamSpec(i: GameStreamSpecInput): GameStreamSpec {
  const { session, announced, fecPercent } = i;
  const clientKbps = announced.configuredBitrateKbps ?? announced.maxBitrateKbps;
  const videoEncrypted = (announced.encryptionEnabled & SS_ENC_VIDEO) !== 0;
  const audioEncrypted = announced.audioEncryption || (announced.encryptionEnabled & SS_ENC_AUDIO) !== 0;
  return {
    start: {
      client: session.clientLabel,
      windowMs: i.windowMs,
      source: {
        kind: 'engine',
        codec: announced.codec === 'hevc' ? 'hevc' : 'h264',
        backend: i.engine.encoderBackend,
        width: announced.width,
        height: announced.height,
        fps: announced.fps,
        bitrateKbps: encoderKbps(clientKbps, fecPercent),
        capture: i.capture.spec,
      },
      send: {
        bindHost: i.bind,
        videoPort: i.ports.video,
        audioPort: i.ports.audio,
        pingPayload: session.stream.pingPayload,
        packetSize: announced.packetSize,
        fecPercent,
        minRequiredFecPackets: announced.minRequiredFecPackets,
        videoKey: videoEncrypted ? session.rikey : null,
        audioKey: audioEncrypted ? session.rikey : null,
        audioKeyId: session.rikeyId,
        audioPacketDurationMs: announced.audioPacketDurationMs === 10 ? 10 : 5,
        clientTimeoutMs: i.clientTimeoutMs,
      },
      settings: {
        app: session.appTitle,
        packetSize: announced.packetSize,
        fecPercent,
        minRequiredFecPackets: announced.minRequiredFecPackets,
        clientBitrateKbps: clientKbps,
        videoEncryption: videoEncrypted ? 'aes-128-gcm' : 'none',
        audioEncryption: audioEncrypted ? 'aes-128-cbc' : 'none',
        controlEncryption: 'aes-128-gcm',
        capture: i.capture.description,
      },
    },
    promisesFecReports: (announced.mlFeatureFlags & 0x1) !== 0,
  };
}

/** Per feedback interval: missing data packets and the frames FEC rebuilt, from the client's reports. */
export class FecTally {
  private lostPackets = 0;
  private readonly recoveredFrames = new Set<number>();

  add(s: FecStatus): void {
    this.lostPackets += Math.max(0, s.totalDataPackets - s.receivedDataPackets);
    const recovered = s.receivedDataPackets + s.receivedParityPackets >= s.totalDataPackets;
    if (recovered && s.receivedDataPackets < s.totalDataPackets) this.recoveredFrames.add(s.frameIndex);
  }

  take(): { packetsLost: number; fecRecovered: number } {
    const figures = { packetsLost: this.lostPackets, fecRecovered: this.recoveredFrames.size };
    this.lostPackets = 0;
    this.recoveredFrames.clear();
    return figures;
  }
}
