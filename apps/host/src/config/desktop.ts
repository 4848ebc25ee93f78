// Where the streamed picture comes from, and which X display input and apps go to.
import { ConfigError, type Env, pick } from './read-env.js';

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

function display(env: Env): string | null {
  const value = env.PUNKTFUNK_DISPLAY || env.DISPLAY || '';
  if (value === '') return null;
  if (!DISPLAY_PATTERN.test(value)) {
    throw new ConfigError(`PUNKTFUNK_DISPLAY (or DISPLAY) must look like ':0' or 'host:0.0', got '${value}'`);
  }
  return value;
}

export function loadDesktopConfig(env: Env): DesktopConfig {
  const config = { capture: pick(env, 'PUNKTFUNK_CAPTURE', CAPTURE_SOURCES, 'auto'), display: display(env) };
  if (config.capture === 'x11' && config.display === null) {
    throw new ConfigError('PUNKTFUNK_CAPTURE=x11 needs an X display: set PUNKTFUNK_DISPLAY or DISPLAY');
  }
  return config;
}
