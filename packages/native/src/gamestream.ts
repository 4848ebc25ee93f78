// The typed facade over the native GameStream media senders (native/src/net/gs_*):
// video datagrams as Moonlight's RtpVideoQueue/VideoDepacketizer expect them,
// and a test-tone audio stream (Opus, RTP, audio FEC). Options are checked here
// before any native call; docs/gamestream.md describes the packets.
//
// How a sender finds its client: it binds the well-known port (video 47998,
// audio 48000: localPort), the client pings that port from the socket it
// receives on, pollPings() reports the pings' source, and connectTo() streams
// there, from the same port, which is what the client's NAT lets back in.

import { CODECS, type Codec } from '@punktfunk/shared';
import {
  addon,
  type NativeGsAudioSender,
  type NativeGsAudioSenderOptions,
  type NativeGsSocketOptions,
  type NativeGsVideoSender,
  type NativeGsVideoSenderOptions,
  type NativePingedSocket,
} from './binding.js';
import { checkAddress, checkBytes, checkInteger, fail } from './checks.js';
import { type OpusLayoutOptions, validateOpusLayout } from './opus.js';

export const GAMESTREAM_LIMITS = {
  // The client's packetSize (SDP), NV header + payload; Moonlight sends 1024 or 1392.
  minPacketSize: 256,
  maxPacketSize: 4096,
  // fecInfo carries the percentage in 8 bits.
  maxFecPercent: 255,
  maxMinRequiredFecPackets: 64,
  maxSpreadUs: 100_000,
  maxBurstPackets: 1024,
  maxToneCount: 10_000,
} as const;

/** Frame types of the 8-byte frame header: P, IDR, intra refresh, P after RFI. */
export const GAMESTREAM_FRAME_TYPES = { p: 1, idr: 2, intraRefresh: 4, pAfterRfi: 5 } as const;
export type GameStreamFrameType = (typeof GAMESTREAM_FRAME_TYPES)[keyof typeof GAMESTREAM_FRAME_TYPES];

/** Where a sender listens for pings, and whose pings count. */
export interface GameStreamPingOptions {
  /**
   * The client's address (numeric), when already known; both or neither. Without
   * them the sender waits for connectTo(), normally with what pollPings() learned.
   */
  remoteHost?: string;
  remotePort?: number;
  /** Numeric local address; default: the wildcard of remoteHost's family, or 0.0.0.0. '::' serves IPv4 too. */
  localHost?: string;
  /** Local port, 0..65535; the well-known 47998 (video) / 48000 (audio) for a real client. Default 0: any. */
  localPort?: number;
  /**
   * The session's X-SS-Ping-Payload (16 printable ASCII characters): only 20-byte
   * pings starting with it count. Absent: only legacy "PING" datagrams count.
   */
  pingPayload?: string;
}

/** What pollPings() read since the last call. */
export interface GameStreamPingReport {
  /** Valid pings read. */
  pings: number;
  /** Other datagrams (wrong payload, wrong size) and queued ICMP errors. */
  ignored: number;
  /** Source of the newest valid ping (IPv4-mapped IPv6 given as IPv4); null without one. */
  remoteHost: string | null;
  remotePort: number | null;
  /** The newest valid ping's counter (from 1); null without one, and for legacy "PING". */
  lastCounter: number | null;
}

export interface GameStreamVideoSenderOptions extends GameStreamPingOptions {
  /** The client's packetSize from its ANNOUNCE (already 32 smaller when encrypting). Default 1392. */
  packetSize?: number;
  /** Parity per FEC block as a percentage of its data packets, 0..255; default 20. */
  fecPercent?: number;
  /** x-nv-vqos[0].fec.minRequiredFecPackets; default 2. */
  minRequiredFecPackets?: number;
  /** RTP payload type, 0..127; default 0. */
  payloadType?: number;
  /** RTP ssrc; default 0. */
  ssrc?: number;
  /** Whose encoder version SEI to strip from IDRs (none for av1); default 'h264'. */
  codec?: Codec;
  /** The 16-byte rikey when video encryption was negotiated; absent = plaintext. */
  key?: Uint8Array;
  /** First RTP sequence number; default 0. */
  initialSequence?: number;
  /** Spread each frame's datagrams over this many µs; 0 (default) = no pacing. */
  spreadUs?: number;
  /** Datagrams per paced burst, 1..1024; default 64. */
  burstPackets?: number;
}

