// Headless Wayland desktops for tests and benchmarks, each in its own private
// session: a temp XDG_RUNTIME_DIR, its own D-Bus daemon, PipeWire and
// WirePlumber, and the compositor. Plain JavaScript so the benchmarks (plain
// node) share it with the tests. See ../shared/reference/wayland.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

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
 * Copies `source` (a file or folder, links followed) to `target` and gives
 * the copy to the session's user: what that user must run from a checkout
 * it may not be able to reach (one under /root, as on CI machines).
 */
export function stageForSessionUser(session, source, target) {
  cpSync(source, target, { recursive: true, dereference: true });
  if (!session.user) return;
  chownSync(target, session.user.uid, session.user.gid);
  if (!statSync(target).isDirectory()) return;
  for (const entry of readdirSync(target, { recursive: true })) {
    lchownSync(join(target, String(entry)), session.user.uid, session.user.gid);
  }
}

// Declared as a runtime dependency by some packages (usocket) but only used to build them.
const BUILD_ONLY_PACKAGES = new Set(['node-gyp']);

/**
 * Copies npm packages `names` (as `fromFile` resolves them) and everything
 * they depend on into `nodeModules`, flat, for the session's user: pnpm keeps
 * each package's dependencies in its own store folder, which that user may
 * not reach.
 */
export function stageNodePackages(session, fromFile, names, nodeModules) {
  const staged = new Set();
  const visit = (name, from) => {
    if (staged.has(name) || BUILD_ONLY_PACKAGES.has(name)) return;
    let manifest;
    try {
      manifest = createRequire(from).resolve(`${name}/package.json`);
    } catch {
      return; // an optional dependency that is not installed
    }
    staged.add(name);
    const dir = realpathSync(dirname(manifest));
    stageForSessionUser(session, dir, join(nodeModules, name));
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      visit(dep, join(dir, 'package.json'));
    }
  };
  mkdirSync(nodeModules, { recursive: true });
  if (session.user) chownSync(nodeModules, session.user.uid, session.user.gid);
  for (const name of names) visit(name, fromFile);
}

/** The unprivileged user a desktop that refuses root (sway) runs as; created when missing. */
export const TEST_USER = 'punktfunk-test';

function idOf(flag, user) {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : null;
}

/** { uid, gid, home } of TEST_USER, created (as root) on first use; null when not root: run as ourselves. */
export function testUser() {
  if (process.getuid?.() !== 0) return null;
  if (idOf('-u', TEST_USER) === null) {
    const made = spawnSync('useradd', ['--system', '--create-home', '--shell', '/bin/sh', TEST_USER]);
    if (made.status !== 0 && idOf('-u', TEST_USER) === null) {
      throw new Error(`cannot create the test user ${TEST_USER}: ${made.stderr}`);
    }
  }
  const uid = idOf('-u', TEST_USER);
  const gid = idOf('-g', TEST_USER);
  return {
    uid,
    gid,
    home: spawnSync('sh', ['-c', `echo ~${TEST_USER}`], { encoding: 'utf8' }).stdout.trim(),
  };
}

/**
 * Where a desktop process's output goes: nowhere, or with
 * PUNKTFUNK_TEST_DESKTOP_LOGS=DIR into DIR/<program>.log (to see why a
 * compositor or portal refused something).
 */
function logOutput(command) {
  const dir = process.env.PUNKTFUNK_TEST_DESKTOP_LOGS;
  if (!dir) return 'ignore';
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, `${basename(command)}.log`), 'a');
  return ['ignore', fd, fd];
}

