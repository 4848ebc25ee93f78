// Virtual displays from the sway backend, on headless sway (run as the test
// user; this process, root, uses its sockets): each session gets a headless
// output at exactly its mode, focused so the app opens there; wl_test_window
// (fullscreen on it) shows its quadrants to the edges after screencopy, a
// real encode and decode; the stream's pointer lands at the same pixel of
// that output (not of the desktop's own); a mode out of range is refused
// with no output made; an output disabled mid-session ends it with the
// reason; a closed session's output is disabled (sway 1.7 cannot destroy
// it) and reused by the next session.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameCapture } from '@punktfunk/native';
import type { InputEvent } from '@punktfunk/protocol';
import { type HeadlessSway, startHeadlessSway } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDecode } from '../../../../packages/native/test/support/capture-checks.js';
import { expectColour, rgbAt } from '../../../../packages/native/test/support/pixels.js';
import {
  openWlTestWindow,
  type WlTestWindowEvent,
} from '../../../../packages/native/test/support/wayland-window.js';
import { QUADRANT_RGB } from '../../../../packages/native/test/support/x11-display.js';
import { loadDesktopConfig } from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import type { OpenedDesktop } from '../../src/desktop/desktop-source.js';
import { InputRouter } from '../../src/input/input-router.js';

let sway: HeadlessSway;
beforeAll(async () => {
  sway = await startHeadlessSway(1280, 720);
}, 30_000);
afterAll(() => sway?.stop());

function opener(extra: Record<string, string> = {}, lines: string[] = []): DesktopOpener {
  const desktop = loadDesktopConfig({
    WAYLAND_DISPLAY: sway.waylandDisplay,
    XDG_RUNTIME_DIR: sway.runtimeDir,
    DBUS_SESSION_BUS_ADDRESS: String(sway.env.DBUS_SESSION_BUS_ADDRESS),
    SWAYSOCK: sway.swaySocket,
    PUNKTFUNK_DISPLAY_MODE: 'virtual',
    PUNKTFUNK_VIRTUAL_BACKEND: 'sway',
    ...extra,
  });
  const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-virtual-'));
  return new DesktopOpener({ desktop, configDir, log: (line) => lines.push(line) });
}

const virtual = (width: number, height: number, fps = 60) =>
  ({ mode: 'virtual', width, height, fps, label: `test ${width}x${height}` }) as const;

interface Output {
  name: string;
  active: boolean;
  focused: boolean;
  current_mode?: { width: number; height: number; refresh: number };
}

