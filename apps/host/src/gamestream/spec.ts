// The pure decisions of the GameStream path, apart from the wiring that acts
// on them: what the service offers (stream ports, display modes, encryption
// in DESCRIBE) and, per stream, what the worker is started with (encoder
// bitrate, encryption keys, audio packet duration, the session settings the
// recorder keeps) and what the client's FEC reports mean.
import { NativeError, validateEncoderOptions, validateGameStreamVideoOptions } from '@punktfunk/native';
import {
  type AnnouncedStream,
  CODEC_MODE,
  type DisplayMode,
  type FecStatus,
  OPUS_LAYOUTS,
  type OpusLayout,
  opusLayoutFor,
  RtspError,
  SS_ENC_AUDIO,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '@punktfunk/protocol';
import type { EngineConfig, GameStreamConfig, GameStreamEncryption, StreamCaps } from '../config/index.js';
import type { ResolvedCapture } from '../desktop/desktop-source.js';
import type { StartGameStreamOptions } from '../streaming/core/session-manager.js';
import { overStreamCaps } from '../streaming/core/stream-caps.js';
import type { GameStreamSession } from './sessions.js';

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
      // The ServerCodecModeSupport bits decide what DESCRIBE offers too (HEVC Main, AV1 Main 8-bit).
      hevc: (codecModeSupport & CODEC_MODE.hevc) !== 0,
      av1: (codecModeSupport & CODEC_MODE.av1Main8) !== 0,
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

/** How one stream's frames go on the wire (docs/gamestream.md, "Video and audio packets"). */
export interface VideoWireShape {
  fps: number;
  /** The ANNOUNCEd packetSize: NV header + payload per datagram. */
  packetSize: number;
  fecPercent: number;
  minRequiredFecPackets: number;
  encrypted: boolean;
}

// Per datagram besides packetSize: the RTP header (16), the AES-GCM prefix when
// video is encrypted (32), and IPv4 + UDP (28), which the client's link carries too.
const RTP_HEADER_BYTES = 16;
const ENC_PREFIX_BYTES = 32;
const IP_UDP_HEADER_BYTES = 28;
const NV_HEADER_BYTES = 16;
const FRAME_HEADER_BYTES = 8;
// Rate control lands near its target, not under it: libx265 with strict-cbr
// holds the mean frame at 1.00 of it, the largest at 1.06.
const RATE_CONTROL_MARGIN = 0.97;

/**
 * At most the datagrams of a frame of `frameBytes`: its data packets and its
 * parity (at least the client's minimum), each rounded up by a whole packet.
 * Not the average: an encoder that holds its frames at the target (x265 with
 * strict-cbr) makes every frame round up alike, and at 10 Mb/s the average
 * model put HEVC's wire at 0.97 of the cap.
 */
function maxDatagramsPerFrame(frameBytes: number, s: VideoWireShape): number {
  const data = (frameBytes + FRAME_HEADER_BYTES) / (s.packetSize - NV_HEADER_BYTES) + 1;
  return data + Math.max((data * s.fecPercent) / 100 + 1, s.minRequiredFecPackets);
}

/**
 * The encoder's bitrate that keeps the video wire (data and parity datagrams
 * with every header, the last packet's padding) under what the client was
 * capped at. FEC alone is not the whole cost: at 10 Mb/s and 60 fps a frame is
 * about a dozen packets, so the two parity minimum, the last packet's padding
 * and the 44-76 header bytes of each datagram add about 40 %, not 20 %.
 */
export function wireCappedEncoderKbps(clientKbps: number, s: VideoWireShape): number {
  // An ANNOUNCE is checked after this runs: a zero fps or a packet with no
  // room for payload would make the bisection below endless.
  const usable = s.fps > 0 && clientKbps > 0 && s.packetSize > NV_HEADER_BYTES;
  if (!usable || !Number.isFinite(clientKbps)) return 100;
  const datagramBytes =
    s.packetSize + RTP_HEADER_BYTES + IP_UDP_HEADER_BYTES + (s.encrypted ? ENC_PREFIX_BYTES : 0);
  const wireBytesPerFrame = (clientKbps * 1000 * RATE_CONTROL_MARGIN) / 8 / s.fps;
  // The wire grows with the frame size: bisect for the largest frame that fits.
  let fits = 0;
  let tooLarge = wireBytesPerFrame;
  while (tooLarge - fits > 1) {
    const frameBytes = (fits + tooLarge) / 2;
    if (maxDatagramsPerFrame(frameBytes, s) * datagramBytes <= wireBytesPerFrame) fits = frameBytes;
    else tooLarge = frameBytes;
  }
  return Math.max(100, Math.floor((fits * 8 * s.fps) / 1000));
}

/** The encoder's bitrate for what the client announced: its cap, less the whole wire's cost (wireCappedEncoderKbps). */
export function announcedEncoderKbps(announced: AnnouncedStream, fecPercent: number): number {
  return wireCappedEncoderKbps(announced.configuredBitrateKbps ?? announced.maxBitrateKbps, {
    fps: announced.fps,
    packetSize: announced.packetSize,
    fecPercent,
    minRequiredFecPackets: announced.minRequiredFecPackets,
    encrypted: (announced.encryptionEnabled & SS_ENC_VIDEO) !== 0,
  });
}

export interface AnnounceCheckInput {
  fecPercent: number;
  caps: StreamCaps;
  /** What the other sessions already streaming cost (pixels/s). */
  runningPixelRate: number;
}

/**
 * An ANNOUNCE checked before PLAY is answered: with the encoder's and the
 * video sender's own validators (the ranges live there, one place), then
 * against the host's stream caps. Throws an RtspError: 400 for what the
 * engine refuses, 453 (Not Enough Bandwidth) for a mode over the caps.
 */
export function checkAnnouncedStream(announced: AnnouncedStream, i: AnnounceCheckInput): void {
  try {
    validateEncoderOptions({
      codec: announced.codec,
      width: announced.width,
      height: announced.height,
      fps: announced.fps,
      bitrateKbps: announcedEncoderKbps(announced, i.fecPercent),
    });
    validateGameStreamVideoOptions({
      packetSize: announced.packetSize,
      fecPercent: i.fecPercent,
      minRequiredFecPackets: announced.minRequiredFecPackets,
    });
  } catch (error) {
    if (error instanceof NativeError) throw new RtspError(400, error.message);
    throw error;
  }
  const over = overStreamCaps(announced, i.caps, i.runningPixelRate);
  if (over) throw new RtspError(453, over);
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
  /** ServerCodecModeSupport as offered: 4:4:4 only where its bit was. */
  codecModeSupport: number;
}

export interface GameStreamSpec {
  /** What the session manager starts the worker with. */
  start: Omit<StartGameStreamOptions, 'onClient'>;
  /** The client promised FEC reports (x-ml-general.featureFlags 0x1): none sent means no loss, 0, not "not measured". */
  promisesFecReports: boolean;
}

const SPEAKERS: Record<number, string> = { 2: 'stereo', 6: '5.1', 8: '7.1' };

/** The Opus layout for the client's surround ask; stereo for a channel count GameStream has no layout for. */
export function audioLayoutOf(announced: AnnouncedStream): { layout: OpusLayout; description: string } {
  const { channelCount, highQuality } = announced.surround;
  const layout = opusLayoutFor(channelCount, highQuality) ?? OPUS_LAYOUTS[2][0];
  const quality = layout.channels > 2 ? (highQuality ? ', high quality' : ', normal quality') : '';
  const asked = layout.channels === channelCount ? '' : ` (the client asked for ${channelCount} channels)`;
  return {
    layout,
    description:
      `Opus ${SPEAKERS[layout.channels]}${quality}, ${layout.streams} stream${layout.streams === 1 ? '' : 's'} (${layout.coupledStreams} coupled), ` +
      `${layout.bitrateBps / 1000} kb/s${asked}`,
  };
}

const YUV444_MODE: Partial<Record<AnnouncedStream['codec'], number>> = {
  h264: CODEC_MODE.h264High8_444,
  hevc: CODEC_MODE.hevcRext8_444,
};

/** 4:4:4 when the client asks for it and the host offered it for that codec (clients ask only then). */
export function yuv444Of(announced: AnnouncedStream, codecModeSupport: number): boolean {
  return announced.yuv444 && ((YUV444_MODE[announced.codec] ?? 0) & codecModeSupport) !== 0;
}

/** One stream's worker spec from the client's ANNOUNCE and the host's settings. */
export function gameStreamSpec(i: GameStreamSpecInput): GameStreamSpec {
  const { session, announced, fecPercent } = i;
  const audio = audioLayoutOf(announced);
  const yuv444 = yuv444Of(announced, i.codecModeSupport);
  const clientKbps = announced.configuredBitrateKbps ?? announced.maxBitrateKbps;
  const videoEncrypted = (announced.encryptionEnabled & SS_ENC_VIDEO) !== 0;
  const bitrateKbps = announcedEncoderKbps(announced, fecPercent);
  const audioEncrypted = announced.audioEncryption || (announced.encryptionEnabled & SS_ENC_AUDIO) !== 0;
  return {
    start: {
      client: session.clientLabel,
      windowMs: i.windowMs,
      source: {
        kind: 'engine',
        codec: announced.codec,
        backend: i.engine.encoderBackend,
        width: announced.width,
        height: announced.height,
        fps: announced.fps,
        bitrateKbps,
        ...(yuv444 ? { yuv444 } : {}),
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
        audioLayout: audio.layout,
        clientTimeoutMs: i.clientTimeoutMs,
      },
      settings: {
        app: session.appTitle,
        packetSize: announced.packetSize,
        fecPercent,
        minRequiredFecPackets: announced.minRequiredFecPackets,
        clientBitrateKbps: clientKbps,
        encoderBitrateKbps: bitrateKbps,
        videoEncryption: videoEncrypted ? 'aes-128-gcm' : 'none',
        audioEncryption: audioEncrypted ? 'aes-128-cbc' : 'none',
        controlEncryption: 'aes-128-gcm',
        capture: i.capture.description,
        chroma: yuv444 ? '4:4:4' : '4:2:0',
        audioChannels: audio.layout.channels,
        audioCodec: audio.description,
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

/** What the client asked of the host: keyframes, and frames it reported beyond repair; per feedback interval and in total. */
export class ClientReportTally {
  private idrRequests = 0;
  private lostFrames = 0;
  private readonly unrecoverable = new Set<number>();
  readonly total = { idrRequests: 0, unrecoverableFrames: 0 };

  idrRequest(): void {
    this.idrRequests++;
    this.total.idrRequests++;
  }

  /** Frames the client invalidated (0x0301): a count. */
  framesLost(frames: number): void {
    this.lostFrames += frames;
    this.total.unrecoverableFrames += frames;
  }

  /** A FEC report of a block that could not be rebuilt makes its frame unrecoverable (counted once). */
  fecStatus(s: FecStatus): void {
    if (s.receivedDataPackets + s.receivedParityPackets >= s.totalDataPackets) return;
    if (this.unrecoverable.has(s.frameIndex)) return;
    this.unrecoverable.add(s.frameIndex);
    this.total.unrecoverableFrames++;
  }

  take(): { idrRequests: number; unrecoverableFrames: number } {
    const figures = {
      idrRequests: this.idrRequests,
      unrecoverableFrames: this.lostFrames + this.unrecoverable.size,
    };
    this.idrRequests = 0;
    this.lostFrames = 0;
    this.unrecoverable.clear();
    return figures;
  }
}

/** What one stream really encrypts (audio may be, with media encryption off: the client asked through its legacy flag). */
export function describeStreamEncryption(announced: AnnouncedStream): string {
  const video = (announced.encryptionEnabled & SS_ENC_VIDEO) !== 0;
  const audioAsked = (announced.encryptionEnabled & SS_ENC_AUDIO) !== 0;
  const audio = audioAsked || announced.audioEncryption;
  const legacy = audio && !audioAsked ? " (the client's audio-encryption feature flag)" : '';
  return (
    `encryption: video ${video ? 'aes-128-gcm' : 'none'}, audio ${audio ? 'aes-128-cbc' : 'none'}${legacy}, ` +
    'control aes-128-gcm'
  );
}

/** The service's offer for its start line: what a client is offered, not what each stream ends up with. */
export function describeEncryptionOffer(mode: GameStreamEncryption): string {
  if (mode === 'off')
    return 'media encryption off: video never, audio only when the client asks for it (Moonlight does); control always';
  if (mode === 'required') return 'encryption required: video, audio and control';
  return 'media encryption offered (the client decides); control always';
}
