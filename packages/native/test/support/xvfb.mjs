// A private Xvfb display on a free display number, in plain JavaScript so the
// benchmarks (plain node) share it with the tests (x11-display.ts wraps it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TEST_WINDOW_PATH = join(REPO_ROOT, 'native/build/x11_test_window');

const FIRST_DISPLAY = 70;
const LAST_DISPLAY = 199;
const START_TIMEOUT_MS = 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function displayFree(n) {
  return !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`);
}

async function waitForSocket(n, server) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false;
    if (existsSync(`/tmp/.X11-unix/X${n}`)) return true;
    await sleep(20);
  }
  return false;
}

/** Stops a child process and resolves when it is gone. */
export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts Xvfb (24-bit, black root: predictable pixels) on a free display
 * number; several test files may run at once. Resolves with
 * { name: ':N', width, height, pid, stop() }.
 */
export async function startXvfb(width = 1280, height = 720) {
  // A random start spreads parallel test processes over the range.
  const offset = Math.floor(Math.random() * (LAST_DISPLAY - FIRST_DISPLAY));
  for (let i = 0; i <= LAST_DISPLAY - FIRST_DISPLAY; i++) {
    const n = FIRST_DISPLAY + ((offset + i) % (LAST_DISPLAY - FIRST_DISPLAY + 1));
    if (!displayFree(n)) continue;
    const args = [`:${n}`, '-screen', '0', `${width}x${height}x24`, '-br', '-nolisten', 'tcp'];
    const server = spawn('Xvfb', args, { stdio: 'ignore' });
    if (await waitForSocket(n, server)) {
      return { name: `:${n}`, width, height, pid: server.pid, stop: () => stopProcess(server) };
    }
    await stopProcess(server); // lost a race for that number; try the next
  }
  throw new Error('no free X display number for Xvfb');
}

/**
 * The test window covering the whole display, animated every 16 ms so every
 * captured frame differs: for benchmarks. `scene`: 'bar' (the quadrants with
 * a moving bar, trivial to encode) or 'texture' (a detailed panning scene,
 * about as hard to encode as the synthetic source). Resolves with { pid,
 * stop() } once it is drawn.
 */
export function openAnimatedWindow(display, scene = 'bar') {
  const args = ['--x', '0', '--y', '0', '--width', String(display.width), '--height', String(display.height)];
  const child = spawn(TEST_WINDOW_PATH, [...args, scene === 'texture' ? '--texture' : '--animate'], {
    env: { ...process.env, DISPLAY: display.name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`x11_test_window exited with ${code}`)));
    child.stdout.once('data', () => resolve({ pid: child.pid, stop: () => stopProcess(child) }));
  });
}