function outputs(): Output[] {
  const run = spawnSync('swaymsg', ['-s', sway.swaySocket, '-r', '-t', 'get_outputs'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`swaymsg: ${run.stderr}`);
  return JSON.parse(run.stdout) as Output[];
}

function outputOf(opened: OpenedDesktop): string {
  if (opened.spec.source !== 'wlr' || !opened.spec.output) throw new Error('not a wlr output');
  return opened.spec.output;
}

function router(opened: OpenedDesktop, width: number, height: number) {
  const input = new InputRouter({ target: opened.input, stream: { width, height }, log: () => {} });
  const move = (x: number, y: number): InputEvent => ({
    kind: 'mouse-move-absolute',
    x,
    y,
    referenceWidth: width,
    referenceHeight: height,
  });
  return { input, moveTo: (x: number, y: number) => input.handle(move(x, y)) };
}

function expectQuadrantsToTheEdges(rgb: Buffer, width: number, height: number): void {
  const tolerance = 24;
  const at = (x: number, y: number) => rgbAt(rgb, width, x, y);
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  expectColour(at(2, 2), topLeft, tolerance, 'top left corner');
  expectColour(at(width - 3, 2), topRight, tolerance, 'top right corner');
  expectColour(at(2, height - 3), bottomLeft, tolerance, 'bottom left corner');
  expectColour(at(width - 3, height - 3), bottomRight, tolerance, 'bottom right corner');
  expectColour(at(width / 2 - 3, height / 2 - 3), topLeft, tolerance, 'left of the middle, above');
  expectColour(at(width / 2 + 2, height / 2 - 3), topRight, tolerance, 'right of the middle, above');
  expectColour(at(width / 2 - 3, height / 2 + 2), bottomLeft, tolerance, 'left of the middle, below');
  expectColour(at(width / 2 + 2, height / 2 + 2), bottomRight, tolerance, 'right of the middle, below');
}

const BTN_LEFT = 0x110;
const isPointerAt = (x: number, y: number) => (e: WlTestWindowEvent) =>
  (e.type === 'motion' || e.type === 'enter') && e.x === x && e.y === y;

describe('virtual displays: sway headless outputs', () => {
  for (const [width, height] of [
    [1920, 1080],
    [1280, 800],
  ] as const) {
    it(`a ${width}x${height} session gets a headless output of exactly that mode, captured 1:1 to the edges; the pointer lands 1:1`, async () => {
      const lines: string[] = [];
      const desktops = opener({}, lines);
      const opened = await desktops.open(virtual(width, height));
      const name = outputOf(opened);
      try {
        expect(name).not.toBe(sway.outputName);
        const mode = `${width}x${height}@60`;
        expect(opened).toMatchObject({
          backend: 'wlr',
          description: `sway ${name} ${mode} (screencopy)`,
          size: { width, height },
          spec: { source: 'wlr', display: sway.waylandDisplay, runtimeDir: sway.runtimeDir, output: name },
          input: { kind: 'wlr', waylandDisplay: sway.waylandDisplay, output: name },
          appEnvironment: {
            WAYLAND_DISPLAY: sway.waylandDisplay,
            XDG_RUNTIME_DIR: sway.runtimeDir,
            SWAYSOCK: sway.swaySocket,
          },
          displayInfo: {
            mode: 'virtual',
            backend: 'sway',
            width,
            height,
            description: `sway ${name} ${mode}`,
          },
        });
        expect(lines).toEqual([`virtual display: sway ${name} ${mode} for test ${width}x${height}`]);
        expect(desktops.status()).toMatchObject({
          backend: 'sway',
          size: { width, height },
          inputInjector: 'wlr',
        });
        expect(outputs().find((o) => o.name === name)).toMatchObject({
          active: true,
          current_mode: { width, height, refresh: 60_000 },
        });
        // The app opens on the session's output (focused when it was made), fullscreen there.
        const window = await openWlTestWindow(sway);
        const { input, moveTo } = router(opened, width, height);
        try {
          expect(window.ready).toMatchObject({ width, height });
          // The stream's (x, y) is the window's (x, y): the pointer maps onto this output, not the first.
          moveTo(width - 100, height - 50);
          await window.waitFor(isPointerAt(width - 100, height - 50));
          moveTo(17, 3);
          await window.waitFor(isPointerAt(17, 3));
          input.handle({ kind: 'mouse-button', button: 'left', down: true });
          input.handle({ kind: 'mouse-button', button: 'left', down: false });
          await window.waitFor((e) => e.type === 'button' && e.button === BTN_LEFT && !e.press);
          // The cursor out of the middle, where the quadrants meet.
          moveTo(width / 4, height / 4);
          await window.waitFor(isPointerAt(width / 4, height / 4));
          const capture = new FrameCapture({
            source: 'wlr',
            wlr: { display: sway.waylandDisplay, runtimeDir: sway.runtimeDir, output: name },
            width,
            height,
            pixelFormat: 'yuv420p',
          });
          try {
            expect(capture.captureMode).toBe(`wlr-screencopy ${name} ${width}x${height} BGRx (damage)`);
            const { rgb } = encodeDecode(capture, 4);
            expectQuadrantsToTheEdges(rgb, width, height);
          } finally {
            capture.close();
          }
        } finally {
          input.close();
          await window.stop();
        }
      } finally {
        await opened.close();
      }
      // The desktop's output has the focus again: new windows open where they can be seen.
      expect(outputs().find((o) => o.focused)?.name).toBe(sway.outputName);
    });
  }

  it("a closed session's output is unplugged, or (sway 1.7) reused by the next session at its own mode", async () => {
    const desktops = opener();
    const first = await desktops.open(virtual(640, 360));
    const count = outputs().length;
    await first.close();
    const second = await desktops.open(virtual(800, 600, 30));
    try {
      expect(outputs()).toHaveLength(count);
      expect(outputs().find((o) => o.name === outputOf(second))).toMatchObject({
        active: true,
        current_mode: { width: 800, height: 600, refresh: 30_000 },
      });
    } finally {
      await second.close();
    }
  });

  it('100000x1 is MODE_UNSUPPORTED and makes no output', async () => {
    const before = outputs();
    await expect(opener().open(virtual(100000, 1))).rejects.toMatchObject({
      code: 'MODE_UNSUPPORTED',
      message:
        'sway cannot make a 100000x1@60 display: the width must be a whole number of pixels in 64..8192',
    });
    expect(outputs()).toEqual(before);
  });

  it('auto without GNOME picks sway because its IPC answers, and says why', async () => {
    const lines: string[] = [];
    const opened = await opener({ PUNKTFUNK_VIRTUAL_BACKEND: 'auto' }, lines).open(virtual(640, 360));
    await opened.close();
    expect(lines[0]).toMatch(
      /^virtual display: auto picked sway \(GNOME's screen-cast API does not answer \(/,
    );
    expect(lines[0]).toContain(`sway's IPC answers at ${sway.swaySocket})`);
  });

  it('without sway (or its Wayland socket), sway is BACKEND_UNAVAILABLE and auto falls back to xvfb', async () => {
    const missing = join(tmpdir(), 'no-such-sway.sock');
    await expect(opener({ SWAYSOCK: missing }).open(virtual(640, 360))).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringContaining(`cannot reach sway's IPC at ${missing}`),
    });
    await expect(opener({ WAYLAND_DISPLAY: '' }).open(virtual(640, 360))).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringContaining("the sway backend needs sway's Wayland socket: WAYLAND_DISPLAY"),
    });
    const lines: string[] = [];
    const opened = await opener({ SWAYSOCK: missing, PUNKTFUNK_VIRTUAL_BACKEND: 'auto' }, lines).open(
      virtual(640, 360),
    );
    await opened.close();
    expect(opened.displayInfo?.backend).toBe('xvfb');
    expect(lines[0]).toMatch(
      /^virtual display: auto picked xvfb \(.*no sway IPC \(cannot reach sway's IPC at/,
    );
  });

  // Last: sway goes away.
  it('sway exiting mid-session ends it with the reason', async () => {
    const opened = await opener().open(virtual(640, 360));
    const swayProcess = sway.children.find((child) => child.spawnargs[0] === 'sway');
    swayProcess?.kill('SIGTERM');
    expect(await opened.closedByDesktop).toMatch(
      /^the virtual display's compositor went away \(sway's IPC at .* closed/,
    );
    await opened.close();
  });
});
