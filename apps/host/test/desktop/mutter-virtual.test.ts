// GNOME virtual monitors (RecordVirtual) at a session's exact mode, against a
// real headless mutter 43 in a private session (D-Bus, PipeWire,
// WirePlumber): Mutter lists a monitor at the mode, the capture the session
// would open gets exactly that size, a fullscreen test window started with
// the display's appEnvironment lands on it at that size, its colour
// quadrants arrive with their borders at the exact middle (1:1, no bars),
// and a pointer moved to (x, y) of the stream reaches the window at (x, y).
// A mode Mutter must not be asked for is refused with nothing left behind,
// close() removes the monitor, and Mutter dying is reported with a reason.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameCapture } from '@punktfunk/native';
import { eventually } from '@punktfunk/test-support';
import {
  type HeadlessGnome,
  type PrivateSession,
  startHeadlessGnome,
  startPrivateSession,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bgraAt, expectColour } from '../../../../packages/native/test/support/pixels.js';
import {
  openWlTestWindow,
  type WlTestWindow,
} from '../../../../packages/native/test/support/wayland-window.js';
import { QUADRANT_RGB } from '../../../../packages/native/test/support/x11-display.js';
import { loadDesktopConfig } from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import type { OpenedDesktop } from '../../src/desktop/desktop-source.js';
import { MutterVirtualBackend } from '../../src/desktop/virtual/mutter-virtual.js';
import { VirtualDisplayError } from '../../src/desktop/virtual/virtual-display.js';
import { mutterMonitors } from '../../src/desktop/wayland/display-config.js';
import type { MutterRemoteInput } from '../../src/desktop/wayland/mutter-session.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import { captureOptions } from '../../src/streaming/core/open-engine.js';
import { videoNodeIds } from './pipewire-nodes.js';

const BTN_LEFT = 0x110;
const [XK_A, XK_B, XK_SHIFT_L] = [0x61, 0x62, 0xffe1];
// Raw BGRx from Mutter's software renderer: exact colours, a little room anyway.
const TOLERANCE = 2;

function request(width: number, height: number, fps: number) {
  return { mode: 'virtual' as const, width, height, fps, label: `test-${width}x${height}` };
}

function backendFor(gnome: PrivateSession & { waylandDisplay?: string }) {
  return new MutterVirtualBackend({
    desktop: {
      sessionBusAddress: gnome.env.DBUS_SESSION_BUS_ADDRESS,
      waylandDisplay: gnome.waylandDisplay,
      runtimeDir: gnome.runtimeDir,
    },
  });
}

/** The session's capture, opened as the worker opens it (captureOptions of the display's spec). */
function openCapture(desktop: OpenedDesktop, width: number, height: number): FrameCapture {
  return new FrameCapture({ ...captureOptions(desktop.spec), width, height, pixelFormat: 'yuv420p' });
}

/** Captures until `ok` holds for a fresh frame's BGRx copy; the last copy either way. */
async function captureUntil(capture: FrameCapture, ok: (bgra: Buffer) => boolean): Promise<Buffer> {
  let last: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 200; i++) {
    if (!capture.capture().repeated || last.length === 0) last = capture.copyBgra();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return last;
}

/**
 * The test window's quadrants with their borders exactly at the middle:
 * the last column / row of one colour and the first of the next (away from
 * the centre, where the pointer rests), and the four corners. A scaled or
 * letterboxed picture moves or blurs these borders, or puts black there.
 */
function quadrantBorders(width: number, height: number) {
  const [midX, midY] = [width / 2, height / 2];
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  return [
    { x: 0, y: 0, rgb: topLeft },
    { x: width - 1, y: 0, rgb: topRight },
    { x: 0, y: height - 1, rgb: bottomLeft },
    { x: width - 1, y: height - 1, rgb: bottomRight },
    { x: midX - 1, y: 8, rgb: topLeft },
    { x: midX, y: 8, rgb: topRight },
    { x: midX - 1, y: height - 9, rgb: bottomLeft },
    { x: midX, y: height - 9, rgb: bottomRight },
    { x: 8, y: midY - 1, rgb: topLeft },
    { x: 8, y: midY, rgb: bottomLeft },
    { x: width - 9, y: midY - 1, rgb: topRight },
    { x: width - 9, y: midY, rgb: bottomRight },
  ];
}

function bordersMatch(bgra: Buffer, width: number, height: number): boolean {
  return quadrantBorders(width, height).every((p) =>
    bgraAt(bgra, width, p.x, p.y).every((v, i) => Math.abs(v - (p.rgb[i] ?? 0)) <= TOLERANCE),
  );
}

