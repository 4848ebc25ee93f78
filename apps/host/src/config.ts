// Host configuration, read once at start from the environment. Every knob has
// a default that works on a fresh machine; the README lists them.
import { isIP } from 'node:net';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
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

/** The management API, the host's identity and where the host keeps its state. */
export interface ManagementConfig {
  /** PUNKTFUNK_CONFIG_DIR, default ~/.config/punktfunk: certificate, token, paired clients, captures. */
  configDir: string;
  capturesDir: string;
  /** Plain HTTP for the operator on this machine. */
  port: number;
  bind: string;
  /** TLS lane for other machines (bearer token, or a paired client's certificate for the read-only routes). */
  tlsPort: number;
  tlsBind: string;
  /** PUNKTFUNK_MGMT_TOKEN; null: read or create <configDir>/mgmt-token. */
  token: string | null;
  hostName: string;
}

function port(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const value = integer(env, key, fallback);
  // 0 asks the system for a free port (tests, several hosts on one machine).
  if (value > 65535) throw new ConfigError(`${key} must be a port number 0..65535, got '${value}'`);
  return value;
}

function address(env: NodeJS.ProcessEnv, key: string, fallback: string): string {
  const value = env[key] || fallback;
  if (isIP(value) === 0) throw new ConfigError(`${key} must be an IP address, got '${value}'`);
  return value;
}

/** A bearer token (variable or file): printable, no spaces, long enough not to be guessed. */
export const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

function token(env: NodeJS.ProcessEnv): string | null {
  const value = env.PUNKTFUNK_MGMT_TOKEN;
  if (value === undefined || value === '') return null;
  if (!TOKEN_PATTERN.test(value)) {
    throw new ConfigError('PUNKTFUNK_MGMT_TOKEN must be 16..512 printable characters without spaces');
  }
  return value;
}

export function loadManagementConfig(env: NodeJS.ProcessEnv = process.env): ManagementConfig {
  const configDir = resolve(env.PUNKTFUNK_CONFIG_DIR || join(homedir(), '.config', 'punktfunk'));
  return {
    configDir,
    capturesDir: join(configDir, 'captures'),
    port: port(env, 'PUNKTFUNK_MGMT_PORT', 47990),
    bind: address(env, 'PUNKTFUNK_MGMT_BIND', '127.0.0.1'),
    tlsPort: port(env, 'PUNKTFUNK_MGMT_TLS_PORT', 47991),
    tlsBind: address(env, 'PUNKTFUNK_MGMT_TLS_BIND', '0.0.0.0'),
    token: token(env),
    hostName: env.PUNKTFUNK_HOST_NAME || hostname(),
  };
}

/** GameStream (Moonlight) lanes and discovery. */
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

function onOff(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const value = env[key];
  if (value === undefined || value === '') return fallback;
  if (value !== '0' && value !== '1') throw new ConfigError(`${key} must be 0 or 1, got '${value}'`);
  return value === '1';
}

function bounded(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const value = integer(env, key, fallback);
  if (value < min || value > max) throw new ConfigError(`${key} must be ${min}..${max}, got ${value}`);
  return value;
}

function streamPortBase(env: NodeJS.ProcessEnv): number {
  // Three consecutive ports from the base; 0 is not allowed, the client must be told fixed ports.
  return bounded(env, 'PUNKTFUNK_GS_STREAM_PORT', 47998, 1, 65533);
}

export function loadGameStreamConfig(env: NodeJS.ProcessEnv = process.env): GameStreamConfig {
  return {
    enabled: onOff(env, 'PUNKTFUNK_GAMESTREAM', true),
    // Moonlight clients find these two by default; other ports must be typed in.
    httpPort: port(env, 'PUNKTFUNK_GS_HTTP_PORT', 47989),
    httpsPort: port(env, 'PUNKTFUNK_GS_HTTPS_PORT', 47984),
    rtspPort: port(env, 'PUNKTFUNK_GS_RTSP_PORT', 48010),
    bind: address(env, 'PUNKTFUNK_GS_BIND', '0.0.0.0'),
    mdns: onOff(env, 'PUNKTFUNK_MDNS', true),
    streamPortBase: streamPortBase(env),
    encryption: pick(env, 'PUNKTFUNK_GS_ENCRYPTION', GAMESTREAM_ENCRYPTION, 'optional'),
    fecPercent: bounded(env, 'PUNKTFUNK_GS_FEC_PERCENT', 20, 0, 255),
    clientTimeoutMs: bounded(env, 'PUNKTFUNK_GS_CLIENT_TIMEOUT_MS', 10_000, 1000, 600_000),
  };
}

/** Where the streamed picture comes from, and which X display input and apps go to. */
export interface DesktopConfig {
  /**
   * PUNKTFUNK_CAPTURE: x11 captures the X display; synthetic streams the test
   * pattern; auto (default) picks x11 when the display is reachable and says
   * why it fell back otherwise.
   */
  capture: CaptureSourceChoice;
  /** PUNKTFUNK_DISPLAY, else DISPLAY: the X display to capture, inject input into and start apps on; null: none. */
  display: string | null;
}

export const CAPTURE_SOURCES = ['auto', 'x11', 'synthetic'] as const;
export type CaptureSourceChoice = (typeof CAPTURE_SOURCES)[number];

// ":0", ":1.0", "host:0", "/tmp/.X11-unix/X0": what xcb_connect accepts, nothing that reaches a shell.
const DISPLAY_PATTERN = /^[\w./-]*:\d+(\.\d+)?$|^\/[\w./-]+$/;

function display(env: NodeJS.ProcessEnv): string | null {
  const value = env.PUNKTFUNK_DISPLAY || env.DISPLAY || '';
  if (value === '') return null;
  if (!DISPLAY_PATTERN.test(value)) {
    throw new ConfigError(`PUNKTFUNK_DISPLAY (or DISPLAY) must look like ':0' or 'host:0.0', got '${value}'`);
  }
  return value;
}

export function loadDesktopConfig(env: NodeJS.ProcessEnv = process.env): DesktopConfig {
  const config = { capture: pick(env, 'PUNKTFUNK_CAPTURE', CAPTURE_SOURCES, 'auto'), display: display(env) };
  if (config.capture === 'x11' && config.display === null) {
    throw new ConfigError('PUNKTFUNK_CAPTURE=x11 needs an X display: set PUNKTFUNK_DISPLAY or DISPLAY');
  }
  return config;
}
