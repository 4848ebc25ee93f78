// X11 desktop capture against a private Xvfb per test: the picture lands where
// the test window is (raw, and after libx264 + decode), the cursor is drawn
// where xdotool put it, a still screen yields repeated frames, other display
// sizes are scaled with the aspect ratio kept, and an absent display is a
// coded error, not a crash.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CaptureOptions,
  FrameCapture,
  fitContentRect,
  NativeError,
  probeX11Display,
} from '../src/index.js';
import { DECODED_TOLERANCE, encodeDecode, quadrantCentres } from './support/capture-checks.js';
import { BLACK, bgraAt, expectColour, rgbAt } from './support/pixels.js';
import { openTestWindow, QUADRANT_RGB, startXvfb, type XvfbDisplay, xdotool } from './support/x11-display.js';

// Flat areas survive BT.601 4:2:0 and H.264 at 8 Mb/s within a few code values.
const RAW_TOLERANCE = 2;
const CURSOR_BOX_PX = 16;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function display(width: number, height: number): Promise<XvfbDisplay> {
  const d = await startXvfb(width, height);
  cleanups.push(() => d.stop());
  return d;
}

async function testWindow(
  d: XvfbDisplay,
  x: number,
  y: number,
  width: number,
  height: number,
  animate = false,
) {
  const w = await openTestWindow(d.name, { x, y, width, height, animate });
  cleanups.push(() => w.stop());
  return w;
}

/** An Xvfb with extra server arguments (startXvfb takes none): another depth, an extension off. */
async function customDisplay(
  width: number,
  height: number,
  depth: number,
  extra: string[],
): Promise<XvfbDisplay> {
  for (let n = 200 + Math.floor(Math.random() * 50); n < 300; n++) {
    if (existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const screen = `${width}x${height}x${depth}`;
    const server = spawn('Xvfb', [`:${n}`, '-screen', '0', screen, '-nolisten', 'tcp', ...extra], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    const stop = async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill();
      await exited;
    };
    cleanups.push(stop);
    for (let i = 0; i < 250 && server.exitCode === null; i++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) return { name: `:${n}`, width, height, stop };
      await sleep(20);
    }
  }
  throw new Error('no free X display number for Xvfb');
}

function x11Capture(d: XvfbDisplay, o: Partial<CaptureOptions> = {}): FrameCapture {
  const c = new FrameCapture({
    source: 'x11',
    display: d.name,
    width: d.width,
    height: d.height,
    pixelFormat: 'yuv420p',
    ...o,
  });
  cleanups.push(() => c.close());
  return c;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Captures until a frame is not repeated (input reaches the server asynchronously); fails after `tries`. */
async function captureChanged(c: FrameCapture, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (!c.capture().repeated) return;
    await sleep(10);
  }
  expect.fail(`no changed frame in ${tries} captures`);
}

/** How many pixels in the box around (x, y) differ between two packed BGRA frames. */
function differingPixels(a: Buffer, b: Buffer, width: number, height: number, x: number, y: number): number {
  let count = 0;
  for (let py = Math.max(0, y - CURSOR_BOX_PX); py < Math.min(height, y + CURSOR_BOX_PX); py++) {
    for (let px = Math.max(0, x - CURSOR_BOX_PX); px < Math.min(width, x + CURSOR_BOX_PX); px++) {
      const i = (py * width + px) * 4;
      if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) count++;
    }
  }
  return count;
}

