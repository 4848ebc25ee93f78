// The two SDP bodies of the RTSP handshake. DESCRIBE: the host tells the
// client what it can do (moonlight-common-c RtspConnection.c looks for these
// attribute names with a substring search). ANNOUNCE: the client tells the
// host what it wants (SdpGenerator.c writes `a=<name>:<value> ` lines); that
// becomes a typed, range-checked AnnouncedStream.
import { surroundParamsLines } from './opus-layouts.js';
import { RtspError } from './rtsp.js';

/** x-ss-general.encryption* bits (Sunshine's extension, read by moonlight-common-c). */
export const SS_ENC_CONTROL_V2 = 0x01;
export const SS_ENC_VIDEO = 0x02;
export const SS_ENC_AUDIO = 0x04;

/** x-nv-general.featureFlags bit: the client wants the audio stream AES-CBC encrypted. */
export const NV_FF_AUDIO_ENCRYPTION = 0x20;

export interface HostSdpOptions {
  hevc: boolean;
  av1: boolean;
  /** x-ss-general.featureFlags (Sunshine LI_FF_*: 0x1 pen/touch events, 0x2 controller touch). */
  featureFlags: number;
  encryptionSupported: number;
  encryptionRequested: number;
}

/** The DESCRIBE reply body. Moonlight only needs it non-empty and scans it for the attributes below. */
export function buildDescribeSdp(o: HostSdpOptions): string {
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 0.0.0.0',
    's=punktfunk',
    `a=x-ss-general.featureFlags:${o.featureFlags >>> 0}`,
    `a=x-ss-general.encryptionSupported:${o.encryptionSupported >>> 0}`,
    `a=x-ss-general.encryptionRequested:${o.encryptionRequested >>> 0}`,
  ];
  // GFE's way of saying "HEVC works": the client drops HEVC from its offer without it.
  if (o.hevc) lines.push('sprop-parameter-sets=AAAAAU');
  if (o.av1) lines.push('a=rtpmap:98 AV1/90000');
  // The Opus layouts (stereo, 5.1, 7.1; normal and high quality) the client picks from.
  lines.push(...surroundParamsLines());
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * `a=name:value` lines into a map; the value is trimmed (Moonlight ends each
 * with a space). `a=fmtp:` lines are format parameters, one per layout in
 * DESCRIBE (surround-params), not settings: they are left out.
 */
export function parseSdpAttributes(sdp: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const raw of sdp.split(/\r?\n/)) {
    if (!raw.startsWith('a=')) continue;
    const colon = raw.indexOf(':');
    if (colon < 0) continue;
    const name = raw.slice(2, colon).trim();
    if (name === 'fmtp') continue;
    if (attributes.has(name)) throw new RtspError(400, `SDP attribute '${name}' is given twice`);
    attributes.set(name, raw.slice(colon + 1).trim());
  }
  return attributes;
}

export type VideoCodecName = 'h264' | 'hevc' | 'av1';
const CODEC_BY_FORMAT: readonly VideoCodecName[] = ['h264', 'hevc', 'av1'];

export interface AnnouncedStream {
  width: number;
  height: number;
  fps: number;
  /** Video payload bytes per packet (x-nv-video[0].packetSize); a packet on the wire is 16 bytes more. */
  packetSize: number;
  maxBitrateKbps: number;
  /** What the user set (x-ml-video.configuredBitrateKbps); null from clients that do not send it. */
  configuredBitrateKbps: number | null;
  codec: VideoCodecName;
  minRequiredFecPackets: number;
  /** x-nv-general.featureFlags (0x20: audio encryption). */
  nvFeatureFlags: number;
  audioEncryption: boolean;
  /** x-ss-general.encryptionEnabled bits (SS_ENC_*); 0 from clients without the extension. */
  encryptionEnabled: number;
  /** x-ml-general.featureFlags (0x1 FEC status, 0x2 ping payload / connect data). */
  mlFeatureFlags: number;
  audioPacketDurationMs: number;
  surround: { channelCount: number; channelMask: number; enabled: boolean; highQuality: boolean };
  /** x-nv-video[0].dynamicRangeMode: 1 HDR. */
  hdr: boolean;
  /** x-ss-video[0].chromaSamplingType 1: YUV 4:4:4 (clients ask only when ServerCodecModeSupport offers it). */
  yuv444: boolean;
}