// The stock session bus, which also lets root in: the tests (root) talk to
// the portal of a desktop that runs as the test user.
function writeBusConfig(runtimeDir) {
  const path = join(runtimeDir, 'bus.conf');
  writeFileSync(
    path,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <policy context="default"><allow user="root"/></policy>
</busconfig>
`,
  );
  return path;
}

function privateRuntimeDir(user) {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'pf-wl-'));
  mkdirSync(join(runtimeDir, 'config'), { mode: 0o700 });
  if (user) {
    chownSync(runtimeDir, user.uid, user.gid);
    chownSync(join(runtimeDir, 'config'), user.uid, user.gid);
  }
  return runtimeDir;
}

/**
 * The private session every desktop here starts from: runtime dir, D-Bus,
 * PipeWire, WirePlumber, all as `user` ({ uid, gid, home }) when given.
 * Resolves with { env, runtimeDir, user, spawnInSession(cmd, args), stop() };
 * `env` is what a client of this desktop needs.
 */
export async function startPrivateSession(user = null) {
  const runtimeDir = privateRuntimeDir(user);
  const busPath = join(runtimeDir, 'bus');
  const busConfig = writeBusConfig(runtimeDir);
  const env = {
    ...process.env,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: join(runtimeDir, 'config'),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath}`,
    ...(user ? { HOME: user.home, USER: TEST_USER, LOGNAME: TEST_USER } : {}),
  };
  delete env.WAYLAND_DISPLAY;
  delete env.DISPLAY;
  const children = [];
  // options: { env (added to the session's), stdio (default: logOutput),
  // asTestRunner (run as this process's user, not the session's: for
  // programs in a checkout the test user may not reach, e.g. under /root) }.
  const spawnInSession = (command, args = [], options = {}) => {
    const ids = user && !options.asTestRunner ? { uid: user.uid, gid: user.gid } : {};
    const stdio = options.stdio ?? logOutput(command);
    const child = spawn(command, args, { env: { ...env, ...options.env }, stdio, ...ids });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    const busArgs = [
      `--config-file=${busConfig}`,
      '--nofork',
      '--nopidfile',
      `--address=unix:path=${busPath}`,
    ];
    spawnInSession('dbus-daemon', busArgs);
    await waitFor('dbus-daemon', () => existsSync(busPath), children);
    spawnInSession('pipewire');
    await waitFor('pipewire', () => existsSync(join(runtimeDir, 'pipewire-0')), children);
    spawnInSession('wireplumber');
    return { env, runtimeDir, user, children, spawnInSession, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Headless GNOME: mutter with one virtual monitor, its ScreenCast and
 * RemoteDesktop APIs on the private bus, and with `portal` the desktop portal
 * with GNOME's backend (its approval dialog shows on the monitor). Resolves
 * with the private session's fields plus { width, height, waylandDisplay }.
 */
export async function startHeadlessGnome(width = 1280, height = 720, { portal = false } = {}) {
  const session = await startPrivateSession();
  try {
    const mutterArgs = ['--headless', '--wayland', '--no-x11', '--virtual-monitor', `${width}x${height}`];
    session.spawnInSession('mutter', mutterArgs);
    for (const name of ['org.gnome.Mutter.ScreenCast', 'org.gnome.Mutter.RemoteDesktop']) {
      await waitFor(`mutter (${name})`, () => busNameOwned(session.env, name), session.children);
    }
    const waylandDisplay = 'wayland-0';
    Object.assign(session.env, { WAYLAND_DISPLAY: waylandDisplay, XDG_CURRENT_DESKTOP: 'GNOME' });
    if (portal) await startPortal(session, '/usr/libexec/xdg-desktop-portal-gnome', 'gnome');
    return { ...session, width, height, waylandDisplay };
  } catch (error) {
    await session.stop();
    throw error;
  }
}

/** The desktop portal with one backend (`backend`: its bus name's last part), once both answer. */
async function startPortal(session, backendPath, backend) {
  session.spawnInSession(backendPath);
  const backendName = `org.freedesktop.impl.portal.desktop.${backend}`;
  await waitFor(backendPath, () => busNameOwned(session.env, backendName), session.children);
  session.spawnInSession('/usr/libexec/xdg-desktop-portal');
  await waitFor(
    'xdg-desktop-portal',
    () => busNameOwned(session.env, 'org.freedesktop.portal.Desktop'),
    session.children,
  );
}

const SWAY_OUTPUT = 'HEADLESS-1';

// chooser 'none' picks the output without asking (there is nobody to ask);
// 'refuse' runs a chooser that fails, as a person cancelling the dialog does.
const CHOOSERS = {
  none: `chooser_type=none\noutput_name=${SWAY_OUTPUT}\n`,
  refuse: 'chooser_type=simple\nchooser_cmd=/bin/false\n',
};

function writeSwayFiles(session, width, height, chooser) {
  const config = join(session.runtimeDir, 'config');
  const swayConfig = join(config, 'sway.conf');
  // No X server: the tests are about Wayland clients, and Xwayland costs start-up time.
  const lines = [
    `output ${SWAY_OUTPUT} resolution ${width}x${height}`,
    'default_border none',
    'xwayland disable',
  ];
  writeFileSync(swayConfig, `${lines.join('\n')}\n`);
  mkdirSync(join(config, 'xdg-desktop-portal-wlr'), { recursive: true });
  writeFileSync(join(config, 'xdg-desktop-portal-wlr', 'config'), `[screencast]\n${CHOOSERS[chooser]}`);
  if (session.user) {
    for (const path of [config, swayConfig, join(config, 'xdg-desktop-portal-wlr')]) {
      chownSync(path, session.user.uid, session.user.gid);
    }
    chownSync(join(config, 'xdg-desktop-portal-wlr', 'config'), session.user.uid, session.user.gid);
  }
  return swayConfig;
}

/** sway's IPC socket (for swaymsg), once sway made it. */
function swayIpcSocket(runtimeDir) {
  const name = readdirSync(runtimeDir).find((entry) => /^sway-ipc\..*\.sock$/.test(entry));
  return name ? join(runtimeDir, name) : null;
}

/**
 * Headless sway (wlroots, pixman renderer) with xdg-desktop-portal-wlr, all
 * as the test user when we are root (sway refuses to run as root). `chooser`:
 * how the portal answers a screen-cast request ('none': the output at once,
 * 'refuse': as if cancelled at the dialog). Resolves
 * with the private session's fields plus { width, height, waylandDisplay,
 * outputName }.
 */
export async function startHeadlessSway(width = 1280, height = 720, { chooser = 'none' } = {}) {
  const session = await startPrivateSession(testUser());
  try {
    const swayConfig = writeSwayFiles(session, width, height, chooser);
    const wlr = { WLR_BACKENDS: 'headless', WLR_RENDERER: 'pixman', WLR_LIBINPUT_NO_DEVICES: '1' };
    session.spawnInSession('sway', ['-c', swayConfig], { env: wlr });
    const socket = join(session.runtimeDir, 'wayland-1');
    await waitFor(
      'sway',
      () => existsSync(socket) && swayIpcSocket(session.runtimeDir) !== null,
      session.children,
    );
    const swaySocket = swayIpcSocket(session.runtimeDir);
    const desktop = {
      WAYLAND_DISPLAY: 'wayland-1',
      XDG_CURRENT_DESKTOP: 'sway',
      SWAYSOCK: swaySocket,
      ...wlr,
    };
    Object.assign(session.env, desktop);
    await startPortal(session, '/usr/libexec/xdg-desktop-portal-wlr', 'wlr');
    return { ...session, width, height, waylandDisplay: 'wayland-1', outputName: SWAY_OUTPUT, swaySocket };
  } catch (error) {
    await session.stop();
    throw error;
  }
}
