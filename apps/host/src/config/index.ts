// The host's whole configuration, read once from the environment before
// anything listens: a bad value stops the host with a ConfigError naming the
// variable, never after the API is up. Each module gets its slice as a
// parameter; nothing else reads process.env for settings. Every knob has a
// default that works on a fresh machine; the README lists them.
import { type DesktopConfig, loadDesktopConfig } from './desktop.js';
import { type EngineConfig, loadEngineConfig } from './engine.js';
import { type GameStreamConfig, loadGameStreamConfig } from './gamestream.js';
import { type ListenersConfig, loadListenersConfig } from './listeners.js';
import { loadManagementConfig, type ManagementConfig } from './management.js';
import { loadPf1Config, type Pf1Config } from './pf1.js';
import type { Env } from './read-env.js';
import { loadStreamCapsConfig, type StreamCaps } from './stream-caps.js';

export type { CaptureSourceChoice, DesktopConfig, PipeWireNodeRef } from './desktop.js';
export { CAPTURE_SOURCES, loadDesktopConfig, parsePipeWireNode } from './desktop.js';
export type { DisplayMode, VirtualBackendChoice } from './display-mode.js';
export type { EngineConfig } from './engine.js';
export { loadEngineConfig } from './engine.js';
export type { GameStreamConfig, GameStreamEncryption } from './gamestream.js';
export { GAMESTREAM_ENCRYPTION, loadGameStreamConfig } from './gamestream.js';
export type { ConnectionLimits, ListenersConfig } from './listeners.js';
export { loadListenersConfig } from './listeners.js';
export type { ManagementConfig } from './management.js';
export { loadManagementConfig, TOKEN_PATTERN } from './management.js';
export type { Pf1Config } from './pf1.js';
export { loadPf1Config } from './pf1.js';
export { ConfigError } from './read-env.js';
export type { StreamCaps } from './stream-caps.js';
export { loadStreamCapsConfig } from './stream-caps.js';

export interface HostConfig {
  /** Codec, backend, mode and bitrate the engine uses unless a client asks otherwise. */
  engine: EngineConfig;
  /** Management API, token, config dir, host name. */
  management: ManagementConfig;
  /** The captured display (also where input goes and apps start). */
  desktop: DesktopConfig;
  /** The punktfunk/1 control server and its sessions. */
  pf1: Pf1Config;
  /** The GameStream (Moonlight) lanes and discovery. */
  gamestream: GameStreamConfig;
  /** Timeouts and connection caps of every TCP listener. */
  listeners: ListenersConfig;
  /** What clients may ask to stream: each mode, and the pixel rate of all sessions together. */
  streamCaps: StreamCaps;
}

export function loadHostConfig(env: Env): HostConfig {
  return {
    engine: loadEngineConfig(env),
    management: loadManagementConfig(env),
    desktop: loadDesktopConfig(env),
    pf1: loadPf1Config(env),
    gamestream: loadGameStreamConfig(env),
    listeners: loadListenersConfig(env),
    streamCaps: loadStreamCapsConfig(env),
  };
}
