// Which codecs to advertise (ServerCodecModeSupport): those the configured
// encoder backend really opens on this machine, tried once at start.
import { VideoEncoder } from '@punktfunk/native';
import { CODEC_MODE } from '@punktfunk/protocol';
import { CODECS, type Codec } from '@punktfunk/shared';
import type { EngineConfig } from '../config/index.js';

const MODE_BIT: Record<Codec, number> = {
  h264: CODEC_MODE.h264,
  hevc: CODEC_MODE.hevc,
  av1: CODEC_MODE.av1Main8,
};

export interface CodecSupport {
  codecs: Codec[];
  codecModeSupport: number;
}

export function probeCodecSupport(config: EngineConfig, log: (line: string) => void): CodecSupport {
  const codecs: Codec[] = [];
  for (const codec of CODECS) {
    try {
      const encoder = new VideoEncoder(
        {
          codec,
          backend: config.encoderBackend,
          width: config.width,
          height: config.height,
          fps: config.fps,
          bitrateKbps: config.bitrateKbps,
        },
        null,
      );
      encoder.close();
      codecs.push(codec);
    } catch (error) {
      log(`GameStream: not advertising ${codec}: ${(error as Error).message}`);
    }
  }
  return { codecs, codecModeSupport: codecs.reduce((bits, codec) => bits | MODE_BIT[codec], 0) };
}