export interface GameStreamFrameReport {
  /** Datagrams of the frame, parity included. */
  packets: number;
  parityPackets: number;
  /** FEC blocks, 1..4. */
  blocks: number;
  /** packets × (packetSize + 16, + 32 when encrypted). */
  wireBytes: number;
  /** Bytes of encoder version SEI removed from an IDR. */
  strippedBytes: number;
  /** Headers, payload copy and Reed-Solomon parity. */
  fecUs: number;
  /** AES-GCM (0 without encryption). */
  sealUs: number;
  socketUs: number;
  /** The whole call. */
  sendUs: number;
  refused: number;
  unsent: number;
  lastPacketMonoUs: number;
  /** RTP sequence number of the frame's first datagram. */
  firstSequence: number;
}

export interface GameStreamAudioSenderOptions extends GameStreamPingOptions {
  /** The 16-byte rikey when audio encryption is on (featureFlags & 0x20); absent = plaintext. */
  key?: Uint8Array;
  /** rikeyid, the CBC IV base; default 0. */
  keyId?: number;
  /** x-nv-aqos.packetDuration: 5 (default) or 10 ms. */
  packetDurationMs?: 5 | 10;
  /** Opus CBR bitrate, 6000..510000 (256000 a channel beyond stereo); default 96000. */
  bitrateBps?: number;
  /** The Opus layout: stereo by default; 5.1 / 7.1 with the layout the host listed in DESCRIBE. */
  layout?: OpusLayoutOptions;
  /**
   * Where the audio comes from: 'tone' (default, a test tone), 'pulse' (the
   * default sink's monitor on PulseAudio / PipeWire-pulse; throws NativeError
   * AUDIO_SOURCE_UNAVAILABLE without a server) or 'auto' (PulseAudio, else the
   * tone: see audioSource and fallbackReason).
   */
  source?: GameStreamAudioSourceOption;
  /** Test tone frequency; default 440. */
  toneHz?: number;
}

export type GameStreamAudioSourceOption = 'tone' | 'pulse' | 'auto';
export type GameStreamAudioSource = 'tone' | 'pulse';
const AUDIO_SOURCE_OPTIONS: readonly string[] = ['tone', 'pulse', 'auto'];

export interface GameStreamAudioReport {
  /** Data packets (one per Opus frame). */
  packets: number;
  /** pt 127 parity packets (2 per 4 data packets). */
  fecPackets: number;
  wireBytes: number;
  encodeUs: number;
  sendUs: number;
  unsent: number;
  /** Packets sent as silence because the capture had not delivered enough audio. */
  underruns: number;
  nextSequence: number;
}

// Printable ASCII, as X-SS-Ping-Payload is compared byte for byte.
const PING_PAYLOAD = /^[\x20-\x7e]{16}$/;

/**
 * The options every sender shares: remote (both or neither), local address,
 * ping payload. The native side takes '' (and port 0) for "not given".
 */
function validatePingOptions(what: string, o: GameStreamPingOptions): NativeGsSocketOptions {
  const hasHost = o.remoteHost !== undefined;
  if (hasHost !== (o.remotePort !== undefined)) {
    fail(what, 'remoteHost and remotePort go together (give neither to connectTo() later)');
  }
  if (hasHost) {
    checkAddress(what, 'remoteHost', o.remoteHost);
    checkInteger(what, 'remotePort', o.remotePort, 1, 65535);
  }
  if (o.localHost !== undefined) checkAddress(what, 'localHost', o.localHost);
  const localPort = o.localPort ?? 0;
  checkInteger(what, 'localPort', localPort, 0, 65535);
  if (
    o.pingPayload !== undefined &&
    (typeof o.pingPayload !== 'string' || !PING_PAYLOAD.test(o.pingPayload))
  ) {
    fail(what, `pingPayload must be 16 printable ASCII characters, got ${JSON.stringify(o.pingPayload)}`);
  }
  return {
    remoteHost: o.remoteHost ?? '',
    remotePort: o.remotePort ?? 0,
    localHost: o.localHost ?? '',
    localPort,
    pingPayload: o.pingPayload ?? '',
  };
}

function checkConnectTo(remoteHost: unknown, remotePort: unknown): void {
  checkAddress('connectTo arguments', 'remoteHost', remoteHost);
  checkInteger('connectTo arguments', 'remotePort', remotePort, 1, 65535);
}

