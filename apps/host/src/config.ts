// Host configuration, read once at start from the environment. Every knob has
// a default that works on a fresh machine; the README lists them.
import { CODECS, type Codec, ENCODER_BACKENDS, type EncoderBackend } from '@punktfunk/shared';

export interface HostConfig {
  codec: Codec;
  encoderBackend: EncoderBackend;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** PUNKTFUNK_PERF=1: log per-stage figures every stats window. */
  perf: boolean;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function pick<T extends string>(env: NodeJS.ProcessEnv, key: string, allowed: readonly T[], fallback: T): T {
  const value = env[key] ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key} must be a whole number, got '${raw}'`);
  return Number(raw);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
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