describe('X11 capture: the picture', () => {
  it('grabs the test window at its place on the black root, 1:1, through MIT-SHM', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 200, 120, 640, 480);
    const c = x11Capture(d, { cursor: false });
    expect([c.captureMode, c.sourceWidth, c.sourceHeight]).toEqual(['shm', 1280, 720]);
    expect(c.contentRect).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(c.capture().repeated).toBe(false);
    const bgra = c.copyBgra();
    expect(bgra.length).toBe(1280 * 720 * 4);
    for (const q of quadrantCentres(200, 120, 640, 480)) {
      expectColour(bgraAt(bgra, 1280, q.x, q.y), q.rgb, RAW_TOLERANCE, q.name);
    }
    // The window's own edges, one pixel in and out.
    expectColour(bgraAt(bgra, 1280, 200, 120), QUADRANT_RGB.topLeft, RAW_TOLERANCE, 'window top-left pixel');
    expectColour(bgraAt(bgra, 1280, 199, 120), BLACK, RAW_TOLERANCE, 'left of the window');
    expectColour(
      bgraAt(bgra, 1280, 839, 599),
      QUADRANT_RGB.bottomRight,
      RAW_TOLERANCE,
      'window bottom-right pixel',
    );
    expectColour(bgraAt(bgra, 1280, 840, 599), BLACK, RAW_TOLERANCE, 'right of the window');
    const rootPoints: [number, number][] = [
      [50, 50],
      [1230, 50],
      [50, 670],
      [1230, 670],
    ];
    for (const [x, y] of rootPoints) {
      expectColour(bgraAt(bgra, 1280, x, y), BLACK, RAW_TOLERANCE, `root at ${x},${y}`);
    }
  });

  it('the same quadrants at the same places after libx264 and the decoder', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 200, 120, 640, 480);
    const c = x11Capture(d, { cursor: false });
    // Frame 2 onwards is repeated (a still screen): the encoder gets the kept picture.
    const { rgb, decoded, repeated } = encodeDecode(c, 3);
    expect(decoded).toBe(3);
    expect(repeated).toBe(2);
    for (const q of quadrantCentres(200, 120, 640, 480)) {
      expectColour(rgbAt(rgb, 1280, q.x, q.y), q.rgb, DECODED_TOLERANCE, `decoded ${q.name}`);
    }
    expectColour(rgbAt(rgb, 1280, 100, 60), BLACK, DECODED_TOLERANCE, 'decoded root');
  });
});

describe('X11 capture: the cursor', () => {
  it('is drawn where xdotool put the pointer, and follows it', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 200, 120, 640, 480);
    const withCursor = x11Capture(d);
    const without = x11Capture(d, { cursor: false });
    const shot = async (x: number, y: number) => {
      xdotool(d.name, 'mousemove', String(x), String(y));
      await captureChanged(withCursor);
      without.capture();
      return { drawn: withCursor.copyBgra(), plain: without.copyBgra() };
    };
    const first = await shot(400, 300);
    expect(differingPixels(first.drawn, first.plain, 1280, 720, 400, 300)).toBeGreaterThan(20);
    // Away from the pointer the two captures are the same picture.
    expect(differingPixels(first.drawn, first.plain, 1280, 720, 1000, 650)).toBe(0);

    const second = await shot(1000, 650);
    expect(differingPixels(second.drawn, second.plain, 1280, 720, 1000, 650)).toBeGreaterThan(20);
    expect(differingPixels(second.drawn, second.plain, 1280, 720, 400, 300)).toBe(0);
  });

  it('is clipped at the screen edge without harm', async () => {
    const d = await display(640, 480);
    const c = x11Capture(d);
    xdotool(d.name, 'mousemove', '639', '479');
    await captureChanged(c);
    const plain = x11Capture(d, { cursor: false });
    plain.capture();
    expect(differingPixels(c.copyBgra(), plain.copyBgra(), 640, 480, 639, 479)).toBeGreaterThan(0);
  });
});

