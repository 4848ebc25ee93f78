// The client's ANNOUNCE body as moonlight-common-c SdpGenerator.c writes it
// for a Sunshine host of appversion 7.1.431 on a local network: `a=name:value `
// lines in its order, between its header and tail. Only what that generator
// would send for these settings; nothing the host does not read is left out
// either, so a host that trips over an attribute trips here too.

import { NV_FF_AUDIO_ENCRYPTION } from '@punktfunk/protocol';

export type AnnounceCodec = 'h264' | 'hevc' | 'av1';

export interface AnnounceSettings {
  width: number;
  height: number;
  fps: number;
  /** What goes on the wire: the client's packet size, already 32 smaller with video encryption. */
  packetSize: number;
  /** The user's bitrate; the client announces 80 % of it as the video bitrate (the rest is FEC). */
  bitrateKbps: number;
  codec: AnnounceCodec;
  /** x-ss-general.encryptionEnabled (SS_ENC_* bits). */
  encryptionEnabled: number;
  audioEncryption: boolean;
  audioPacketDurationMs: 5 | 10;
  /** Moonlight always asks for 2. */
  minRequiredFecPackets?: number;
  channelCount?: number;
  channelMask?: number;
  /** x-nv-audio.surround.AudioQuality 1 (the client asks only when DESCRIBE lists a high-quality layout). */
  audioHighQuality?: boolean;
  /** x-ss-video[0].chromaSamplingType 1 (the client asks only when ServerCodecModeSupport offers 4:4:4). */
  yuv444?: boolean;
  /** The address the client reached the host at (SDP `o=` line). */
  hostAddress?: string;
  videoPort?: number;
}

/** x-nv-general.featureFlags: NVFF_BASE 0x07 | NVFF_RI_ENCRYPTION 0x80, and 0x20 for audio encryption. */
export function nvFeatureFlags(audioEncryption: boolean): number {
  return 0x07 | 0x80 | (audioEncryption ? NV_FF_AUDIO_ENCRYPTION : 0);
}

/** ML_FF_FEC_STATUS (0x1: the client sends 0x5502) | ML_FF_SESSION_ID_V1 (0x2: ping payload, connect data). */
export const ML_FEATURE_FLAGS = 0x3;

export function moonlightAnnounceSdp(s: AnnounceSettings): string {
  const videoKbps = Math.min(Math.floor(s.bitrateKbps * 0.8), 100_000);
  const channelCount = s.channelCount ?? 2;
  const attributes: [string, string | number][] = [
    ['x-ml-general.featureFlags', ML_FEATURE_FLAGS],
    ['x-ss-general.encryptionEnabled', s.encryptionEnabled],
    ['x-ss-video[0].chromaSamplingType', s.yuv444 ? 1 : 0],
    ['x-nv-video[0].clientViewportWd', s.width],
    ['x-nv-video[0].clientViewportHt', s.height],
    ['x-nv-video[0].maxFPS', s.fps],
    ['x-nv-video[0].packetSize', s.packetSize],
    ['x-nv-video[0].rateControlMode', 4],
    ['x-nv-video[0].timeoutLengthMs', 7000],
    ['x-nv-video[0].framesWithInvalidRefThreshold', 0],
    ['x-nv-video[0].initialBitrateKbps', videoKbps],
    ['x-nv-video[0].initialPeakBitrateKbps', videoKbps],
    ['x-nv-vqos[0].bw.minimumBitrateKbps', videoKbps],
    ['x-nv-vqos[0].bw.maximumBitrateKbps', videoKbps],
    ['x-ml-video.configuredBitrateKbps', s.bitrateKbps],
    ['x-nv-vqos[0].fec.enable', 1],
    ['x-nv-vqos[0].videoQualityScoreUpdateTime', 5000],
    ['x-nv-vqos[0].qosTrafficType', 5],
    ['x-nv-aqos.qosTrafficType', 4],
    ['x-nv-general.featureFlags', nvFeatureFlags(s.audioEncryption)],
    ['x-nv-general.useReliableUdp', 13],
    ['x-nv-vqos[0].fec.minRequiredFecPackets', s.minRequiredFecPackets ?? 2],
    ['x-nv-vqos[0].bllFec.enable', 0],
    ['x-nv-vqos[0].drc.enable', 0],
    ['x-nv-general.enableRecoveryMode', 0],
    ['x-nv-video[0].videoEncoderSlicesPerFrame', 1],
    ...codecAttributes(s.codec),
    ['x-nv-video[0].dynamicRangeMode', 0],
    ['x-nv-video[0].maxNumReferenceFrames', 1],
    ['x-nv-video[0].clientRefreshRateX100', s.fps * 100],
    ['x-nv-audio.surround.numChannels', channelCount],
    ['x-nv-audio.surround.channelMask', s.channelMask ?? 0x3],
    ['x-nv-audio.surround.enable', channelCount > 2 ? 1 : 0],
    ['x-nv-audio.surround.AudioQuality', s.audioHighQuality ? 1 : 0],
    ['x-nv-aqos.packetDuration', s.audioPacketDurationMs],
    ['x-nv-video[0].encoderCscMode', 0],
  ];
  const address = s.hostAddress ?? '127.0.0.1';
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  const head = `v=0\r\no=android 0 14 IN ${family} ${address}\r\ns=NVIDIA Streaming Client\r\n`;
  const lines = attributes.map(([name, value]) => `a=${name}:${value} \r\n`).join('');
  return `${head}${lines}t=0 0\r\nm=video ${s.videoPort ?? 47998}  \r\n`;
}

function codecAttributes(codec: AnnounceCodec): [string, number][] {
  if (codec === 'av1') return [['x-nv-vqos[0].bitStreamFormat', 2]];
  if (codec === 'hevc') {
    return [
      ['x-nv-clientSupportHevc', 1],
      ['x-nv-vqos[0].bitStreamFormat', 1],
    ];
  }
  return [
    ['x-nv-clientSupportHevc', 0],
    ['x-nv-vqos[0].bitStreamFormat', 0],
  ];
}
