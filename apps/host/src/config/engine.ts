// What the media engine encodes by default: codec, backend, mode, bitrate.
import { CODECS, type Codec, ENCODER_BACKENDS, type EncoderBackend } from '@punktfunk/shared';
import { type Env, integer, pick } from './read-env.js';

export interface EngineConfig {
  codec: Codec;
  encoderBackend: EncoderBackend;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** PUNKTFUNK_PERF=1: log per-stage figures every stats window. */
  perf: boolean;
}

export function loadEngineConfig(env: Env): EngineConfig {
  return {
    codec: pick(env, 'PUNKTFUNK_CODEC', CODECS, 'h264'),
    encoderBackend: pick(env, 'PUNKTFUNK_ENCODER', ENCODER_BACKENDS, 'auto'),
    width: integer(env, 'PUNKTFUNK_WIDTH', 1280),
    height: integer(env, 'PUNKTFUNK_HEIGHT', 720),
    fps: integer(env, 'PUNKTFUNK_FPS', 60),
    bitrateKbps: integer(env, 'PUNKTFUNK_BITRATE_KBPS', 10000),
    perf: env.PUNKTFUNK_PERF === '1',
  };
}