/** The rikey from /launch, when the stream is encrypted. */
function checkKey(what: string, key: unknown): void {
  if (key !== undefined) checkBytes(what, 'key', key, [16]);
}

export function validateGameStreamVideoOptions(o: GameStreamVideoSenderOptions): NativeGsVideoSenderOptions {
  const what = 'GameStream video sender options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const ping = validatePingOptions(what, o);
  const packetSize = o.packetSize ?? 1392;
  checkInteger(
    what,
    'packetSize',
    packetSize,
    GAMESTREAM_LIMITS.minPacketSize,
    GAMESTREAM_LIMITS.maxPacketSize,
  );
  const fecPercent = o.fecPercent ?? 20;
  checkInteger(what, 'fecPercent', fecPercent, 0, GAMESTREAM_LIMITS.maxFecPercent);
  const minRequiredFecPackets = o.minRequiredFecPackets ?? 2;
  checkInteger(
    what,
    'minRequiredFecPackets',
    minRequiredFecPackets,
    0,
    GAMESTREAM_LIMITS.maxMinRequiredFecPackets,
  );
  const payloadType = o.payloadType ?? 0;
  checkInteger(what, 'payloadType', payloadType, 0, 127);
  const ssrc = o.ssrc ?? 0;
  checkInteger(what, 'ssrc', ssrc, 0, 2 ** 32 - 1);
  const codec = o.codec ?? 'h264';
  if (!CODECS.includes(codec))
    fail(what, `codec must be one of ${CODECS.join(', ')}, got ${JSON.stringify(codec)}`);
  checkKey(what, o.key);
  const initialSequence = o.initialSequence ?? 0;
  checkInteger(what, 'initialSequence', initialSequence, 0, 65535);
  const spreadUs = o.spreadUs ?? 0;
  checkInteger(what, 'spreadUs', spreadUs, 0, GAMESTREAM_LIMITS.maxSpreadUs);
  const burstPackets = o.burstPackets ?? 64;
  checkInteger(what, 'burstPackets', burstPackets, 1, GAMESTREAM_LIMITS.maxBurstPackets);
  return {
    ...ping,
    packetSize,
    fecPercent,
    minRequiredFecPackets,
    payloadType,
    ssrc,
    codec,
    key: o.key ?? null,
    initialSequence,
    spreadUs,
    burstPackets,
  };
}

export function validateGameStreamAudioOptions(o: GameStreamAudioSenderOptions): NativeGsAudioSenderOptions {
  const what = 'GameStream audio sender options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const ping = validatePingOptions(what, o);
  checkKey(what, o.key);
  const keyId = o.keyId ?? 0;
  checkInteger(what, 'keyId', keyId, 0, 2 ** 32 - 1);
  const packetDurationMs = o.packetDurationMs ?? 5;
  if (packetDurationMs !== 5 && packetDurationMs !== 10) {
    fail(what, `packetDurationMs must be 5 or 10, got ${JSON.stringify(packetDurationMs)}`);
  }
  const layout = validateOpusLayout(what, o.layout ?? {});
  const bitrateBps = o.bitrateBps ?? 96_000;
  checkInteger(
    what,
    'bitrateBps',
    bitrateBps,
    6000,
    layout.channels <= 2 ? 510_000 : 256_000 * layout.channels,
  );
  const source = o.source ?? 'tone';
  if (!AUDIO_SOURCE_OPTIONS.includes(source)) {
    fail(what, `source must be one of ${AUDIO_SOURCE_OPTIONS.join(', ')}, got ${JSON.stringify(source)}`);
  }
  const toneHz = o.toneHz ?? 440;
  if (typeof toneHz !== 'number' || !(toneHz > 0 && toneHz < 24_000)) {
    fail(what, `toneHz must be a number in (0, 24000), got ${JSON.stringify(toneHz)}`);
  }
  return {
    ...ping,
    key: o.key ?? null,
    keyId,
    packetDurationMs,
    bitrateBps,
    source,
    toneHz,
    ...layout,
  };
}

const FRAME_TYPES: readonly number[] = Object.values(GAMESTREAM_FRAME_TYPES);

/** Sends encoded frames as GameStream video datagrams: FEC, optional AES-GCM, sendmmsg. */
/** The ping and address side shared by the video and audio senders. */
abstract class PingedSender<Handle extends NativePingedSocket> {
  constructor(protected readonly handle: Handle) {}

