// GameStream (Moonlight) lanes and discovery.
import { address, bounded, type Env, onOff, pick, port } from './read-env.js';

export interface GameStreamConfig {
  /** PUNKTFUNK_GAMESTREAM=0 switches GameStream off entirely (no ports, no mDNS). */
  enabled: boolean;
  httpPort: number;
  httpsPort: number;
  /** PUNKTFUNK_GS_RTSP_PORT: the RTSP handshake (TCP); announced to clients in the launch reply's sessionUrl0. */
  rtspPort: number;
  bind: string;
  /** PUNKTFUNK_MDNS=0: do not advertise _nvstream._tcp on the LAN. */
  mdns: boolean;
  /**
   * PUNKTFUNK_GS_STREAM_PORT: the UDP ports of a stream, video at this port,
   * control at +1, audio at +2 (GameStream's 47998/47999/48000); clients
   * learn them in the RTSP SETUP replies.
   */
  streamPortBase: number;
  /**
   * PUNKTFUNK_GS_SESSION_PORT_BASE: the ports of the second and further
   * concurrent sessions, four per session from here (video, control, audio
   * UDP, RTSP TCP); the first session keeps the ports above.
   */
  sessionPortBase: number;
  /**
   * PUNKTFUNK_GS_ENCRYPTION: video and audio encryption. off: not offered
   * (the control stream is always encrypted); optional (default): offered,
   * the client decides; required: asked of the client.
   */
  encryption: GameStreamEncryption;
  /** PUNKTFUNK_GS_FEC_PERCENT: video parity per FEC block, % of its data packets (raised to the client's minimum). */
  fecPercent: number;
  /** PUNKTFUNK_GS_CLIENT_TIMEOUT_MS: a client that sends no pings for this long is gone. */
  clientTimeoutMs: number;
}

export const GAMESTREAM_ENCRYPTION = ['off', 'optional', 'required'] as const;
export type GameStreamEncryption = (typeof GAMESTREAM_ENCRYPTION)[number];

function streamPortBase(env: Env): number {
  // Three consecutive ports from the base; 0 is not allowed, the client must be told fixed ports.
  return bounded(env, 'PUNKTFUNK_GS_STREAM_PORT', 47998, 1, 65533);
}

function sessionPortBase(env: Env): number {
  // 31 further sessions at most (the control block's 32), four ports each, all below 65536.
  return bounded(env, 'PUNKTFUNK_GS_SESSION_PORT_BASE', 48100, 1, 65536 - 4 * 31);
}

export function loadGameStreamConfig(env: Env): GameStreamConfig {
  return {
    enabled: onOff(env, 'PUNKTFUNK_GAMESTREAM', true),
    // Moonlight clients find these two by default; other ports must be typed in.
    httpPort: port(env, 'PUNKTFUNK_GS_HTTP_PORT', 47989),
    httpsPort: port(env, 'PUNKTFUNK_GS_HTTPS_PORT', 47984),
    rtspPort: port(env, 'PUNKTFUNK_GS_RTSP_PORT', 48010),
    bind: address(env, 'PUNKTFUNK_GS_BIND', '0.0.0.0'),
    mdns: onOff(env, 'PUNKTFUNK_MDNS', true),
    streamPortBase: streamPortBase(env),
    sessionPortBase: sessionPortBase(env),
    encryption: pick(env, 'PUNKTFUNK_GS_ENCRYPTION', GAMESTREAM_ENCRYPTION, 'optional'),
    fecPercent: bounded(env, 'PUNKTFUNK_GS_FEC_PERCENT', 20, 0, 255),
    clientTimeoutMs: bounded(env, 'PUNKTFUNK_GS_CLIENT_TIMEOUT_MS', 10_000, 1000, 600_000),
  };
}