interface IntRange {
  min: number;
  max: number;
}

function intAttribute(a: Map<string, string>, name: string, range: IntRange, fallback?: number): number {
  const text = a.get(name);
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw new RtspError(400, `SDP attribute '${name}' is missing`);
  }
  if (!/^-?\d{1,10}$/.test(text))
    throw new RtspError(400, `SDP attribute '${name}' is not an integer: '${text.slice(0, 20)}'`);
  const value = Number(text);
  if (value < range.min || value > range.max) {
    throw new RtspError(400, `SDP attribute '${name}' must be ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

const U32: IntRange = { min: 0, max: 0xffffffff };
const FLAG: IntRange = { min: 0, max: 1 };

/** The client's stream settings from its ANNOUNCE body; a missing or out-of-range value is an RtspError 400. */
export function parseAnnounceSdp(sdp: string): AnnouncedStream {
  const a = parseSdpAttributes(sdp);
  const maxBitrateKbps = intAttribute(a, 'x-nv-vqos[0].bw.maximumBitrateKbps', { min: 1, max: 10_000_000 });
  const configured = a.has('x-ml-video.configuredBitrateKbps')
    ? intAttribute(a, 'x-ml-video.configuredBitrateKbps', { min: 1, max: 10_000_000 })
    : null;
  const nvFeatureFlags = intAttribute(a, 'x-nv-general.featureFlags', U32, 0);
  const channelCount = intAttribute(a, 'x-nv-audio.surround.numChannels', { min: 1, max: 8 }, 2);
  return {
    width: intAttribute(a, 'x-nv-video[0].clientViewportWd', { min: 16, max: 16384 }),
    height: intAttribute(a, 'x-nv-video[0].clientViewportHt', { min: 16, max: 16384 }),
    fps: intAttribute(a, 'x-nv-video[0].maxFPS', { min: 1, max: 1000 }),
    // The RTP and NV headers plus at least some payload must fit; 64 kB is the UDP ceiling.
    packetSize: intAttribute(a, 'x-nv-video[0].packetSize', { min: 64, max: 65_000 }),
    maxBitrateKbps,
    configuredBitrateKbps: configured,
    codec: CODEC_BY_FORMAT[
      intAttribute(a, 'x-nv-vqos[0].bitStreamFormat', { min: 0, max: 2 })
    ] as VideoCodecName,
    minRequiredFecPackets: intAttribute(a, 'x-nv-vqos[0].fec.minRequiredFecPackets', { min: 0, max: 255 }, 0),
    nvFeatureFlags,
    audioEncryption: (nvFeatureFlags & NV_FF_AUDIO_ENCRYPTION) !== 0,
    encryptionEnabled: intAttribute(a, 'x-ss-general.encryptionEnabled', U32, 0),
    mlFeatureFlags: intAttribute(a, 'x-ml-general.featureFlags', U32, 0),
    audioPacketDurationMs: audioPacketDuration(a),
    surround: {
      channelCount,
      channelMask: intAttribute(a, 'x-nv-audio.surround.channelMask', U32, channelCount === 2 ? 0x3 : 0),
      enabled: intAttribute(a, 'x-nv-audio.surround.enable', FLAG, 0) === 1,
      highQuality: intAttribute(a, 'x-nv-audio.surround.AudioQuality', FLAG, 0) === 1,
    },
    hdr: intAttribute(a, 'x-nv-video[0].dynamicRangeMode', FLAG, 0) === 1,
    yuv444: intAttribute(a, 'x-ss-video[0].chromaSamplingType', FLAG, 0) === 1,
  };
}

function audioPacketDuration(a: Map<string, string>): number {
  // Older clients leave it out and mean 5 ms; 20 ms is what slow decoders ask for.
  const ms = intAttribute(a, 'x-nv-aqos.packetDuration', { min: 1, max: 100 }, 5);
  if (ms !== 5 && ms !== 10 && ms !== 20) {
    throw new RtspError(400, `SDP attribute 'x-nv-aqos.packetDuration' must be 5, 10 or 20 ms, got ${ms}`);
  }
  return ms;
}
