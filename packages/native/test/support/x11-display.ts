// Test support: a private Xvfb display, the test window (native/test/tools/
// x11_test_window: known colour quadrants, reports its input as JSON lines)
// and xdotool read-backs. Used by the X11 capture and input tests of this
// package and of the host.
import { spawn, spawnSync } from 'node:child_process';
import { jsonLines } from './json-lines.js';
import { startXvfb as startXvfbProcess, stopProcess, TEST_WINDOW_PATH } from './xvfb.mjs';

/** The colours of the test window's quadrants, as [r, g, b]. */
export const QUADRANT_RGB = {
  topLeft: [255, 0, 0],
  topRight: [0, 255, 0],
  bottomLeft: [0, 0, 255],
  bottomRight: [255, 255, 255],
} as const;

export interface XvfbDisplay {
  /** ":N", for DISPLAY. */
  name: string;
  width: number;
  height: number;
  stop(): Promise<void>;
}

/** Starts Xvfb (24-bit, black root) on a free display number; several test files may run at once. */
export const startXvfb: (width?: number, height?: number) => Promise<XvfbDisplay> = startXvfbProcess;
export { TEST_WINDOW_PATH };

const START_TIMEOUT_MS = 10_000;

export type TestWindowEvent =
  | { type: 'ready'; window: number }
  | { type: 'key'; press: boolean; keycode: number; keysym: number; state: number }
  | { type: 'button'; press: boolean; button: number; x: number; y: number }
  | { type: 'motion'; x: number; y: number };

export interface TestWindow {
  events: TestWindowEvent[];
  /** Resolves with the first event (already received or later) that matches. */
  waitFor(match: (e: TestWindowEvent) => boolean, timeoutMs?: number): Promise<TestWindowEvent>;
  stop(): Promise<void>;
}

export interface TestWindowOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  animate?: boolean;
  /** A grey field with 1-px red lines at the odd column width/2 + 1 and row height/2 + 1 instead of the quadrants. */
  line?: boolean;
}

/** Opens the test window on `display` and waits until it is drawn and focused. */
export async function openTestWindow(display: string, o: TestWindowOptions): Promise<TestWindow> {
  const args = ['--x', o.x, '--y', o.y, '--width', o.width, '--height', o.height].map(String);
  if (o.animate) args.push('--animate');
  if (o.line) args.push('--line');
  const child = spawn(TEST_WINDOW_PATH, args, {
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { events, waitFor } = jsonLines<TestWindowEvent>(child.stdout!, 'test window');
  const window = { events, waitFor, stop: () => stopProcess(child) };
  try {
    await waitFor((e) => e.type === 'ready', START_TIMEOUT_MS);
  } catch (error) {
    await window.stop();
    throw error;
  }
  return window;
}

/** Runs xdotool against `display`; returns its stdout. */
export function xdotool(display: string, ...args: string[]): string {
  const result = spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`xdotool ${args.join(' ')}: ${result.stderr || result.error}`);
  return result.stdout;
}

/** The pointer position on `display`, read with xdotool. */
export function pointerPosition(display: string): { x: number; y: number } {
  const match = /x:(\d+) y:(\d+)/.exec(xdotool(display, 'getmouselocation'));
  if (!match) throw new Error('xdotool getmouselocation: unexpected output');
  return { x: Number(match[1]), y: Number(match[2]) };
}