describe('GNOME virtual monitor per session (headless mutter)', () => {
  let gnome: HeadlessGnome;
  let bus: SessionBus;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(1280, 720);
    // The capture finds the desktop's PipeWire daemon as the host does: XDG_RUNTIME_DIR.
    process.env.XDG_RUNTIME_DIR = gnome.runtimeDir;
    bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
  });
  afterAll(async () => {
    bus?.disconnect();
    await gnome?.stop();
  });

  for (const [width, height, fps] of [
    [1920, 1080, 60],
    [1280, 800, 90],
  ] as const) {
    it(`${width}x${height}@${fps}: a monitor at the mode, captured 1:1, a window on it at 1:1 pixels and pointer positions`, async () => {
      const display = await backendFor(gnome).create(request(width, height, fps));
      try {
        expect(display).toMatchObject({ backend: 'mutter', width, height, fps });
        expect(display.appEnvironment).toEqual({
          WAYLAND_DISPLAY: 'wayland-0',
          XDG_RUNTIME_DIR: gnome.runtimeDir,
        });
        const { desktop } = display;
        expect(desktop.input).toMatchObject({ kind: 'mutter', screen: { width, height } });
        const connector = desktop.input.kind === 'mutter' ? desktop.input.outputName : undefined;
        const monitor = (await mutterMonitors(bus, 2_000)).find((m) => m.connector === connector);
        expect(monitor).toMatchObject({
          product: 'Virtual remote monitor',
          mode: { width, height, refreshHz: fps },
        });
        expect(display.info).toEqual({
          mode: 'virtual',
          backend: 'mutter',
          width,
          height,
          description: expect.stringMatching(
            new RegExp(`^mutter virtual ${connector} ${width}x${height}@${fps} \\(PipeWire node \\d+\\)$`),
          ),
        });

        // The app: started with the display's environment, fullscreen where the pointer is (this monitor).
        const window = await openWlTestWindow({
          spawnInSession: (cmd, args, options) =>
            gnome.spawnInSession(cmd, args, { ...options, env: display.appEnvironment }),
        });
        try {
          expect(window.ready).toMatchObject({ width, height });
          if (desktop.input.kind !== 'mutter') throw new Error('not mutter input');
          const pointer = desktop.input.input;
          const capture = openCapture(desktop, width, height);
          try {
            expect([capture.sourceWidth, capture.sourceHeight]).toEqual([width, height]);
            expect(capture.contentRect).toEqual({ x: 0, y: 0, width, height });
            // Mutter takes the virtual stream's pointer calls once it streams (a first frame is out).
            capture.capture();
            await pointer.pointerAbsolute(width / 2, height / 2);
            const frame = await captureUntil(capture, (bgra) => bordersMatch(bgra, width, height));
            for (const p of quadrantBorders(width, height)) {
              expectColour(bgraAt(frame, width, p.x, p.y), p.rgb, TOLERANCE, `(${p.x},${p.y})`);
            }
            // Input in the stream's pixels reaches the window at the same pixels.
            for (const [x, y] of [
              [17, 23],
              [width - 5, height - 3],
            ] as const) {
              await pointer.pointerAbsolute(x, y);
              // The first call may bring the pointer into the window: an enter at (x, y) then.
              await window.waitFor(
                (e) => (e.type === 'motion' || e.type === 'enter') && e.x === x && e.y === y,
              );
            }
          } finally {
            capture.close();
          }
        } finally {
          await window.stop();
        }
      } finally {
        await display.desktop.close();
      }
      const gone = async () =>
        !(await mutterMonitors(bus, 2_000)).some((m) => m.product === 'Virtual remote monitor');
      expect(await eventually(gone)).toBe(true);
    });
  }

  it('100000x1 is MODE_UNSUPPORTED before Mutter is asked: no monitor, no stream left, Mutter still there', async () => {
    const nodesBefore = videoNodeIds(gnome.env);
    const monitorsBefore = await mutterMonitors(bus, 2_000);
    const error = await backendFor(gnome)
      .create(request(100_000, 1, 60))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(VirtualDisplayError);
    expect(error).toMatchObject({
      code: 'MODE_UNSUPPORTED',
      message: expect.stringContaining('mutter cannot make a 100000x1@60 display'),
    });
    expect(await mutterMonitors(bus, 2_000)).toEqual(monitorsBefore);
    expect(videoNodeIds(gnome.env)).toEqual(nodesBefore);
  });

  it('a mode that cannot be negotiated (no PipeWire here) is CREATE_FAILED, and the Mutter session is stopped', async () => {
    const nodesBefore = videoNodeIds(gnome.env);
    process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'pf-no-pipewire-'));
    try {
      const error = await backendFor(gnome)
        .create(request(1280, 720, 60))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CREATE_FAILED', message: expect.stringContaining('PipeWire') });
    } finally {
      process.env.XDG_RUNTIME_DIR = gnome.runtimeDir;
    }
    expect(await eventually(() => videoNodeIds(gnome.env).join() === nodesBefore.join())).toBe(true);
    expect((await mutterMonitors(bus, 2_000)).map((m) => m.connector)).toEqual(['Meta-0']);
  });

  it('a host that dies (SIGKILL) leaves no monitor behind: Mutter ends the session with its bus connection', async () => {
    // The built backend in a child process, as the host runs it; it says which monitor it made.
    const script = `
      import { MutterVirtualBackend } from ${JSON.stringify(new URL('../../dist/desktop/virtual/mutter-virtual.js', import.meta.url).href)};
      const backend = new MutterVirtualBackend({ desktop: { sessionBusAddress: process.env.DBUS_SESSION_BUS_ADDRESS } });
      const display = await backend.create({ mode: 'virtual', width: 800, height: 600, fps: 30, label: 'child' });
      console.log(display.desktop.input.outputName);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...gnome.env, XDG_RUNTIME_DIR: gnome.runtimeDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const connector = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`the child exited (${code})`)));
      });
      expect((await mutterMonitors(bus, 2_000)).map((m) => m.connector)).toContain(connector);
      child.kill('SIGKILL');
      const gone = async () => !(await mutterMonitors(bus, 2_000)).some((m) => m.connector === connector);
      expect(await eventually(gone)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the DesktopOpener in virtual mode picks mutter on GNOME (auto) and opens the display through it', async () => {
    const lines: string[] = [];
    const desktop = loadDesktopConfig({
      PUNKTFUNK_DISPLAY_MODE: 'virtual',
      PUNKTFUNK_VIRTUAL_BACKEND: 'auto',
      DBUS_SESSION_BUS_ADDRESS: gnome.env.DBUS_SESSION_BUS_ADDRESS ?? '',
      WAYLAND_DISPLAY: gnome.waylandDisplay,
      XDG_RUNTIME_DIR: gnome.runtimeDir,
    });
    const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-mutter-virtual-'));
    const opener = new DesktopOpener({ desktop, configDir, log: (line) => lines.push(line) });
    const opened = await opener.open(request(1280, 800, 60));
    try {
      expect(lines).toContain("virtual display: auto picked mutter (GNOME's screen-cast API answers)");
      expect(opened).toMatchObject({
        backend: 'mutter',
        size: { width: 1280, height: 800 },
        spec: { source: 'pipewire', fixedSize: { width: 1280, height: 800 }, maxFps: 60 },
        appEnvironment: { WAYLAND_DISPLAY: 'wayland-0', XDG_RUNTIME_DIR: gnome.runtimeDir },
        displayInfo: { mode: 'virtual', backend: 'mutter', width: 1280, height: 800 },
      });
      expect(opener.status()).toMatchObject({ backend: 'mutter', size: { width: 1280, height: 800 } });
    } finally {
      await opened.close();
    }
  });

  it('two displays at once are two monitors, each found as its own', async () => {
    const backend = backendFor(gnome);
    const [a, b] = await Promise.all([
      backend.create(request(640, 360, 30)),
      backend.create(request(800, 600, 30)),
    ]);
    try {
      const connectors = [a, b].map((d) =>
        d.desktop.input.kind === 'mutter' ? d.desktop.input.outputName : '',
      );
      expect(new Set(connectors).size).toBe(2);
      const monitors = await mutterMonitors(bus, 2_000);
      expect(monitors.find((m) => m.connector === connectors[0])?.mode).toMatchObject({
        width: 640,
        height: 360,
      });
      expect(monitors.find((m) => m.connector === connectors[1])?.mode).toMatchObject({
        width: 800,
        height: 600,
      });
    } finally {
      await a.desktop.close();
      await b.desktop.close();
    }
  });
});

const at = (x: number, y: number) => (e: { type: string; x?: number; y?: number }) =>
  (e.type === 'motion' || e.type === 'enter') && e.x === x && e.y === y;

/**
 * Moves a session's pointer to (x, y) of its stream until its window reports
 * exactly that point. Right after a monitor was added and the layout moved,
 * Mutter has once mapped the first call elsewhere on the same monitor
 * ((21,23) arrived at (7.4,13.0)); the next call lands exactly.
 */
async function moveUntilThere(
  s: { pointer: Pick<MutterRemoteInput, 'pointerAbsolute'>; window: WlTestWindow },
  x: number,
  y: number,
): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await s.pointer.pointerAbsolute(x, y);
    try {
      await s.window.waitFor(at(x, y), 300);
      return;
    } catch {
      // Not there yet: again.
    }
  }
  throw new Error(`the pointer never reached (${x},${y}) of the window`);
}

describe('two GNOME virtual monitors, two apps', () => {
  it("each session's app opens on its own monitor, and each session's pointer reaches only its own app", async () => {
    const gnome = await startHeadlessGnome(1280, 720);
    const opened: { close(): Promise<void> }[] = [];
    try {
      process.env.XDG_RUNTIME_DIR = gnome.runtimeDir;
      const backend = backendFor(gnome);
      const sessions = [];
      for (const [width, height] of [
        [800, 600],
        [1024, 768],
      ] as const) {
        const display = await backend.create(request(width, height, 30));
        opened.push(display.desktop);
        // The app of this session, started right after its display (as a launch does).
        const window = await openWlTestWindow(gnome);
        opened.push({ close: () => window.stop() });
        expect(window.ready).toMatchObject({ width, height });
        const capture = openCapture(display.desktop, width, height);
        opened.push({ close: async () => capture.close() });
        capture.capture();
        if (display.desktop.input.kind !== 'mutter') throw new Error('not mutter input');
        sessions.push({ window, pointer: display.desktop.input.input });
      }
      // The remote-desktop keyboard comes into being with the first key: one to set it up.
      await sessions[0]?.pointer.keysym(XK_SHIFT_L, true);
      await sessions[0]?.pointer.keysym(XK_SHIFT_L, false);
      const [a, b] = sessions;
      if (!a || !b) throw new Error('two sessions');
      await moveUntilThere(a, 11, 13);
      await moveUntilThere(b, 21, 23);
      await moveUntilThere(a, 31, 33);
      expect(b.window.events.some(at(11, 13)) || b.window.events.some(at(31, 33))).toBe(false);
      expect(a.window.events.some(at(21, 23))).toBe(false);
      // GNOME has one seat: keys go to the focused window. A session's click
      // (made where its own pointer was, though the other session moved the
      // pointer last) focuses its own app, and its keys then arrive there.
      const keyOf = (keysym: number) => (e: { type: string; keysym?: number; press?: boolean }) =>
        e.type === 'key' && e.keysym === keysym && e.press === true;
      for (const [own, other, keysym] of [
        [a, b, XK_A],
        [b, a, XK_B],
      ] as const) {
        const from = own.window.events.length;
        await own.pointer.pointerButton(BTN_LEFT, true);
        await own.pointer.pointerButton(BTN_LEFT, false);
        const events = own.window.events;
        await own.window.waitFor((e) => e.type === 'button' && e.press && events.indexOf(e) >= from);
        await own.pointer.keysym(keysym, true);
        await own.pointer.keysym(keysym, false);
        await own.window.waitFor(keyOf(keysym));
        expect(other.window.events.some(keyOf(keysym))).toBe(false);
      }
    } finally {
      for (const o of opened.reverse()) await o.close();
      await gnome.stop();
    }
  });
});

describe('GNOME virtual monitor when Mutter goes away', () => {
  it('Mutter killed mid-capture: closedByDesktop resolves with the reason, the capture fails', async () => {
    const gnome = await startHeadlessGnome(1280, 720);
    try {
      process.env.XDG_RUNTIME_DIR = gnome.runtimeDir;
      const display = await backendFor(gnome).create(request(1280, 720, 60));
      const capture = openCapture(display.desktop, 1280, 720);
      try {
        capture.capture();
        const mutter = gnome.children.find((c) => c.spawnargs[0] === 'mutter');
        mutter?.kill('SIGKILL');
        const never = new Promise<string>((resolve) => setTimeout(() => resolve('(not in 10 s)'), 10_000));
        const reason = await Promise.race([display.desktop.closedByDesktop, never]);
        expect(reason).toMatch(/^Meta-\d+: mutter left the session D-Bus \(it quit or crashed\)$/);
        expect(
          await eventually(() => {
            try {
              capture.capture();
              return false;
            } catch {
              return true;
            }
          }),
        ).toBe(true);
      } finally {
        capture.close();
        await display.desktop.close();
      }
    } finally {
      await gnome.stop();
    }
  });

  it('no Mutter on the bus is BACKEND_UNAVAILABLE', async () => {
    const session = await startPrivateSession();
    try {
      const error = await backendFor(session)
        .create(request(1280, 720, 60))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: expect.stringContaining('org.gnome.Mutter'),
      });
    } finally {
      await session.stop();
    }
  });
});
