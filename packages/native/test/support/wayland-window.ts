// Test support: the Wayland test window (native/test/tools/wl_test_window:
// fullscreen, known colour quadrants, reports its input as JSON lines),
// started inside a compositor session (packages/test-support/src/wayland-desktop.mjs).
import type { ChildProcess, ChildProcessWithoutNullStreams, StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsonLines } from './json-lines.js';

export const WL_TEST_WINDOW_PATH = fileURLToPath(
  new URL('../../../../native/build/wl_test_window', import.meta.url),
);

const START_TIMEOUT_MS = 10_000;

export type WlTestWindowEvent =
  | { type: 'ready' | 'resized'; width: number; height: number }
  | { type: 'seat'; pointer: boolean; keyboard: boolean }
  | { type: 'enter' | 'motion'; x: number; y: number }
  | { type: 'leave' | 'keymap' }
  | { type: 'focus'; in: boolean }
  | { type: 'button'; button: number; press: boolean }
  | { type: 'axis'; axis: number; value: number }
  | { type: 'axis_discrete'; axis: number; discrete: number }
  | {
      type: 'key';
      key: number;
      press: boolean;
      keysym: number;
      utf8: string;
      mods: number;
      shift: boolean;
      ctrl: boolean;
    }
  | { type: 'modifiers'; depressed: number; latched: number; locked: number; group: number; shift: boolean };

export interface WlTestWindow {
  events: WlTestWindowEvent[];
  /** The ready line: the size the compositor gave it, on screen. */
  ready: Extract<WlTestWindowEvent, { type: 'ready' }>;
  /** Resolves with the first event (already received or later) that matches. */
  waitFor(match: (e: WlTestWindowEvent) => boolean, timeoutMs?: number): Promise<WlTestWindowEvent>;
  stop(): Promise<void>;
}

export interface WaylandSession {
  spawnInSession(
    cmd: string,
    args?: string[],
    options?: { stdio?: StdioOptions; asTestRunner?: boolean },
  ): ChildProcess;
}

function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts the test window in the session and waits for its ready line. */
export async function openWlTestWindow(session: WaylandSession, animate = false): Promise<WlTestWindow> {
  // As the test runner: any client may use the compositor's socket, and the
  // test user may not reach a checkout under /root.
  const child = session.spawnInSession(WL_TEST_WINDOW_PATH, animate ? ['--animate'] : [], {
    stdio: 'pipe',
    asTestRunner: true,
  }) as ChildProcessWithoutNullStreams;
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const { events, waitFor } = jsonLines<WlTestWindowEvent>(
    child.stdout,
    'wl_test_window',
    () => `; stderr: ${stderr}`,
  );
  const stop = () => stopChild(child);
  try {
    const ready = (await waitFor((e) => e.type === 'ready', START_TIMEOUT_MS)) as WlTestWindow['ready'];
    return { events, ready, waitFor, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
