// Virtual displays from the xvfb backend, with the real Xvfb: each session
// gets a private Xvfb at exactly its mode, captured 1:1 (the test window
// covering it shows its quadrants to the edges after a real encode and
// decode: no bars, the middle at the middle), input through XTest lands at
// the stream's position, apps get DISPLAY. A mode it cannot make is refused
// before anything starts; an Xvfb killed mid-session says so; close removes
// the display.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameCapture, probeX11Display } from '@punktfunk/native';
import type { InputEvent } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import { encodeDecode } from '../../../../packages/native/test/support/capture-checks.js';
import { expectColour, rgbAt } from '../../../../packages/native/test/support/pixels.js';
import {
  openTestWindow,
  pointerPosition,
  QUADRANT_RGB,
  xdotool,
} from '../../../../packages/native/test/support/x11-display.js';
import { loadDesktopConfig } from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import type { OpenedDesktop } from '../../src/desktop/desktop-source.js';
import { InputRouter } from '../../src/input/input-router.js';

function opener(env: Record<string, string> = {}, lines: string[] = []): DesktopOpener {
  const desktop = loadDesktopConfig({
    PUNKTFUNK_DISPLAY_MODE: 'virtual',
    PUNKTFUNK_VIRTUAL_BACKEND: 'xvfb',
    ...env,
  });
  const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-virtual-'));
  return new DesktopOpener({ desktop, configDir, log: (line) => lines.push(line) });
}

const virtual = (width: number, height: number, fps = 60) =>
  ({ mode: 'virtual', width, height, fps, label: `test ${width}x${height}` }) as const;

function displayOf(opened: OpenedDesktop): string {
  if (opened.spec.source !== 'x11') throw new Error(`not an X display: ${opened.spec.source}`);
  return opened.spec.display;
}

/** The Xvfb's pid, as the display's log line says it. */
function xvfbPid(lines: string[]): number {
  const pid = lines.map((line) => /\(pid (\d+)\)$/.exec(line)?.[1]).find(Boolean);
  if (!pid) throw new Error(`no pid in ${JSON.stringify(lines)}`);
  return Number(pid);
}

/** The decoded picture's colour 2 px inside each corner and either side of the middle lines. */
function expectQuadrantsToTheEdges(rgb: Buffer, width: number, height: number): void {
  const tolerance = 24;
  const at = (x: number, y: number) => rgbAt(rgb, width, x, y);
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  expectColour(at(2, 2), topLeft, tolerance, 'top left corner');
  expectColour(at(width - 3, 2), topRight, tolerance, 'top right corner');
  expectColour(at(2, height - 3), bottomLeft, tolerance, 'bottom left corner');
  expectColour(at(width - 3, height - 3), bottomRight, tolerance, 'bottom right corner');
  // 1:1: the quadrants meet at the middle pixel, not a scaled one.
  expectColour(at(width / 2 - 3, height / 2 - 3), topLeft, tolerance, 'left of the middle, above');
  expectColour(at(width / 2 + 2, height / 2 - 3), topRight, tolerance, 'right of the middle, above');
  expectColour(at(width / 2 - 3, height / 2 + 2), bottomLeft, tolerance, 'left of the middle, below');
  expectColour(at(width / 2 + 2, height / 2 + 2), bottomRight, tolerance, 'right of the middle, below');
}

