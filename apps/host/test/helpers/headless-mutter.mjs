// Headless GNOME (mutter) in a private D-Bus session with PipeWire, for
// tests and benchmarks, in plain JavaScript. mutter runs as root here (no
// GPU: its virtual monitor is drawn in software); the session's socket is
// wayland-0 in a private runtime dir.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 3_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(what, ready, children, log) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) throw new Error(`${dead.spawnfile} exited with ${dead.exitCode} before ${what}: ${log()}`);
    if (ready()) return;
    await sleep(50);
  }
  throw new Error(`headless mutter: no ${what} in ${START_TIMEOUT_MS} ms: ${log()}`);
}

/**
 * Starts dbus-daemon, pipewire and `mutter --headless --wayland --no-x11
 * --virtual-monitor WxH`. Resolves with { env, runtimeDir, waylandDisplay,
 * spawnInSession(cmd, args, options), stop() }.
 */
export async function startHeadlessMutter({ width = 1280, height = 720 } = {}) {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'pf-mutter-'));
  chmodSync(runtimeDir, 0o700);
  const busPath = join(runtimeDir, 'bus');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runtimeDir,
    XDG_RUNTIME_DIR: runtimeDir,
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}`,
  };
  const children = [];
  let log = '';
  const spawnInSession = (cmd, args = [], options = {}) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
      env: { ...env, ...options.env },
    });
    children.push(child);
    return child;
  };
  const logged = (child) => {
    child.stdout?.resume();
    child.stderr?.on('data', (chunk) => {
      log = (log + chunk).slice(-4000);
    });
    return child;
  };
  const stop = async () => {
    for (const child of children.slice().reverse()) await stopChild(child);
    if (existsSync(runtimeDir)) rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    const bus = logged(
      spawnInSession('dbus-daemon', ['--session', '--nofork', `--address=unix:path=${busPath}`]),
    );
    await waitFor(
      'session bus',
      () => existsSync(busPath),
      [bus],
      () => log,
    );
    logged(spawnInSession('pipewire'));
    const mutter = logged(
      spawnInSession('mutter', [
        '--headless',
        '--wayland',
        '--no-x11',
        '--virtual-monitor',
        `${width}x${height}`,
      ]),
    );
    const socket = () => readdirSync(runtimeDir).find((n) => /^wayland-\d+$/.test(n));
    await waitFor(
      'Wayland socket',
      () => socket() !== undefined,
      [mutter],
      () => log,
    );
    env.WAYLAND_DISPLAY = socket();
    return { env, runtimeDir, waylandDisplay: env.WAYLAND_DISPLAY, width, height, spawnInSession, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
