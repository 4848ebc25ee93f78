// Settings of the native punktfunk/1 path, from the environment.
import { join } from 'node:path';

export interface NativeConfig {
  port: number;
  bind: string;
  /** Loopback clients may connect without pairing (PUNKTFUNK_NATIVE_LOOPBACK_PAIRING=1 turns that off). */
  loopbackWithoutPairing: boolean;
  fecPercent: number;
  shardBytes: number;
  windowMs: number;
  /** When set, every native session is also recorded as a trace file here. */
  traceDir: string | null;
}

function whole(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${key} must be a whole number in ${min}..${max}, got '${raw}'`);
  return n;
}

export function loadNativeConfig(env: NodeJS.ProcessEnv = process.env): NativeConfig {
  return {
    port: whole(env, 'PUNKTFUNK_NATIVE_PORT', 47800, 0, 65535),
    bind: env.PUNKTFUNK_NATIVE_BIND ?? '0.0.0.0',
    loopbackWithoutPairing: env.PUNKTFUNK_NATIVE_LOOPBACK_PAIRING !== '1',
    fecPercent: whole(env, 'PUNKTFUNK_FEC_PERCENT', 20, 0, 100),
    shardBytes: whole(env, 'PUNKTFUNK_SHARD_BYTES', 1200, 256, 1400),
    windowMs: whole(env, 'PUNKTFUNK_NATIVE_WINDOW_MS', 2000, 100, 60000),
    traceDir: env.PUNKTFUNK_TRACE_DIR ? join(env.PUNKTFUNK_TRACE_DIR) : null,
  };
}
