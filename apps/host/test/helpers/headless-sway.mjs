// Headless sway in a private session for tests and benchmarks, in plain
// JavaScript so plain-node tools can share it. sway refuses to run as root,
// so as root the whole session runs as an unprivileged user (created when
// missing); a root test process still reaches its Wayland socket (root
// passes the socket's permission check). Without a GPU: the headless
// backend with the pixman renderer, and no libinput devices.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SESSION_USER = 'punktfunk-test';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 3_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function run(cmd, args) {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${result.stderr || result.error}`);
  return result.stdout.trim();
}

/** The uid/gid the session runs as: ours, or (as root) the test user's, created if missing. */
function sessionIds() {
  if (process.getuid() !== 0) return { uid: process.getuid(), gid: process.getgid() };
  if (spawnSync('id', ['-u', SESSION_USER]).status !== 0) {
    run('useradd', ['--system', '--create-home', SESSION_USER]);
  }
  return { uid: Number(run('id', ['-u', SESSION_USER])), gid: Number(run('id', ['-g', SESSION_USER])) };
}

/** Stops a child and resolves once it has exited (SIGKILL after a grace period). */
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

function swayConfig(width, height) {
  return [
    `output HEADLESS-1 resolution ${width}x${height} position 0 0`,
    'default_border none',
    'default_floating_border none',
    // No X server: the tests are about Wayland clients, and Xwayland costs startup time.
    'xwayland disable',
    '',
  ].join('\n');
}

/** The first wayland-N socket sway made in the (private) runtime dir, once it answers IPC. */
async function waitForSway(runtimeDir, sway, stderr) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (sway.exitCode !== null) throw new Error(`sway exited with ${sway.exitCode}: ${stderr()}`);
    const names = readdirSync(runtimeDir);
    const socket = names.find((n) => /^wayland-\d+$/.test(n));
    const ipc = names.find((n) => /^sway-ipc\..*\.sock$/.test(n));
    if (socket && ipc) {
      const outputs = spawnSync('swaymsg', ['-s', join(runtimeDir, ipc), '-t', 'get_outputs', '-r']);
      if (outputs.status === 0 && outputs.stdout.includes('HEADLESS-1')) {
        return { socket, ipc: join(runtimeDir, ipc) };
      }
    }
    await sleep(50);
  }
  throw new Error(`headless sway did not come up in ${START_TIMEOUT_MS} ms: ${stderr()}`);
}

/**
 * Starts headless sway with one output of width x height. Resolves with
 * { env, runtimeDir, waylandDisplay, swaySocket, uid, gid, spawnInSession(cmd, args, options), stop() };
 * stop() ends everything it started and removes the runtime dir.
 */
export async function startHeadlessSway({ width = 1280, height = 720 } = {}) {
  const { uid, gid } = sessionIds();
  const runtimeDir = mkdtempSync(join(tmpdir(), 'pf-sway-'));
  chownSync(runtimeDir, uid, gid);
  chmodSync(runtimeDir, 0o700);
  const configPath = join(runtimeDir, 'sway.conf');
  writeFileSync(configPath, swayConfig(width, height));
  chownSync(configPath, uid, gid);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runtimeDir,
    XDG_RUNTIME_DIR: runtimeDir,
    WLR_BACKENDS: 'headless',
    WLR_RENDERER: 'pixman',
    WLR_LIBINPUT_NO_DEVICES: '1',
  };
  const children = [];
  const spawnInSession = (cmd, args = [], options = {}) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
      uid,
      gid,
      env: { ...env, ...options.env },
    });
    children.push(child);
    return child;
  };
  let swayLog = '';
  const sway = spawnInSession('sway', ['-c', configPath]);
  sway.stderr.on('data', (chunk) => {
    swayLog = (swayLog + chunk).slice(-4000);
  });
  sway.stdout.resume();
  const stop = async () => {
    for (const child of children.slice().reverse()) await stopChild(child);
    if (existsSync(runtimeDir)) rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    const { socket, ipc } = await waitForSway(runtimeDir, sway, () => swayLog);
    env.WAYLAND_DISPLAY = socket;
    env.SWAYSOCK = ipc;
    return {
      env,
      runtimeDir,
      waylandDisplay: socket,
      swaySocket: ipc,
      uid,
      gid,
      width,
      height,
      spawnInSession,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