describe('virtual displays: xvfb', () => {
  for (const [width, height] of [
    [1920, 1080],
    [1280, 800],
  ] as const) {
    it(`a ${width}x${height} session gets an Xvfb of exactly that mode, captured 1:1 to the edges`, async () => {
      const lines: string[] = [];
      const desktops = opener({}, lines);
      const opened = await desktops.open(virtual(width, height));
      const display = displayOf(opened);
      try {
        expect(opened).toMatchObject({
          backend: 'x11',
          size: { width, height },
          input: { kind: 'x11', display },
          appEnvironment: { DISPLAY: display },
          displayInfo: {
            mode: 'virtual',
            backend: 'xvfb',
            width,
            height,
            description: `Xvfb ${display} ${width}x${height}@60`,
          },
        });
        expect(opened.description).toBe(`Xvfb ${display} ${width}x${height}@60 (MIT-SHM)`);
        expect(lines).toEqual([
          expect.stringMatching(new RegExp(`^virtual display: Xvfb ${display} .* for test`)),
        ]);
        expect(desktops.status()).toMatchObject({
          backend: 'xvfb',
          size: { width, height },
          inputInjector: 'x11',
        });
        expect(probeX11Display(display)).toMatchObject({ reachable: true, width, height });
        const window = await openTestWindow(display, { x: 0, y: 0, width, height });
        // The cursor starts in the middle, where the quadrants meet: out of the way.
        xdotool(display, 'mousemove', String(width / 4), String(height / 4));
        try {
          const capture = new FrameCapture({ source: 'x11', display, width, height, pixelFormat: 'yuv420p' });
          try {
            expect([capture.sourceWidth, capture.sourceHeight]).toEqual([width, height]);
            const { rgb, decoded } = encodeDecode(capture, 4);
            expect(decoded).toBeGreaterThan(0);
            expectQuadrantsToTheEdges(rgb, width, height);
          } finally {
            capture.close();
          }
        } finally {
          await window.stop();
        }
      } finally {
        await opened.close();
      }
      expect(existsSync(`/tmp/.X11-unix/X${display.slice(1)}`)).toBe(false);
      expect(probeX11Display(display).reachable).toBe(false);
    });
  }

  it("the stream's pointer positions and clicks land at the same pixel of the session's display", async () => {
    const opened = await opener().open(virtual(1280, 800));
    const display = displayOf(opened);
    const router = new InputRouter({
      target: opened.input,
      stream: { width: 1280, height: 800 },
      log: () => {},
    });
    const window = await openTestWindow(display, { x: 0, y: 0, width: 1280, height: 800 });
    try {
      const move = (x: number, y: number): InputEvent => ({
        kind: 'mouse-move-absolute',
        x,
        y,
        referenceWidth: 1280,
        referenceHeight: 800,
      });
      router.handle(move(1000, 700));
      expect(pointerPosition(display)).toEqual({ x: 1000, y: 700 });
      router.handle(move(17, 3));
      expect(pointerPosition(display)).toEqual({ x: 17, y: 3 });
      router.handle({ kind: 'mouse-button', button: 'left', down: true });
      router.handle({ kind: 'mouse-button', button: 'left', down: false });
      expect(await window.waitFor((e) => e.type === 'button' && !e.press)).toMatchObject({
        button: 1,
        x: 17,
        y: 3,
      });
    } finally {
      await window.stop();
      router.close();
      await opened.close();
    }
  });

  it('a mode Xvfb cannot make (100000x1, odd, 0 Hz) is MODE_UNSUPPORTED and starts nothing', async () => {
    const desktops = opener();
    const xServers = () => readdirSync('/tmp/.X11-unix').sort();
    const before = xServers();
    await expect(desktops.open(virtual(100000, 1))).rejects.toMatchObject({
      code: 'MODE_UNSUPPORTED',
      message:
        'xvfb cannot make a 100000x1@60 display: the width must be a whole number of pixels in 64..8192',
    });
    await expect(desktops.open(virtual(1281, 800))).rejects.toMatchObject({
      code: 'MODE_UNSUPPORTED',
      message: 'xvfb cannot make a 1281x800@60 display: the width must be even (the stream is 4:2:0)',
    });
    await expect(desktops.open(virtual(1280, 800, 0))).rejects.toMatchObject({ code: 'MODE_UNSUPPORTED' });
    expect(xServers()).toEqual(before);
    expect(desktops.status().backend).toBeNull();
  });

  it('the start-up line says sessions get a display of their own', () => {
    expect(opener().preview()).toBe('a virtual display per session (xvfb)');
    expect(opener({ PUNKTFUNK_VIRTUAL_BACKEND: 'auto' }).preview()).toBe(
      'a virtual display per session (mutter, sway or xvfb, decided per session)',
    );
  });

  it('a missing Xvfb program is BACKEND_UNAVAILABLE', async () => {
    await expect(
      opener({ PUNKTFUNK_XVFB: '/nonexistent/Xvfb' }).open(virtual(640, 360)),
    ).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringContaining('cannot run Xvfb'),
    });
  });

  it('an Xvfb killed mid-session ends it with the reason; its socket and lock are cleaned up', async () => {
    const lines: string[] = [];
    const opened = await opener({}, lines).open(virtual(640, 360));
    const display = displayOf(opened);
    process.kill(xvfbPid(lines), 'SIGKILL');
    expect(await opened.closedByDesktop).toBe(
      `the virtual display Xvfb ${display} 640x360@60 was killed by SIGKILL`,
    );
    expect(existsSync(`/tmp/.X11-unix/X${display.slice(1)}`)).toBe(false);
    await opened.close();
    expect(probeX11Display(display).reachable).toBe(false);
  });
});
