// Capture through wlroots' screencopy protocol against headless sway
// (pixman renderer, no GPU) in a private session run by an unprivileged
// user, with the Wayland test window fullscreen: the colour quadrants land
// at their places after libx264 + decode, a mode change mid-stream is
// followed (1920x1080 scaled into 1280x720, a 4:3 mode letterboxed), a
// still screen gives repeated frames and a moving one does not, the cursor
// is drawn where the wlroots virtual pointer put it, and a missing socket, a
// compositor that never answers, one without screencopy (headless mutter),
// a missing output and a compositor that goes away are coded errors, never a hang.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type HeadlessSway,
  startHeadlessGnome,
  startHeadlessSway,
} from '../../test-support/src/wayland-desktop.mjs';
import {
  type CaptureOptions,
  FrameCapture,
  fitContentRect,
  NativeError,
  type WlrCaptureOptions,
  WlrInputInjector,
} from '../src/index.js';
import {
  DECODED_TOLERANCE,
  encodeDecode,
  expectQuadrants,
  quadrantCentres,
} from './support/capture-checks.js';
import { errorOf } from './support/native-error.js';
import { bgraAt, expectColour, rgbAt } from './support/pixels.js';
import { openWlTestWindow, type WlTestWindow } from './support/wayland-window.js';
import { QUADRANT_RGB } from './support/x11-display.js';

const OUTPUT = { width: 1280, height: 720 };
// Flat areas survive BT.601 4:2:0 and H.264 at 8 Mb/s within a few code values.
const RAW_TOLERANCE = 2;
// Bounded waits: a test that would hang fails instead.
const TIMEOUT_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sway: HeadlessSway;
let window: WlTestWindow;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  sway = await startHeadlessSway(OUTPUT.width, OUTPUT.height);
  window = await openWlTestWindow(sway);
}, 30_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await window?.stop();
  await sway?.stop();
});

function wlrCapture(wlr: Partial<WlrCaptureOptions> = {}, o: Partial<CaptureOptions> = {}): FrameCapture {
  const c = new FrameCapture({
    source: 'wlr',
    wlr: { display: sway.waylandDisplay, runtimeDir: sway.runtimeDir, timeoutMs: TIMEOUT_MS, ...wlr },
    width: OUTPUT.width,
    height: OUTPUT.height,
    pixelFormat: 'yuv420p',
    ...o,
  });
  cleanups.push(() => c.close());
  return c;
}

function swaymsg(...command: string[]): void {
  execFileSync('swaymsg', ['-s', sway.swaySocket, ...command], { stdio: 'pipe' });
}

/** Captures until `ok` holds after a changed frame (frames arrive asynchronously); fails after `tries`. */
async function captureUntil(c: FrameCapture, ok: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (!c.capture().repeated && ok()) return;
    await sleep(10);
  }
  expect.fail(`no matching frame in ${tries} captures`);
}

/** Sets the output's mode and waits until the fullscreen window has redrawn at it. */
async function setMode(width: number, height: number): Promise<void> {
  window.events.length = 0;
  swaymsg('output', 'HEADLESS-1', 'resolution', `${width}x${height}`);
  await window.waitFor((e) => e.type === 'resized' && e.width === width && e.height === height, 5000);
}

