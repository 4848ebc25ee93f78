// Settings of the punktfunk/1 path: its control listener, pairing of
// loopback clients, FEC and datagram size, stats window, traces.
import { join } from 'node:path';
import { type Env, wholeInRange } from './read-env.js';

export interface Pf1Config {
  port: number;
  bind: string;
  /** Loopback clients may connect without pairing (PUNKTFUNK_NATIVE_LOOPBACK_PAIRING=1 turns that off). */
  loopbackWithoutPairing: boolean;
  fecPercent: number;
  shardBytes: number;
  windowMs: number;
  /** A streaming client that sends nothing on its control connection this long is gone: its session ends. */
  clientTimeoutMs: number;
  /** When set, every punktfunk/1 session is also recorded as a trace file here. */
  traceDir: string | null;
}

export function loadPf1Config(env: Env): Pf1Config {
  return {
    port: wholeInRange(env, 'PUNKTFUNK_NATIVE_PORT', 47800, 0, 65535),
    bind: env.PUNKTFUNK_NATIVE_BIND ?? '0.0.0.0',
    loopbackWithoutPairing: env.PUNKTFUNK_NATIVE_LOOPBACK_PAIRING !== '1',
    fecPercent: wholeInRange(env, 'PUNKTFUNK_FEC_PERCENT', 20, 0, 100),
    shardBytes: wholeInRange(env, 'PUNKTFUNK_SHARD_BYTES', 1200, 256, 1400),
    windowMs: wholeInRange(env, 'PUNKTFUNK_NATIVE_WINDOW_MS', 2000, 100, 60000),
    // GameStream's default; at least two of the host's 1 s pings, whose
    // pongs a healthy client always sends.
    clientTimeoutMs: wholeInRange(env, 'PUNKTFUNK_NATIVE_CLIENT_TIMEOUT_MS', 10_000, 2000, 600_000),
    traceDir: env.PUNKTFUNK_TRACE_DIR ? join(env.PUNKTFUNK_TRACE_DIR) : null,
  };
}
