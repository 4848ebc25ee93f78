// Which codecs to advertise (ServerCodecModeSupport): those the configured
// encoder backend really opens on this machine, tried once at start, and
// for each the YUV 4:4:4 profile when that opens too.
import { VideoEncoder } from '@punktfunk/native';
import { CODEC_MODE } from '@punktfunk/protocol';
import { CODECS, type Codec } from '@punktfunk/shared';
import type { EngineConfig } from '../config/index.js';

const MODE_BIT: Record<Codec, number> = {
  h264: CODEC_MODE.h264,
  hevc: CODEC_MODE.hevc,
  av1: CODEC_MODE.av1Main8,
};
// Moonlight has 4:4:4 bits for H.264 and HEVC only (AV1's Main profile is 4:2:0).
const YUV444_MODE_BIT: Partial<Record<Codec, number>> = {
  h264: CODEC_MODE.h264High8_444,
  hevc: CODEC_MODE.hevcRext8_444,
};

export interface CodecSupport {
  codecs: Codec[];
  /** The codecs whose 4:4:4 profile opens as well. */
  yuv444Codecs: Codec[];
  codecModeSupport: number;
}

/** Opens and closes an encoder; the reason when it does not open. */
function opens(config: EngineConfig, codec: Codec, yuv444: boolean): string | null {
  try {
    const encoder = new VideoEncoder(
      {
        codec,
        backend: config.encoderBackend,
        width: config.width,
        height: config.height,
        fps: config.fps,
        bitrateKbps: config.bitrateKbps,
        ...(yuv444 ? { yuv444 } : {}),
      },
      null,
    );
    encoder.close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function probeCodecSupport(config: EngineConfig, log: (line: string) => void): CodecSupport {
  const codecs: Codec[] = [];
  const yuv444Codecs: Codec[] = [];
  for (const codec of CODECS) {
    const why = opens(config, codec, false);
    if (why !== null) {
      log(`GameStream: not advertising ${codec}: ${why}`);
      continue;
    }
    codecs.push(codec);
    if (YUV444_MODE_BIT[codec] === undefined) continue;
    const why444 = opens(config, codec, true);
    if (why444 === null) yuv444Codecs.push(codec);
    else log(`GameStream: not advertising ${codec} 4:4:4: ${why444}`);
  }
  const codecModeSupport =
    codecs.reduce((bits, codec) => bits | MODE_BIT[codec], 0) |
    yuv444Codecs.reduce((bits, codec) => bits | (YUV444_MODE_BIT[codec] ?? 0), 0);
  return { codecs, yuv444Codecs, codecModeSupport };
}
