// A punktfunk/1 session on headless GNOME in virtual display mode, end to
// end: the real host makes a GNOME virtual monitor at the client's mode
// (PUNKTFUNK_DISPLAY_MODE=virtual, PUNKTFUNK_VIRTUAL_BACKEND=mutter), a
// fullscreen test window opened during the session lands on it, the client
// decodes that window at the monitor's exact size with its quadrants to the
// edges (1:1, no bars; the client's --last-frame picture), and the monitor is
// gone when the session ends.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newConfigDir, type RunningHost, runClient, startHost, waitForOutput } from '@punktfunk/test-support';
import { type HeadlessGnome, startHeadlessGnome } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectColour, rgbAt } from '../../../../packages/native/test/support/pixels.js';
import {
  openWlTestWindow,
  type WlTestWindow,
} from '../../../../packages/native/test/support/wayland-window.js';
import { QUADRANT_RGB } from '../../../../packages/native/test/support/x11-display.js';
import { mutterMonitors } from '../../src/desktop/wayland/display-config.js';
import { connectSessionBus } from '../../src/desktop/wayland/session-bus.js';

const [WIDTH, HEIGHT, FPS] = [1280, 800, 30];
// After BT.601 4:2:0 and H.264: flat areas within a few code values, the borders a little softer.
const TOLERANCE = 24;

/** The client's --last-frame picture ("P6\nW H\n255\n" and RGB24), checked to be WIDTH x HEIGHT. */
function lastFrameRgb(path: string): Buffer {
  const data = readFileSync(path);
  const header = /^P6\n(\d+) (\d+)\n255\n/.exec(data.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error(`${path} is not a binary PPM`);
  expect([Number(header[1]), Number(header[2])]).toEqual([WIDTH, HEIGHT]);
  return data.subarray(header[0].length);
}

function expectQuadrantsToTheEdges(rgb: Buffer): void {
  const at = (x: number, y: number) => rgbAt(rgb, WIDTH, x, y);
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  const [midX, midY] = [WIDTH / 2, HEIGHT / 2];
  expectColour(at(2, 2), topLeft, TOLERANCE, 'top left corner');
  expectColour(at(WIDTH - 3, 2), topRight, TOLERANCE, 'top right corner');
  expectColour(at(2, HEIGHT - 3), bottomLeft, TOLERANCE, 'bottom left corner');
  expectColour(at(WIDTH - 3, HEIGHT - 3), bottomRight, TOLERANCE, 'bottom right corner');
  // The quadrants meet at the middle pixel (away from the pointer resting there).
  expectColour(at(midX - 3, 20), topLeft, TOLERANCE, 'left of the middle, top');
  expectColour(at(midX + 2, 20), topRight, TOLERANCE, 'right of the middle, top');
  expectColour(at(20, midY - 3), topLeft, TOLERANCE, 'above the middle, left');
  expectColour(at(20, midY + 2), bottomLeft, TOLERANCE, 'below the middle, left');
}

describe('punktfunk/1 on headless GNOME with a virtual monitor per session', () => {
  let gnome: HeadlessGnome;
  let host: RunningHost;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(1280, 720);
    host = await startHost(newConfigDir(), {
      XDG_RUNTIME_DIR: gnome.runtimeDir,
      DBUS_SESSION_BUS_ADDRESS: String(gnome.env.DBUS_SESSION_BUS_ADDRESS),
      WAYLAND_DISPLAY: gnome.waylandDisplay,
      PUNKTFUNK_DISPLAY_MODE: 'virtual',
      PUNKTFUNK_VIRTUAL_BACKEND: 'mutter',
    });
  });
  afterAll(async () => {
    await host?.stop();
    await gnome?.stop();
  });

  it(`a ${WIDTH}x${HEIGHT} client gets a monitor of exactly its mode; the window on it decodes 1:1, to the edges`, async () => {
    const framePath = join(mkdtempSync(join(tmpdir(), 'pf-mutter-virtual-')), 'last.ppm');
    const mode = ['--width', String(WIDTH), '--height', String(HEIGHT), '--fps', String(FPS)];
    const client = runClient(
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(host.nativePort),
        '--seconds',
        '6',
        '--json',
        '--last-frame',
        framePath,
        ...mode,
      ],
      { PUNKTFUNK_CLIENT_DIR: join(host.configDir, 'client') },
    );
    const streaming = new RegExp(
      `native session \\w+: streaming mutter virtual (Meta-\\d+) ${WIDTH}x${HEIGHT}@${FPS} \\(PipeWire node \\d+\\)`,
    );
    const [, connector] = await waitForOutput(host, streaming);
    // The app of the session: opened now, on the monitor at the layout's origin (the session's).
    let window: WlTestWindow | null = await openWlTestWindow(gnome);
    try {
      expect(window.ready).toMatchObject({ width: WIDTH, height: HEIGHT });
      const run = await client;
      expect(run.code, `${run.stderr}\n${host.output().slice(-2500)}`).toBe(0);
      const summary = JSON.parse(run.stdout) as { width: number; height: number; framesDecoded: number };
      expect(summary).toMatchObject({ width: WIDTH, height: HEIGHT });
      expect(summary.framesDecoded).toBeGreaterThan(0);
      // The engine's own word: captured at the stream's size, not scaled.
      expect(host.output()).toMatch(
        new RegExp(`capture: PipeWire ${WIDTH}x${HEIGHT} BGRx \\(\\w+\\), node \\d+, 1:1`),
      );
      expectQuadrantsToTheEdges(lastFrameRgb(framePath));
    } finally {
      await window?.stop();
      window = null;
    }
    // The session ended: its monitor with it.
    const bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
    try {
      const deadline = Date.now() + 10_000;
      let connectors = (await mutterMonitors(bus, 2_000)).map((m) => m.connector);
      while (connectors.includes(connector ?? '') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        connectors = (await mutterMonitors(bus, 2_000)).map((m) => m.connector);
      }
      expect(connectors).toEqual(['Meta-0']);
    } finally {
      bus.disconnect();
    }
  });
});