  /**
   * Reads the pings queued on the sender's port, without blocking (at most 256
   * datagrams a call). Once connected, the kernel passes on only the client's.
   */
  pollPings(): GameStreamPingReport {
    return this.handle.pollPings();
  }

  /** Streams to this address from now on; call again to move to a new client address. */
  connectTo(remoteHost: string, remotePort: number): void {
    checkConnectTo(remoteHost, remotePort);
    this.handle.connectTo(remoteHost, remotePort);
  }

  /** True once there is an address to send to. */
  get connected(): boolean {
    return this.handle.connected();
  }

  get localPort(): number {
    return this.handle.localPort();
  }

  close(): void {
    this.handle.close();
  }
}

export class GameStreamVideoSender extends PingedSender<NativeGsVideoSender> {
  /** Bytes of every datagram this sender writes. */
  readonly datagramBytes: number;

  constructor(options: GameStreamVideoSenderOptions) {
    super(new addon.GameStreamVideoSender(validateGameStreamVideoOptions(options)));
    this.datagramBytes = this.handle.datagramBytes();
  }

  /**
   * Packetizes and sends one access unit (Annex B), synchronously. `data` (the
   * encoder's Buffer) is read in place, not copied. frameIndex starts at 1;
   * rtpTimestamp is on the 90 kHz clock. Before connectTo() (and without remote
   * options) it throws NativeError NOT_CONNECTED and uses up no sequence number.
   */
  sendFrame(
    data: Uint8Array,
    frameIndex: number,
    frameType: GameStreamFrameType,
    hostLatencyUs: number,
    rtpTimestamp: number,
  ): GameStreamFrameReport {
    const what = 'sendFrame arguments';
    if (!(data instanceof Uint8Array) || data.length === 0) fail(what, 'data must be a non-empty Uint8Array');
    checkInteger(what, 'frameIndex', frameIndex, 1, 2 ** 32 - 1);
    if (!FRAME_TYPES.includes(frameType)) fail(what, `frameType must be one of ${FRAME_TYPES.join(', ')}`);
    checkInteger(what, 'hostLatencyUs', hostLatencyUs, 0, Number.MAX_SAFE_INTEGER);
    checkInteger(what, 'rtpTimestamp', rtpTimestamp, 0, 2 ** 32 - 1);
    return this.handle.sendFrame(data, frameIndex, frameType, hostLatencyUs, rtpTimestamp);
  }

  /** Takes effect from the next frame. */
  setFecPercent(fecPercent: number): void {
    checkInteger('fecPercent', 'fecPercent', fecPercent, 0, GAMESTREAM_LIMITS.maxFecPercent);
    this.handle.setFecPercent(fecPercent);
  }
}

/**
 * Sends desktop audio (PulseAudio) or a test tone as GameStream audio:
 * Opus CBR → RTP (pt 97) + audio FEC (pt 127).
 */
export class GameStreamAudioSender extends PingedSender<NativeGsAudioSender> {
  /** The source in use: 'pulse' or 'tone'. */
  readonly audioSource: GameStreamAudioSource;
  /** Why source 'auto' fell back to the tone (e.g. "PulseAudio: Connection refused"); null otherwise. */
  readonly fallbackReason: string | null;
  /** The stream's channels. */
  readonly channels: number;
  /** The desktop's channels as captured: fewer than `channels` when a stereo sink's sound is upmixed. */
  readonly capturedChannels: number;

  constructor(options: GameStreamAudioSenderOptions) {
    const valid = validateGameStreamAudioOptions(options);
    super(new addon.GameStreamAudioSender(valid));
    this.audioSource = this.handle.audioSource();
    this.fallbackReason = this.handle.fallbackReason();
    this.channels = valid.channels;
    this.capturedChannels = this.handle.capturedChannels();
  }

  /**
   * Takes, encodes and sends `count` packets back to back; the caller paces
   * them. Never waits for the capture: short of audio, a packet is silence
   * (counted in `underruns`). Throws NativeError NOT_CONNECTED before
   * connectTo(), with no packet made.
   */
  sendAudio(count: number): GameStreamAudioReport {
    checkInteger('sendAudio arguments', 'count', count, 0, GAMESTREAM_LIMITS.maxToneCount);
    return this.handle.sendAudio(count);
  }

  /** The old name of sendAudio, from when the tone was the only source. */
  sendTone(count: number): GameStreamAudioReport {
    return this.sendAudio(count);
  }
}
