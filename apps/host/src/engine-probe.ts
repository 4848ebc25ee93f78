// At start-up the host opens the configured encoder once and encodes a frame,
// so a broken engine or a missing encoder shows at once, not when a client
// connects, and the log says which encoder the streams will use.

import type { EncoderInfo, EncoderLog } from '@punktfunk/native';
import { FrameCapture, VideoEncoder } from '@punktfunk/native';
import type { EngineConfig } from './config/index.js';

export interface EngineProbe {
  encoder: EncoderInfo;
  firstFrameBytes: number;
  firstFrameUs: number;
}

export function probeEngine(config: EngineConfig, log: EncoderLog): EngineProbe {
  const encoder = new VideoEncoder(
    {
      codec: config.codec,
      backend: config.encoderBackend,
      width: config.width,
      height: config.height,
      fps: config.fps,
      bitrateKbps: config.bitrateKbps,
    },
    // The host's logger: the choice of encoder is a line of the host log, with its timestamp.
    log,
  );
  const capture = new FrameCapture({
    width: config.width,
    height: config.height,
    pixelFormat: encoder.info.pixelFormat,
  });
  try {
    const timing = capture.capture();
    const submitUs = encoder.submit(capture, true);
    const collected = encoder.collect();
    return {
      encoder: encoder.info,
      firstFrameBytes: collected.data?.length ?? 0,
      firstFrameUs: timing.captureUs + submitUs + collected.encodeUs,
    };
  } finally {
    capture.close();
    encoder.close();
  }
}