describe('X11 capture: damage', () => {
  it('a still screen yields repeated frames; pointer motion a fresh one', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 200, 120, 640, 480);
    const c = x11Capture(d);
    expect(c.capture().repeated).toBe(false);
    const still = [];
    for (let i = 0; i < 5; i++) {
      await sleep(20);
      still.push(c.capture());
    }
    expect(still.map((t) => t.repeated)).toEqual([true, true, true, true, true]);
    // Not converted at all, so no time in it (a count of skipped work, not a timing).
    expect(still.every((t) => t.convertUs === 0)).toBe(true);
    // The kept frame is still the picture.
    expectColour(bgraAt(c.copyBgra(), 1280, 360, 240), QUADRANT_RGB.topLeft, RAW_TOLERANCE, 'kept frame');

    xdotool(d.name, 'mousemove', '700', '500');
    await captureChanged(c);
    expect(c.capture().repeated).toBe(true);
  });

  it('without the cursor, pointer motion changes nothing', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 200, 120, 640, 480);
    const c = x11Capture(d, { cursor: false });
    c.capture();
    xdotool(d.name, 'mousemove', '700', '500');
    await sleep(50);
    expect([c.capture().repeated, c.capture().repeated]).toEqual([true, true]);
  });

  it('an animated window yields changed frames', async () => {
    const d = await display(1280, 720);
    await testWindow(d, 0, 0, 1280, 720, true);
    const c = x11Capture(d, { cursor: false });
    c.capture();
    const repeated: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      // Several of the window's 16 ms redraws fall in each gap.
      await sleep(50);
      repeated.push(c.capture().repeated);
    }
    expect(repeated.filter((r) => !r).length).toBeGreaterThanOrEqual(8);
  });
});

describe('X11 capture: another display size', () => {
  it('1920x1080 into 1280x720: the quadrants at the scaled places', async () => {
    const d = await display(1920, 1080);
    await testWindow(d, 480, 270, 960, 540);
    const c = x11Capture(d, { width: 1280, height: 720, cursor: false });
    expect([c.sourceWidth, c.sourceHeight, c.width, c.height]).toEqual([1920, 1080, 1280, 720]);
    expect(c.contentRect).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    // copyBgra is the source picture, full size.
    expect(c.copyBgra().length).toBe(1920 * 1080 * 4);
    const { rgb } = encodeDecode(c, 2);
    // The window scales by 2/3: (320, 180) 640x360 in the output.
    for (const q of quadrantCentres(320, 180, 640, 360)) {
      expectColour(rgbAt(rgb, 1280, q.x, q.y), q.rgb, DECODED_TOLERANCE, `scaled ${q.name}`);
    }
    expectColour(rgbAt(rgb, 1280, 160, 90), BLACK, DECODED_TOLERANCE, 'scaled root');
    expectColour(rgbAt(rgb, 1280, 1120, 630), BLACK, DECODED_TOLERANCE, 'scaled root');
  });

  it('1280x1024 into 1280x720: pillarboxed, black bars, contentRect as the formula says', async () => {
    const d = await display(1280, 1024);
    await testWindow(d, 0, 0, 1280, 1024);
    const c = x11Capture(d, { width: 1280, height: 720, cursor: false });
    const rect = { x: 190, y: 0, width: 900, height: 720 };
    expect(c.contentRect).toEqual(rect);
    expect(fitContentRect(1280, 1024, 1280, 720)).toEqual(rect);
    const { rgb } = encodeDecode(c, 2);
    for (const q of quadrantCentres(rect.x, rect.y, rect.width, rect.height)) {
      expectColour(rgbAt(rgb, 1280, q.x, q.y), q.rgb, DECODED_TOLERANCE, `pillarboxed ${q.name}`);
    }
    for (const y of [20, 360, 700]) {
      expectColour(rgbAt(rgb, 1280, 95, y), BLACK, DECODED_TOLERANCE, `left bar at y ${y}`);
      expectColour(rgbAt(rgb, 1280, 1185, y), BLACK, DECODED_TOLERANCE, `right bar at y ${y}`);
    }
    // The content's edges are where the rectangle says, within the codec's blur.
    expectColour(rgbAt(rgb, 1280, 180, 180), BLACK, DECODED_TOLERANCE, 'just left of the content');
    expectColour(
      rgbAt(rgb, 1280, 200, 180),
      QUADRANT_RGB.topLeft,
      DECODED_TOLERANCE,
      'just inside the content',
    );
    expectColour(
      rgbAt(rgb, 1280, 1080, 540),
      QUADRANT_RGB.bottomRight,
      DECODED_TOLERANCE,
      'inside the right edge',
    );
    expectColour(rgbAt(rgb, 1280, 1100, 540), BLACK, DECODED_TOLERANCE, 'just right of the content');
  });

  it('fitContentRect: letterbox, pillarbox and 1:1, all even', () => {
    expect(fitContentRect(1920, 1080, 1280, 720)).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(fitContentRect(1280, 1024, 1280, 720)).toEqual({ x: 190, y: 0, width: 900, height: 720 });
    expect(fitContentRect(2560, 1080, 1920, 1080)).toEqual({ x: 0, y: 134, width: 1920, height: 810 });
    expect(fitContentRect(1366, 768, 1280, 720)).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(fitContentRect(800, 600, 1920, 1080)).toEqual({ x: 240, y: 0, width: 1440, height: 1080 });
  });
});