describe('wlroots screencopy capture under headless sway', () => {
  it('captures the output: colours at their places after encode + decode', () => {
    const c = wlrCapture({ output: sway.outputName });
    expect(c.captureMode).toBe(`wlr-screencopy ${sway.outputName} 1280x720 BGRx (damage)`);
    expect([c.sourceWidth, c.sourceHeight]).toEqual([OUTPUT.width, OUTPUT.height]);
    const rgb = encodeDecode(c, 10).rgb;
    expectQuadrants(rgb, OUTPUT.width, 0, 0, OUTPUT.width, OUTPUT.height);
    // The raw grab too, before any conversion.
    const bgra = c.copyBgra();
    for (const q of quadrantCentres(0, 0, OUTPUT.width, OUTPUT.height)) {
      expectColour(bgraAt(bgra, OUTPUT.width, q.x, q.y), q.rgb, RAW_TOLERANCE, `raw ${q.name}`);
    }
  });

  it('follows mode changes: 1920x1080 scaled into 1280x720, then 4:3 letterboxed', async () => {
    const c = wlrCapture();
    try {
      await setMode(1920, 1080);
      await captureUntil(c, () => c.sourceWidth === 1920);
      expect([c.sourceWidth, c.sourceHeight]).toEqual([1920, 1080]);
      expect(c.captureMode).toContain('1920x1080');
      expect(c.contentRect).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
      expectQuadrants(encodeDecode(c, 10).rgb, OUTPUT.width, 0, 0, OUTPUT.width, OUTPUT.height);

      await setMode(1024, 768);
      await captureUntil(c, () => c.sourceWidth === 1024);
      const rect = fitContentRect(1024, 768, OUTPUT.width, OUTPUT.height);
      expect(c.contentRect).toEqual(rect);
      expect(rect.x).toBeGreaterThan(0);
      const rgb = encodeDecode(c, 10).rgb;
      expectQuadrants(rgb, OUTPUT.width, rect.x, rect.y, rect.width, rect.height);
      // The bars beside the picture are black.
      expectColour(
        rgbAt(rgb, OUTPUT.width, rect.x / 2, OUTPUT.height / 2),
        [0, 0, 0],
        DECODED_TOLERANCE,
        'bar',
      );
    } finally {
      await setMode(OUTPUT.width, OUTPUT.height);
    }
  }, 30_000);

  it('a still screen gives repeated frames', async () => {
    const c = wlrCapture();
    expect(c.capture().repeated).toBe(false);
    const repeats: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      repeats.push(c.capture().repeated);
    }
    expect(repeats).toEqual(Array(10).fill(true));
  });

  it('a moving screen does not', async () => {
    await window.stop();
    const animated = await openWlTestWindow(sway, true);
    try {
      const c = wlrCapture();
      let fresh = 0;
      for (let i = 0; i < 20; i++) {
        await sleep(20);
        if (!c.capture().repeated) fresh++;
      }
      // The bar moves every 16 ms: frames keep coming (how many depends on
      // the machine's load, so only "more than the first" is asserted).
      expect(fresh).toBeGreaterThan(1);
    } finally {
      await animated.stop();
      window = await openWlTestWindow(sway);
    }
  }, 30_000);
});

describe('wlroots screencopy: the cursor', () => {
  // sway draws its (software) cursor into the output: a dark arrow with a
  // light outline whose tip is at the pointer. Over the red quadrant, a
  // point inside the arrow is dark.
  const inside = (x: number, y: number) => ({ x: x + 2, y: y + 6 });
  const isDark = (rgb: readonly number[]) => rgb.every((v) => v < 80);

  it('is drawn where the wlroots virtual pointer put it, and follows it', async () => {
    const injector = new WlrInputInjector({ display: sway.waylandDisplay, runtimeDir: sway.runtimeDir });
    cleanups.push(() => injector.close());
    const c = wlrCapture({ cursor: true });
    const at = (p: { x: number; y: number }) => bgraAt(c.copyBgra(), OUTPUT.width, p.x, p.y);
    injector.moveTo(300, 200);
    // A moved cursor is damage: a fresh frame comes although the window is still.
    await captureUntil(c, () => isDark(at(inside(300, 200))));
    injector.moveTo(400, 250);
    await captureUntil(c, () => isDark(at(inside(400, 250))));
    expectColour(at(inside(300, 200)), QUADRANT_RGB.topLeft, RAW_TOLERANCE, 'where the cursor was');
  });
});

