// A minimal ANNOUNCE body for the host's RTSP tests: only the attributes the
// host reads, not everything moonlight-common-c sends (that one is
// moonlightAnnounceSdp in @punktfunk/gamestream-client).

/** The attributes of a Moonlight ANNOUNCE the host reads (SdpGenerator.c writes `a=name:value ` lines). */
export function announceSdp(o: {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  encryption: number;
  /** Default 1392, what Moonlight sends. */
  packetSize?: number;
  /** Default 2. */
  minRequiredFecPackets?: number;
}): string {
  const attributes: [string, number][] = [
    ['x-nv-video[0].clientViewportWd', o.width],
    ['x-nv-video[0].clientViewportHt', o.height],
    ['x-nv-video[0].maxFPS', o.fps],
    ['x-nv-video[0].packetSize', o.packetSize ?? 1392],
    ['x-nv-vqos[0].bw.maximumBitrateKbps', o.bitrateKbps],
    ['x-ml-video.configuredBitrateKbps', o.bitrateKbps],
    ['x-nv-general.featureFlags', 167],
    ['x-ml-general.featureFlags', 3],
    ['x-ss-general.encryptionEnabled', o.encryption],
    ['x-nv-vqos[0].fec.minRequiredFecPackets', o.minRequiredFecPackets ?? 2],
    ['x-nv-vqos[0].bitStreamFormat', 0],
    ['x-nv-audio.surround.numChannels', 2],
    ['x-nv-audio.surround.channelMask', 3],
    ['x-nv-audio.surround.enable', 0],
    ['x-nv-aqos.packetDuration', 5],
  ];
  const lines = attributes.map(([name, value]) => `a=${name}:${value} \r\n`).join('');
  return `v=0\r\no=android 0 14 IN IPv4 127.0.0.1\r\ns=NVIDIA Streaming Client\r\n${lines}t=0 0\r\nm=video 47998  \r\n`;
}
