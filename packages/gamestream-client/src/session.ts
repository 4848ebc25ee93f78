// A whole Moonlight-style stream against a host, in the order of
// moonlight-common-c Connection.c / RtspConnection.c: RTSP OPTIONS, DESCRIBE,
// SETUP audio (the audio socket starts pinging right then, before PLAY),
// SETUP video, SETUP control, ANNOUNCE, PLAY; then the control stream
// (ENet connect, IDR request, start B, pings), then the video port (pings,
// receive), with audio already running. It ends when the host terminates or
// drops the control stream, when video never comes (10 s) or never holds an
// IDR (10 s after the first packet), or on stop().
import { randomBytes } from 'node:crypto';
import { SS_ENC_AUDIO, SS_ENC_VIDEO } from '@punktfunk/protocol';
import { type AnnounceCodec, moonlightAnnounceSdp } from './announce-sdp.js';
import { AudioReceiver, type AudioReceiverCounters, type OpusPacket } from './audio-receiver.js';
import { ControlClient, type ControlClientCounters, type ControlEndReason } from './control-client.js';
import type { EnetClientCounters } from './enet-client.js';
import {
  type AudioNegotiation,
  announcedPacketSize,
  CHANNEL_MASKS,
  connectDataOf,
  negotiateAudio,
  negotiateCodec,
  negotiateEncryption,
  negotiateYuv444,
  pingPayloadOf,
  serverPort,
} from './negotiation.js';
import { RtspClient, type RtspReply } from './rtsp-client.js';
import {
  type ReceivedVideoFrame,
  type VideoFailure,
  VideoReceiver,
  type VideoReceiverCounters,
} from './video-receiver.js';

export interface StreamSessionOptions {
  /** The host's RTSP port (from `sessionUrl0` of the launch reply). */
  rtspPort: number;
  /** Where the host is; default 127.0.0.1. */
  host?: string;
  /** The launch record's rikey: 16 bytes or 32 hex characters. */
  rikey: Buffer | string;
  /** The launch record's rikeyid (signed or unsigned 32-bit). */
  rikeyId: number;
  width?: number;
  height?: number;
  fps?: number;
  bitrateKbps?: number;
  /** The client's packet size before encryption overhead; Moonlight uses 1392 on a LAN. Rounded down to 16. */
  packetSize?: number;
  /** The codec wanted; H.264 when DESCRIBE does not offer it (as Moonlight falls back). */
  codec?: AnnounceCodec;
  /** Ask for encrypted video (the client also encrypts when the host requests it). Default false. */
  videoEncryption?: boolean;
  /** Ask for encrypted audio. Default true, as moonlight-embedded. */
  audioEncryption?: boolean;
  audioPacketDurationMs?: 5 | 10;
  /** Stereo (default), 5.1 or 7.1: the layout comes from DESCRIBE's surround-params. */
  audioChannels?: 2 | 6 | 8;
  /** Ask for high-quality surround (Moonlight does at 15 Mb/s and up) where DESCRIBE lists it. */
  audioHighQuality?: boolean;
  /** Ask for YUV 4:4:4 where serverCodecModeSupport offers it for the codec. */
  yuv444?: boolean;
  /** The host's ServerCodecModeSupport (serverinfo); 0 when not given: no 4:4:4. */
  serverCodecModeSupport?: number;
  minRequiredFecPackets?: number;
  /** Loss injected into received video datagrams (seeded). */
  videoDropRate?: number;
  audioDropRate?: number;
  seed?: number;
  /** Each media port gets one ping until the host answers it (tests: the host must answer the first ping). */
  holdPingsUntilData?: boolean;
  /** Decode audio with the addon's OpusDecoder, in the negotiated layout. */
  decodeAudio?: boolean;
  /** The client's 500 ms of skipped audio at the start. */
  audioSkipInitialMs?: number;
  onVideoFrame?(frame: ReceivedVideoFrame): void;
  onAudioPacket?(packet: OpusPacket): void;
  onPcm?(pcm: Int16Array, packet: OpusPacket): void;
  controlConnectTimeoutMs?: number;
  noVideoTimeoutMs?: number;
  noFrameTimeoutMs?: number;
}