describe('wlroots screencopy: errors', () => {
  it('an absent socket is CAPTURE_UNAVAILABLE, naming the path', () => {
    const error = errorOf(() => wlrCapture({ display: 'wayland-77' }));
    expect(error.code).toBe('CAPTURE_UNAVAILABLE');
    expect(error.message).toContain(
      `cannot connect to the Wayland compositor at ${join(sway.runtimeDir, 'wayland-77')}`,
    );
  });

  it('a socket that accepts but never answers is CAPTURE_UNAVAILABLE after timeoutMs, not a hang', async () => {
    const path = join(sway.runtimeDir, 'silent-socket');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      // The addon call is synchronous: the kernel's backlog accepts, nobody reads.
      const error = errorOf(() => wlrCapture({ display: path, timeoutMs: 300 }));
      expect(error.code).toBe('CAPTURE_UNAVAILABLE');
      expect(error.message).toContain('did not answer within 300 ms (the global list)');
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a missing output is CAPTURE_UNAVAILABLE, listing the outputs there are', () => {
    const error = errorOf(() => wlrCapture({ output: 'DP-9' }));
    expect(error.code).toBe('CAPTURE_UNAVAILABLE');
    expect(error.message).toContain(`has no output named DP-9 (outputs: ${sway.outputName})`);
  });

  it('a compositor that goes away mid-stream is CAPTURE_UNAVAILABLE on the next grabs', async () => {
    // A sway of its own, to be stopped. (sway 1.7 keeps a disabled output's
    // global and just sends no frames: that looks like a still screen. A
    // removed output global is an error too, as on newer wlroots.)
    const doomed = await startHeadlessSway(640, 480);
    try {
      const c = wlrCapture({ display: doomed.waylandDisplay, runtimeDir: doomed.runtimeDir });
      expect(c.capture().repeated).toBe(false);
      await doomed.stop();
      let error: NativeError | undefined;
      for (let i = 0; i < 200 && !error; i++) {
        await sleep(10);
        try {
          c.capture();
        } catch (e) {
          if (!(e instanceof NativeError)) throw e;
          error = e;
        }
      }
      expect(error?.code).toBe('CAPTURE_UNAVAILABLE');
      expect(error?.message).toContain(
        `lost the Wayland compositor at ${join(doomed.runtimeDir, doomed.waylandDisplay)}`,
      );
    } finally {
      await doomed.stop();
    }
  }, 40_000);

  it('options are checked in TypeScript', () => {
    const base = { width: 64, height: 64, pixelFormat: 'yuv420p' } as const;
    const invalid = (o: Partial<CaptureOptions>) => errorOf(() => new FrameCapture({ ...base, ...o }));
    expect(invalid({ source: 'wlr' }).message).toContain("source 'wlr' needs wlr: { display }");
    expect(invalid({ source: 'x11', wlr: { display: 'wayland-1' } }).message).toContain(
      "wlr applies to source 'wlr' only",
    );
    expect(
      invalid({ source: 'wlr', wlr: { display: 'wayland-1', runtimeDir: 'relative' } }).message,
    ).toContain('must be an absolute path');
    expect(invalid({ source: 'wlr', wlr: { display: '' } }).code).toBe('INVALID_ARGUMENT');
    expect(invalid({ source: 'wlr', wlr: { display: '/x', timeoutMs: 0 } }).message).toMatch(
      /wlr\.timeoutMs/,
    );
    expect(
      invalid({ source: 'wlr', wlr: { display: '/x', cursor: 'yes' as unknown as boolean } }).message,
    ).toMatch(/wlr\.cursor must be a boolean/);
  });
});

describe('wlroots screencopy under headless mutter (not wlroots)', () => {
  it('is CAPTURE_UNAVAILABLE: no screencopy manager', async () => {
    const mutter = await startHeadlessGnome(OUTPUT.width, OUTPUT.height);
    try {
      const error = errorOf(() =>
        wlrCapture({ display: mutter.waylandDisplay, runtimeDir: mutter.runtimeDir }),
      );
      expect(error.code).toBe('CAPTURE_UNAVAILABLE');
      expect(error.message).toContain('offers no zwlr_screencopy_manager_v1 (not wlroots?)');
    } finally {
      await mutter.stop();
    }
  }, 40_000);
});