describe('X11 capture: displays that are not there', () => {
  it('an unreachable display is CAPTURE_UNAVAILABLE naming it; the probe says why', () => {
    let error: unknown;
    try {
      new FrameCapture({ source: 'x11', display: ':1999', width: 1280, height: 720, pixelFormat: 'yuv420p' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeError);
    expect((error as NativeError).code).toBe('CAPTURE_UNAVAILABLE');
    expect((error as NativeError).message).toContain(':1999');

    const probe = probeX11Display(':1999');
    expect(probe).toMatchObject({ reachable: false, width: 0, height: 0, shm: false });
    expect(probe.reason).toMatch(/^cannot open display :1999 \(.+\)$/);
  });

  it('the probe of a live display: reachable, its size, MIT-SHM', async () => {
    const d = await display(1280, 1024);
    expect(probeX11Display(d.name)).toEqual({
      reachable: true,
      width: 1280,
      height: 1024,
      shm: true,
      reason: '',
    });
  });

  it('a server without MIT-SHM is captured through GetImage, same picture', async () => {
    const d = await customDisplay(1280, 720, 24, ['-extension', 'MIT-SHM']);
    expect(probeX11Display(d.name)).toEqual({
      reachable: true,
      width: 1280,
      height: 720,
      shm: false,
      reason: '',
    });
    await testWindow(d, 200, 120, 640, 480);
    const c = x11Capture(d);
    expect(c.captureMode).toBe('get-image');
    c.capture();
    const bgra = c.copyBgra();
    for (const q of quadrantCentres(200, 120, 640, 480)) {
      expectColour(bgraAt(bgra, 1280, q.x, q.y), q.rgb, RAW_TOLERANCE, `GetImage ${q.name}`);
    }
    expect(c.capture().repeated).toBe(true);
  });

  it('a 16-bit display is refused with a clear reason', async () => {
    const d = await customDisplay(640, 480, 16, []);
    const probe = probeX11Display(d.name);
    expect(probe.reachable).toBe(false);
    expect(probe.reason).toMatch(/depth 16 .* only 24\/32-bit BGRX desktops/);
    expect(() => x11Capture(d)).toThrow(expect.objectContaining({ code: 'CAPTURE_UNAVAILABLE' }));
  });

  it('a display lost mid-stream is CAPTURE_UNAVAILABLE, not a crash', async () => {
    const d = await display(640, 480);
    const c = x11Capture(d);
    c.capture();
    await d.stop();
    expect(() => c.capture()).toThrow(expect.objectContaining({ code: 'CAPTURE_UNAVAILABLE' }));
    expect(() => c.capture()).toThrow(/lost the X display/);
  });

  it('options are checked before any native call', () => {
    const base = { width: 1280, height: 720, pixelFormat: 'yuv420p' } as const;
    const bad: [Partial<CaptureOptions>, RegExp][] = [
      [{ source: 'synthetic', display: ':0' }, /display and cursor apply to source 'x11' only/],
      [{ source: 'x11', display: 'zero' }, /display must look like ':0'/],
      [{ source: 'x11', display: 0 as unknown as string }, /display must be a string/],
      [{ source: 'x11', cursor: 'yes' as unknown as boolean }, /cursor must be a boolean/],
      [{ source: 'wayland' as 'x11' }, /source must be one of synthetic, x11/],
    ];
    for (const [o, message] of bad) {
      expect(() => new FrameCapture({ ...base, ...o })).toThrow(message);
    }
    expect(() => probeX11Display('zero')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
