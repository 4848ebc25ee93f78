// Limits every TCP listener of the host applies to its peers (pf1 control,
// GameStream HTTP/HTTPS/RTSP, management HTTP/TLS): how long a TLS handshake
// and the first request may take, how many connections one address and all
// not-yet-greeted peers may hold, and how often peer failures are logged.
import { bounded, type Env } from './read-env.js';

export interface ConnectionLimits {
  /** PUNKTFUNK_TLS_HANDSHAKE_TIMEOUT_MS: a TLS handshake still unfinished after this long is cut. */
  handshakeTimeoutMs: number;
  /**
   * PUNKTFUNK_FIRST_REQUEST_TIMEOUT_MS: from accept to the first complete
   * request (HTTP, RTSP) or hello (pf1), TLS handshake included; on HTTP also
   * the time each later request's headers and body may take.
   */
  firstRequestTimeoutMs: number;
  /** PUNKTFUNK_MAX_CONNECTIONS_PER_ADDRESS: open connections per source address, per listener. */
  maxPerAddress: number;
  /** PUNKTFUNK_MAX_UNAUTHENTICATED: connections per listener still before their first request. */
  maxUnauthenticated: number;
  /**
   * PUNKTFUNK_MAX_NEW_CONNECTIONS_PER_S: new connections one listener accepts
   * per second (burst as many); a TLS handshake costs the host's one event
   * loop about a millisecond of CPU, so a flood must not buy more than that.
   */
  maxNewPerSecond: number;
  /** Room beyond both caps for loopback peers: PUNKTFUNK_MGMT_LOOPBACK_RESERVE on the management listeners, 0 elsewhere. */
  loopbackReserve: number;
}

export interface ListenersConfig {
  /** The public listeners: pf1 control, GameStream HTTP/HTTPS/RTSP. */
  publicLimits: ConnectionLimits;
  /** The management listeners: the same limits plus the loopback reserve for the operator's console. */
  managementLimits: ConnectionLimits;
  /** PUNKTFUNK_PEER_LOG_INTERVAL_MS: peer failures are logged as one summary line per interval. */
  peerLogIntervalMs: number;
}

export function loadListenersConfig(env: Env): ListenersConfig {
  const publicLimits: ConnectionLimits = {
    // Moonlight and the pf1 client finish a handshake in milliseconds on a LAN.
    handshakeTimeoutMs: bounded(env, 'PUNKTFUNK_TLS_HANDSHAKE_TIMEOUT_MS', 5000, 500, 120_000),
    firstRequestTimeoutMs: bounded(env, 'PUNKTFUNK_FIRST_REQUEST_TIMEOUT_MS', 10_000, 1000, 600_000),
    // A browser opens 6 connections per host plus event streams; Moonlight a few.
    maxPerAddress: bounded(env, 'PUNKTFUNK_MAX_CONNECTIONS_PER_ADDRESS', 32, 1, 65_535),
    maxUnauthenticated: bounded(env, 'PUNKTFUNK_MAX_UNAUTHENTICATED', 256, 1, 65_535),
    maxNewPerSecond: bounded(env, 'PUNKTFUNK_MAX_NEW_CONNECTIONS_PER_S', 64, 1, 100_000),
    loopbackReserve: 0,
  };
  return {
    publicLimits,
    managementLimits: {
      ...publicLimits,
      loopbackReserve: bounded(env, 'PUNKTFUNK_MGMT_LOOPBACK_RESERVE', 64, 0, 65_535),
    },
    peerLogIntervalMs: bounded(env, 'PUNKTFUNK_PEER_LOG_INTERVAL_MS', 10_000, 1000, 3_600_000),
  };
}