export interface NegotiatedStream {
  audioPort: number;
  videoPort: number;
  controlPort: number;
  pingPayload: string | null;
  connectData: number;
  /** SS_ENC_* bits announced in x-ss-general.encryptionEnabled. */
  encryptionEnabled: number;
  audioEncryption: boolean;
  /** The packet size announced (32 smaller when video is encrypted). */
  packetSize: number;
  /** The Opus layout the audio is decoded with, and whether it is the high-quality one. */
  audio: AudioNegotiation;
  /** x-ss-video[0].chromaSamplingType 1 was announced. */
  yuv444: boolean;
  describeSdp: string;
  announceSdp: string;
  /** What was announced: the wanted codec when DESCRIBE offered it, else H.264 (as Moonlight falls back). */
  codec: AnnounceCodec;
}

export type StreamEndReason = ControlEndReason | VideoFailure | 'stopped';

export interface StreamEnd {
  reason: StreamEndReason;
  /** The host's 0x0109 termination code, when it sent one. */
  terminationCode: number | null;
  /**
   * The host ended the stream normally: 0x80030023 (or the short 0x0100)
   * after at least one video packet. Moonlight reports the same code before
   * any video as an unexpected early termination.
   */
  graceful: boolean;
}

export interface StreamCounters {
  video: VideoReceiverCounters;
  audio: AudioReceiverCounters;
  control: ControlClientCounters;
  enet: EnetClientCounters;
  /** ENet's smoothed round trip, ms. */
  roundTripMs: number;
}

export interface StreamSession {
  negotiated: NegotiatedStream;
  control: ControlClient;
  video: VideoReceiver;
  audio: AudioReceiver;
  /** A snapshot of every counter. */
  counters(): StreamCounters;
  /** Resolves once the stream ended, however it ended, with the sockets closed. */
  ended: Promise<StreamEnd>;
  /** Ends the stream from the client's side (graceful ENet disconnect); resolves with the end. */
  stop(): Promise<StreamEnd>;
}

export class StreamSetupError extends Error {
  constructor(
    readonly step: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'StreamSetupError';
  }
}

/** Keys for /launch (`rikey`, `rikeyid`) and for the session, generated together. */
export function newLaunchKeys(): {
  rikey: Buffer;
  rikeyId: number;
  launchParams: { rikey: string; rikeyid: number };
} {
  const rikey = randomBytes(16);
  const rikeyId = randomBytes(4).readInt32BE(0);
  return { rikey, rikeyId, launchParams: { rikey: rikey.toString('hex'), rikeyid: rikeyId } };
}

function keyBytes(rikey: Buffer | string): Buffer {
  const key = typeof rikey === 'string' ? Buffer.from(rikey, 'hex') : rikey;
  if (key.length !== 16) throw new RangeError(`rikey must be 16 bytes, got ${key.length}`);
  return key;
}

interface Handshake {
  negotiated: NegotiatedStream;
  audio: AudioReceiver;
}

/** What the client decides from DESCRIBE (and serverinfo's codec bits): encryption, the Opus layout, 4:4:4. */
function negotiateFromDescribe(describeSdp: string, o: StreamSessionOptions) {
  try {
    const encryptionEnabled = negotiateEncryption(describeSdp, o);
    const codec = negotiateCodec(describeSdp, o.codec ?? 'h264');
    return {
      encryptionEnabled,
      audioEncryption: (encryptionEnabled & SS_ENC_AUDIO) !== 0 || (o.audioEncryption ?? true),
      audioChoice: negotiateAudio(describeSdp, o.audioChannels ?? 2, o.audioHighQuality ?? false),
      codec,
      yuv444: negotiateYuv444(codec, o.serverCodecModeSupport ?? 0, o.yuv444 ?? false),
    };
  } catch (error) {
    throw new StreamSetupError('DESCRIBE', null, (error as Error).message);
  }
}

