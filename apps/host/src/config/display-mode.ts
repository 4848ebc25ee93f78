// Whether sessions stream the one desktop or get a display of their own
// (issue 18), and which backend makes those displays. Part of DesktopConfig.
import { ConfigError, type Env, pick } from './read-env.js';

export const DISPLAY_MODES = ['desktop', 'virtual'] as const;
export type DisplayMode = (typeof DISPLAY_MODES)[number];

export const VIRTUAL_BACKEND_CHOICES = ['auto', 'xvfb', 'sway', 'mutter'] as const;
export type VirtualBackendChoice = (typeof VIRTUAL_BACKEND_CHOICES)[number];

export interface DisplayModeConfig {
  /** PUNKTFUNK_DISPLAY_MODE: the host default; an app's `display` in apps.json overrides it. */
  displayMode: DisplayMode;
  /**
   * PUNKTFUNK_VIRTUAL_BACKEND: what makes a virtual display. auto: mutter when
   * GNOME's screen-cast API answers, sway when sway's IPC answers, else xvfb.
   */
  virtualBackend: VirtualBackendChoice;
  /** SWAYSOCK: sway's IPC socket (the sway backend creates its outputs there); unset: none. */
  swaySocket?: string | undefined;
  /** PUNKTFUNK_XVFB: the Xvfb program the xvfb backend runs (default: Xvfb on PATH). */
  xvfbPath: string;
}

export function loadDisplayModeConfig(env: Env): DisplayModeConfig {
  const swaySocket = env.SWAYSOCK || undefined;
  if (swaySocket !== undefined && (!swaySocket.startsWith('/') || swaySocket.includes('\0'))) {
    throw new ConfigError(`SWAYSOCK must be an absolute path to sway's IPC socket, got '${swaySocket}'`);
  }
  const virtualBackend = pick(env, 'PUNKTFUNK_VIRTUAL_BACKEND', VIRTUAL_BACKEND_CHOICES, 'auto');
  if (virtualBackend === 'sway' && !swaySocket) {
    throw new ConfigError("PUNKTFUNK_VIRTUAL_BACKEND=sway needs sway's IPC socket: SWAYSOCK is not set");
  }
  return {
    displayMode: pick(env, 'PUNKTFUNK_DISPLAY_MODE', DISPLAY_MODES, 'desktop'),
    virtualBackend,
    swaySocket,
    xvfbPath: env.PUNKTFUNK_XVFB || 'Xvfb',
  };
}
