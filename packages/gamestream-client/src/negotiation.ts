// What the client reads out of the host's RTSP replies and decides from them,
// as moonlight-common-c RtspConnection.c and SdpGenerator.c do: the ports of
// the SETUP replies, the ping payload, the encryption bits of DESCRIBE, and
// the packet size it then announces.

import {
  CODEC_MODE,
  type OpusLayout,
  parseSurroundParams,
  SS_ENC_AUDIO,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '@punktfunk/protocol';
import type { AnnounceCodec } from './announce-sdp.js';

/** What ENC_VIDEO_HEADER costs: the client announces a packet size this much smaller. */
const ENC_VIDEO_HEADER_BYTES = 32;

/** `Transport: server_port=48000-48001;source=…` → 48000; the client falls back to the well-known port. */
export function serverPort(transport: string | undefined, fallback: number): number {
  const match = /server_port=(\d+)/.exec(transport ?? '');
  const port = match ? Number(match[1]) : Number.NaN;
  return port > 0 && port <= 65535 ? port : fallback;
}

/**
 * The RTSP port of the launch or resume reply's `sessionUrl0`
 * (`rtsp://192.168.1.2:48010`): each concurrent session on a host has its
 * own. Without one (older hosts) the client uses the well-known 48010.
 */
export function rtspPortOf(sessionUrl: string | undefined | null, fallback = 48010): number {
  const match = /:(\d+)\/?$/.exec(sessionUrl ?? '');
  const port = match ? Number(match[1]) : Number.NaN;
  return port > 0 && port <= 65535 ? port : fallback;
}

/** Moonlight's parseSdpAttributeToUInt: a substring search for `name:` and the number after it. */
export function sdpUint(sdp: string, name: string): number {
  const at = sdp.indexOf(`${name}:`);
  if (at < 0) return 0;
  const value = /^\s*(\d+)/.exec(sdp.slice(at + name.length + 1));
  return value ? Number(value[1]) >>> 0 : 0;
}

/** X-SS-Connect-Data as the client reads it (strtoul with base 0: decimal, 0x hex or 0 octal); 0 when absent. */
export function connectDataOf(value: string | undefined): number {
  const text = (value ?? '').trim();
  let n = 0;
  if (/^0[xX][0-9a-fA-F]+/.test(text)) n = Number.parseInt(text.slice(2), 16);
  else if (/^0[0-7]+/.test(text)) n = Number.parseInt(text, 8);
  else if (/^\d+/.test(text)) n = Number.parseInt(text, 10);
  // The client casts strtoul's result to uint32_t.
  return Number.isFinite(n) ? n >>> 0 : 0;
}

/** A ping payload counts only with exactly 16 characters (RtspConnection.c). */
export function pingPayloadOf(value: string | undefined): string | null {
  return value && value.length === 16 ? value : null;
}

/**
 * The codec a client that wants `wanted` ends up with, as RtspConnection.c
 * decides it from the DESCRIBE reply: AV1 when the reply has `AV1/90000`,
 * HEVC when it has the VPS marker `sprop-parameter-sets=AAAAAU`, else H.264.
 */
export function negotiateCodec(describeSdp: string, wanted: AnnounceCodec): AnnounceCodec {
  if (wanted === 'av1' && describeSdp.includes('AV1/90000')) return 'av1';
  if (wanted !== 'h264' && describeSdp.includes('sprop-parameter-sets=AAAAAU')) return 'hevc';
  return 'h264';
}

/** SdpGenerator.c for a Sunshine host: control v2 whenever offered; video and audio when wanted or requested. */
export function negotiateEncryption(
  describeSdp: string,
  o: { videoEncryption?: boolean; audioEncryption?: boolean },
): number {
  const supported = sdpUint(describeSdp, 'x-ss-general.encryptionSupported');
  const requested = sdpUint(describeSdp, 'x-ss-general.encryptionRequested');
  if (!(supported & SS_ENC_CONTROL_V2)) {
    throw new Error('the host does not offer control stream encryption v2');
  }
  let enabled = SS_ENC_CONTROL_V2;
  const wantVideo = o.videoEncryption ?? false;
  if ((supported & SS_ENC_VIDEO && wantVideo) || (requested & SS_ENC_VIDEO && !wantVideo))
    enabled |= SS_ENC_VIDEO;
  const wantAudio = o.audioEncryption ?? true;
  if ((supported & SS_ENC_AUDIO && wantAudio) || (requested & SS_ENC_AUDIO && !wantAudio))
    enabled |= SS_ENC_AUDIO;
  return enabled;
}

/** The packetSize the client announces for its configured one. */
export function announcedPacketSize(clientPacketSize: number, encryptionEnabled: number): number {
  // FEC works in 16-byte units, so the client rounds down first (Connection.c).
  const rounded = clientPacketSize - (clientPacketSize % 16);
  return encryptionEnabled & SS_ENC_VIDEO ? rounded - ENC_VIDEO_HEADER_BYTES : rounded;
}

/** Moonlight's channel masks (Limelight.h AUDIO_CONFIGURATION_*). */
export const CHANNEL_MASKS: Readonly<Record<2 | 6 | 8, number>> = { 2: 0x3, 6: 0x3f, 8: 0x63f };

export interface AudioNegotiation {
  layout: Omit<OpusLayout, 'bitrateBps'>;
  highQuality: boolean;
}

/**
 * The Opus layout the client decodes with, as RtspConnection.c picks it from
 * DESCRIBE: high quality only when asked and listed (SdpGenerator.c also
 * needs a high bitrate and a fast decoder; the caller decides that).
 */
export function negotiateAudio(
  describeSdp: string,
  channels: 2 | 6 | 8,
  wantHighQuality: boolean,
): AudioNegotiation {
  const { normal, high } = parseSurroundParams(describeSdp, channels);
  if (!normal) throw new Error(`the host lists no Opus layout for ${channels} channels`);
  const highQuality = wantHighQuality && channels > 2 && high !== null;
  return { layout: highQuality && high ? high : normal, highQuality };
}

const YUV444_MODE: Readonly<Record<AnnounceCodec, number>> = {
  h264: CODEC_MODE.h264High8_444,
  hevc: CODEC_MODE.hevcRext8_444,
  av1: 0, // the host offers no AV1 4:4:4
};

/** RtspConnection.c: a 4:4:4 format only when the host's ServerCodecModeSupport has its bit. */
export function negotiateYuv444(
  codec: AnnounceCodec,
  serverCodecModeSupport: number,
  want: boolean,
): boolean {
  return want && (serverCodecModeSupport & YUV444_MODE[codec]) !== 0;
}