async function rtspHandshake(o: StreamSessionOptions, host: string, key: Buffer): Promise<Handshake> {
  const rtsp = new RtspClient(o.rtspPort, host);
  const expect200 = async (step: string, reply: Promise<RtspReply>): Promise<RtspReply> => {
    const r = await reply;
    if (r.statusCode !== 200) throw new StreamSetupError(step, r.statusCode, `RTSP ${step}: ${r.statusCode}`);
    return r;
  };
  const since = { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' };
  const transport = { Transport: 'unicast;X-GS-ClientPort=50000-50001', ...since };
  await expect200('OPTIONS', rtsp.request('OPTIONS', rtsp.url()));
  const describe = await expect200(
    'DESCRIBE',
    rtsp.request('DESCRIBE', rtsp.url(), { Accept: 'application/sdp', ...since }),
  );
  const describeSdp = describe.body;
  const { encryptionEnabled, audioEncryption, audioChoice, codec, yuv444 } = negotiateFromDescribe(
    describeSdp,
    o,
  );
  const channels = audioChoice.layout.channels as 2 | 6 | 8;

  const audioSetup = await expect200('SETUP audio', rtsp.request('SETUP', 'streamid=audio/0/0', transport));
  // As the client: the audio socket pings from here on, before PLAY.
  const audio = await startAudio(o, host, audioSetup, audioEncryption ? key : null, audioChoice);
  try {
    const videoSetup = await expect200('SETUP video', rtsp.request('SETUP', 'streamid=video/0/0', transport));
    const controlSetup = await expect200(
      'SETUP control',
      rtsp.request('SETUP', 'streamid=control/13/0', transport),
    );
    const videoPort = serverPort(videoSetup.headers.get('transport'), 47998);
    const packetSize = announcedPacketSize(o.packetSize ?? 1392, encryptionEnabled);
    const audioPort = audio.hostPort;
    const announceSdp = moonlightAnnounceSdp({
      width: o.width ?? 1280,
      height: o.height ?? 720,
      fps: o.fps ?? 60,
      packetSize,
      bitrateKbps: o.bitrateKbps ?? 10_000,
      codec,
      encryptionEnabled,
      audioEncryption,
      audioPacketDurationMs: o.audioPacketDurationMs ?? 5,
      channelCount: channels,
      channelMask: CHANNEL_MASKS[channels],
      audioHighQuality: audioChoice.highQuality,
      yuv444,
      ...(o.minRequiredFecPackets !== undefined ? { minRequiredFecPackets: o.minRequiredFecPackets } : {}),
      hostAddress: host,
      videoPort,
    });
    await expect200('ANNOUNCE', rtsp.request('ANNOUNCE', 'streamid=control/13/0', {}, announceSdp));
    await expect200('PLAY', rtsp.request('PLAY', '/'));
    const negotiated: NegotiatedStream = {
      audioPort,
      videoPort,
      controlPort: serverPort(controlSetup.headers.get('transport'), 47999),
      pingPayload: pingPayloadOf(videoSetup.headers.get('x-ss-ping-payload')),
      connectData: connectDataOf(controlSetup.headers.get('x-ss-connect-data')),
      encryptionEnabled,
      audioEncryption,
      packetSize,
      audio: audioChoice,
      yuv444,
      describeSdp,
      announceSdp,
      codec,
    };
    return { negotiated, audio };
  } catch (error) {
    audio.close();
    throw error;
  }
}

function startAudio(
  o: StreamSessionOptions,
  host: string,
  setup: RtspReply,
  key: Buffer | null,
  choice: AudioNegotiation,
) {
  return AudioReceiver.open({
    layout: choice.layout,
    host,
    port: serverPort(setup.headers.get('transport'), 48000),
    pingPayload: pingPayloadOf(setup.headers.get('x-ss-ping-payload')),
    packetDurationMs: o.audioPacketDurationMs ?? 5,
    key,
    keyId: o.rikeyId >>> 0,
    ...(o.audioSkipInitialMs !== undefined ? { skipInitialMs: o.audioSkipInitialMs } : {}),
    ...(o.audioDropRate !== undefined ? { dropRate: o.audioDropRate } : {}),
    seed: (o.seed ?? 1) + 1,
    ...(o.decodeAudio ? { decode: true } : {}),
    ...(o.holdPingsUntilData ? { holdPingsUntilData: true } : {}),
    ...(o.onAudioPacket ? { onOpus: o.onAudioPacket } : {}),
    ...(o.onPcm ? { onPcm: o.onPcm } : {}),
  });
}

/** Runs the handshake and starts control, video and audio; throws StreamSetupError when a step is refused. */
export async function startStreamSession(o: StreamSessionOptions): Promise<StreamSession> {
  const host = o.host ?? '127.0.0.1';
  const key = keyBytes(o.rikey);
  const { negotiated, audio } = await rtspHandshake(o, host, key);
  let control: ControlClient;
  try {
    control = await ControlClient.connect({
      host,
      port: negotiated.controlPort,
      connectData: negotiated.connectData,
      key,
      ...(o.controlConnectTimeoutMs !== undefined ? { connectTimeoutMs: o.controlConnectTimeoutMs } : {}),
    });
  } catch (error) {
    audio.close();
    throw error;
  }
  let videoFailure: (failure: VideoFailure) => void = () => {};
  const videoFailed = new Promise<VideoFailure>((resolve) => {
    videoFailure = resolve;
  });
  const video = await VideoReceiver.open({
    host,
    port: negotiated.videoPort,
    pingPayload: negotiated.pingPayload,
    packetSize: negotiated.packetSize,
    key: negotiated.encryptionEnabled & SS_ENC_VIDEO ? key : null,
    codec: negotiated.codec,
    ...(o.videoDropRate !== undefined ? { dropRate: o.videoDropRate } : {}),
    seed: o.seed ?? 1,
    ...(o.noVideoTimeoutMs !== undefined ? { noVideoTimeoutMs: o.noVideoTimeoutMs } : {}),
    ...(o.noFrameTimeoutMs !== undefined ? { noFrameTimeoutMs: o.noFrameTimeoutMs } : {}),
    ...(o.onVideoFrame ? { onFrame: o.onVideoFrame } : {}),
    ...(o.holdPingsUntilData ? { holdPingsUntilData: true } : {}),
    onIdrRequest: () => control.requestIdr(),
    onFecStatus: (status) => control.queueFecStatus(status),
    onFailure: (failure) => videoFailure(failure),
  });
  return assembleSession(negotiated, control, video, audio, videoFailed);
}

function assembleSession(
  negotiated: NegotiatedStream,
  control: ControlClient,
  video: VideoReceiver,
  audio: AudioReceiver,
  videoFailed: Promise<VideoFailure>,
): StreamSession {
  let stopping = false;
  const closeMedia = () => {
    // Connection.c stops audio, then video, then the control stream.
    audio.close();
    video.close();
  };
  const ended = Promise.race([
    control.ended.then(
      (end): StreamEnd => ({
        reason: stopping ? 'stopped' : end.reason,
        terminationCode: end.terminationCode,
        graceful: end.graceful && video.sawFrame,
      }),
    ),
    videoFailed.then((failure): StreamEnd => ({ reason: failure, terminationCode: null, graceful: false })),
  ]).then(async (end) => {
    closeMedia();
    await control.stop();
    return end;
  });
  return {
    negotiated,
    control,
    video,
    audio,
    counters: () => ({
      video: { ...video.counters },
      audio: { ...audio.counters },
      control: { ...control.counters },
      enet: { ...control.enetCounters },
      roundTripMs: control.roundTripMs,
    }),
    ended,
    async stop() {
      stopping = true;
      closeMedia();
      await control.stop();
      return ended;
    },
  };
}
