// Types of headless-mutter.mjs (plain JavaScript so benchmarks can use it too).
import type { ChildProcessWithoutNullStreams, SpawnOptions } from 'node:child_process';

export interface HeadlessMutter {
  /** XDG_RUNTIME_DIR, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS (private bus), PATH, HOME. */
  env: Record<string, string>;
  runtimeDir: string;
  /** The Wayland socket's name in runtimeDir ('wayland-0'). */
  waylandDisplay: string;
  width: number;
  height: number;
  spawnInSession(cmd: string, args?: string[], options?: SpawnOptions): ChildProcessWithoutNullStreams;
  /** Ends mutter, pipewire and the bus, removes the runtime dir. */
  stop(): Promise<void>;
}

export function startHeadlessMutter(options?: { width?: number; height?: number }): Promise<HeadlessMutter>;
