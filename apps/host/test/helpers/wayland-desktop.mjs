// Headless Wayland desktops for tests and benchmarks, each in its own private
// session: a temp XDG_RUNTIME_DIR, its own D-Bus daemon, PipeWire and
// WirePlumber, and the compositor. Plain JavaScript so the benchmarks (plain
// node) share it with the tests. See ../shared/reference/wayland.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 20_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a child process (SIGTERM, SIGKILL after 3 s) and resolves when it is gone. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(what, ready, children) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`${what}: ${dead.spawnargs[0]} exited (${dead.exitCode ?? dead.signalCode})`);
    if (await ready()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not ready after ${START_TIMEOUT_MS} ms`);
}

/** Whether `name` has an owner on the bus, asked with the dbus-send that ships with D-Bus. */
function busNameOwned(env, name) {
  return new Promise((resolve) => {
    const args = ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus'];
    const probe = spawn('dbus-send', [...args, 'org.freedesktop.DBus.NameHasOwner', `string:${name}`], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    probe.stdout.on('data', (chunk) => {
      out += chunk;
    });
    probe.once('exit', () => resolve(/boolean true/.test(out)));
  });
}

/**
 * The private session every desktop here starts from: runtime dir, D-Bus,
 * PipeWire, WirePlumber. Resolves with { env, runtimeDir, spawnInSession(cmd,
 * args), stop() }; `env` is what a client of this desktop needs.
 */
export async function startPrivateSession() {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'pf-wl-'));
  const busPath = join(runtimeDir, 'bus');
  const env = {
    ...process.env,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: join(runtimeDir, 'config'),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}`,
  };
  delete env.WAYLAND_DISPLAY;
  delete env.DISPLAY;
  const children = [];
  const spawnInSession = (command, args = [], extraEnv = {}) => {
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    spawnInSession('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=unix:path=${busPath}`]);
    await waitFor('dbus-daemon', () => existsSync(busPath), children);
    spawnInSession('pipewire');
    await waitFor('pipewire', () => existsSync(join(runtimeDir, 'pipewire-0')), children);
    spawnInSession('wireplumber');
    return { env, runtimeDir, children, spawnInSession, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Headless GNOME: mutter with one virtual monitor, its ScreenCast and
 * RemoteDesktop APIs on the private bus. Resolves with the private session's
 * fields plus { width, height, waylandDisplay }.
 */
export async function startHeadlessGnome(width = 1280, height = 720) {
  const session = await startPrivateSession();
  try {
    const mutterArgs = ['--headless', '--wayland', '--no-x11', '--virtual-monitor', `${width}x${height}`];
    session.spawnInSession('mutter', mutterArgs);
    for (const name of ['org.gnome.Mutter.ScreenCast', 'org.gnome.Mutter.RemoteDesktop']) {
      await waitFor(`mutter (${name})`, () => busNameOwned(session.env, name), session.children);
    }
    const waylandDisplay = 'wayland-0';
    session.env.WAYLAND_DISPLAY = waylandDisplay;
    return { ...session, width, height, waylandDisplay };
  } catch (error) {
    await session.stop();
    throw error;
  }
}
