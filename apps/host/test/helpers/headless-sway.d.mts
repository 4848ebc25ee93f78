// Types of headless-sway.mjs (plain JavaScript so benchmarks can use it too).
import type { ChildProcessWithoutNullStreams, SpawnOptions } from 'node:child_process';

export const SESSION_USER: string;

export interface HeadlessSway {
  /** The session's environment: XDG_RUNTIME_DIR, WAYLAND_DISPLAY, SWAYSOCK, WLR_* and PATH/HOME. */
  env: Record<string, string>;
  /** XDG_RUNTIME_DIR of the session (0700, owned by uid). */
  runtimeDir: string;
  /** The Wayland socket's name in runtimeDir ('wayland-1'). */
  waylandDisplay: string;
  /** sway's IPC socket (for swaymsg -s). */
  swaySocket: string;
  uid: number;
  gid: number;
  width: number;
  height: number;
  /** Starts a process as the session's user in its environment; stop() ends it. */
  spawnInSession(cmd: string, args?: string[], options?: SpawnOptions): ChildProcessWithoutNullStreams;
  /** Ends everything it started and removes the runtime dir. */
  stop(): Promise<void>;
}

export function startHeadlessSway(options?: { width?: number; height?: number }): Promise<HeadlessSway>;
