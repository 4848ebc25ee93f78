// PipeWire capture against a private pipewire + wireplumber per test and the
// project's test producer (a video source node with known colour quadrants):
// the colours land at their places after libx264 + decode in every byte
// order, a resize mid-stream keeps the picture right with its aspect, the
// cursor sent as metadata is drawn, no new buffer (or empty damage) is a
// repeated frame, and a producer that stops or a node that does not exist
// is a coded error within a bounded time, never a hang.
import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CaptureOptions,
  FrameCapture,
  fitContentRect,
  type PipeWireCaptureOptions,
} from '../src/index.js';
import {
  DECODED_TOLERANCE,
  encodeDecode,
  expectQuadrants,
  quadrantCentres,
} from './support/capture-checks.js';
import { errorOf } from './support/native-error.js';
import {
  type PipeWireDaemon,
  type Producer,
  type ProducerOptions,
  pipewireMissing,
  startPipeWire,
  startProducer,
} from './support/pipewire.js';
import { BLACK, bgraAt, expectColour, rgbAt } from './support/pixels.js';
import { QUADRANT_RGB } from './support/x11-display.js';

// Flat areas survive BT.601 4:2:0 and H.264 at 8 Mb/s within a few code values.
const RAW_TOLERANCE = 2;
// Bounded waits: a test that would hang fails instead.
const STALL_TIMEOUT_MS = 2000;

const missing = pipewireMissing();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function daemon(): Promise<PipeWireDaemon> {
  const d = await startPipeWire();
  cleanups.push(() => d.stop());
  return d;
}

async function producer(d: PipeWireDaemon, o: ProducerOptions): Promise<Producer> {
  const p = await startProducer(d, o);
  cleanups.push(() => p.stop());
  return p;
}

function pipewireCapture(
  pipewire: PipeWireCaptureOptions,
  width: number,
  height: number,
  o: Partial<CaptureOptions> = {},
): FrameCapture {
  const c = new FrameCapture({
    source: 'pipewire',
    pipewire: { stallTimeoutMs: STALL_TIMEOUT_MS, ...pipewire },
    width,
    height,
    pixelFormat: 'yuv420p',
    ...o,
  });
  cleanups.push(() => c.close());
  return c;
}

/** Captures until a frame is not repeated (buffers arrive asynchronously); fails after `tries`. */
async function captureChanged(c: FrameCapture, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (!c.capture().repeated) return;
    await sleep(10);
  }
  expect.fail(`no changed frame in ${tries} captures`);
}

/** Captures until a changed frame's BGRx copy satisfies `ok`; fails after `tries`. */
async function captureUntil(c: FrameCapture, ok: (bgra: Buffer) => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (!c.capture().repeated && ok(c.copyBgra())) return;
    await sleep(10);
  }
  expect.fail(`no matching frame in ${tries} captures`);
}

describe.skipIf(missing !== null)(`PipeWire capture${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('captures a BGRx node by name: colours at their places after encode + decode', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-bgrx', width: 1280, height: 720, format: 'BGRx' });
    const c = pipewireCapture({ nodeName: 'pf-test-bgrx' }, 1280, 720);
    expect([c.sourceWidth, c.sourceHeight]).toEqual([1280, 720]);
    expect(c.contentRect).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(c.capture().repeated).toBe(false);
    expect(c.captureMode).toMatch(
      new RegExp(`^pipewire node ${p.nodeId} 1280x720 BGRx \\((MemFd|MemPtr)\\)$`),
    );
    const raw = c.copyBgra();
    for (const q of quadrantCentres(0, 0, 1280, 720)) {
      expectColour(bgraAt(raw, 1280, q.x, q.y), q.rgb, RAW_TOLERANCE, `raw ${q.name}`);
    }
    expectQuadrants(encodeDecode(c, 10).rgb, 1280, 0, 0, 1280, 720);
  });

  for (const format of ['RGBx', 'xRGB', 'xBGR', 'RGBA'] as const) {
    it(`negotiates ${format} and converts it to the right colours`, async () => {
      const d = await daemon();
      const p = await producer(d, { name: `pf-test-${format}`, width: 640, height: 360, format });
      const c = pipewireCapture({ nodeId: p.nodeId }, 640, 360);
      c.capture();
      expect(c.captureMode).toContain(` 640x360 ${format} (`);
      expectQuadrants(encodeDecode(c, 6).rgb, 640, 0, 0, 640, 360);
    });
  }

  it('maps MemFd buffers the producer allocates itself (as compositors do) and follows their resize', async () => {
    const d = await daemon();
    const p = await producer(d, {
      name: 'pf-test-memfd',
      width: 640,
      height: 360,
      format: 'BGRx',
      memfd: true,
    });
    const c = pipewireCapture({ nodeName: 'pf-test-memfd' }, 640, 360);
    c.capture();
    expect(c.captureMode).toBe(`pipewire node ${p.nodeId} 640x360 BGRx (MemFd)`);
    expectQuadrants(encodeDecode(c, 6).rgb, 640, 0, 0, 640, 360);
    await p.command('resize 320 240');
    for (let i = 0; i < 200 && c.sourceWidth !== 320; i++) {
      c.capture();
      await sleep(10);
    }
    expect(c.captureMode).toBe(`pipewire node ${p.nodeId} 320x240 BGRx (MemFd)`);
    const rect = fitContentRect(320, 240, 640, 360);
    expectQuadrants(encodeDecode(c, 6).rgb, 640, rect.x, rect.y, rect.width, rect.height);
  });

  it('also converts a non-BGRx stream through swscale (scaled) the same way', async () => {
    const d = await daemon();
    await producer(d, { name: 'pf-test-scaled', width: 640, height: 360, format: 'RGBx' });
    const c = pipewireCapture({ nodeName: 'pf-test-scaled' }, 1280, 720, { convertMethod: 'swscale' });
    expectQuadrants(encodeDecode(c, 6).rgb, 1280, 0, 0, 1280, 720);
  });

  it('connects through a PipeWire remote fd plus node id, as the portal and Mutter hand them out', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-fd', width: 640, height: 360, format: 'BGRx' });
    const socket: Socket = createConnection(d.socketPath);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    // Node must not read what the daemon sends on it: the engine speaks on a duplicate.
    socket.pause();
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
    const c = pipewireCapture({ fd, nodeId: p.nodeId }, 640, 360);
    socket.destroy();
    expectQuadrants(encodeDecode(c, 6).rgb, 640, 0, 0, 640, 360);
  });

  it('follows a resize mid-stream: same output size, the new picture fitted with its aspect kept', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-resize', width: 1280, height: 720, format: 'BGRx' });
    const c = pipewireCapture({ nodeName: 'pf-test-resize' }, 1280, 720);
    expectQuadrants(encodeDecode(c, 4).rgb, 1280, 0, 0, 1280, 720);
    await p.command('resize 640 480');
    for (let i = 0; i < 200 && c.sourceWidth !== 640; i++) {
      c.capture();
      await sleep(10);
    }
    expect([c.sourceWidth, c.sourceHeight]).toEqual([640, 480]);
    const rect = fitContentRect(640, 480, 1280, 720);
    expect(c.contentRect).toEqual(rect);
    expect(rect).toEqual({ x: 160, y: 0, width: 960, height: 720 });
    expect(c.captureMode).toContain(' 640x480 BGRx ');
    const rgb = encodeDecode(c, 6).rgb;
    expectQuadrants(rgb, 1280, rect.x, rect.y, rect.width, rect.height);
    expectColour(rgbAt(rgb, 1280, 80, 360), BLACK, DECODED_TOLERANCE, 'left bar');
    expectColour(rgbAt(rgb, 1280, 1200, 360), BLACK, DECODED_TOLERANCE, 'right bar');
  });

  it('reports repeated frames when the producer sends nothing new (no buffer, or empty damage)', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-still', width: 640, height: 360, format: 'BGRx', fps: 60 });
    const c = pipewireCapture({ nodeName: 'pf-test-still' }, 640, 360);
    expect(c.capture().repeated).toBe(false);
    // Still streaming at 60 fps, but every buffer after the first says "no damage".
    await sleep(200);
    expect(c.capture().repeated).toBe(true);
    await p.command('pause');
    await sleep(100);
    expect([c.capture().repeated, c.capture().repeated]).toEqual([true, true]);
    // A resize is a new picture again.
    await p.command('resume');
    await p.command('resize 320 180');
    await captureChanged(c);
    expect(c.sourceWidth).toBe(320);
  });

  it('draws the cursor the producer sends as metadata, and only when asked to', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-cursor', width: 640, height: 360, format: 'BGRx' });
    const c = pipewireCapture({ nodeName: 'pf-test-cursor' }, 640, 360);
    const plain = pipewireCapture({ nodeName: 'pf-test-cursor', cursor: false }, 640, 360);
    c.capture();
    await p.command('cursor 100 80');
    // The 16x16 cursor: white border, black inside, its hotspot at (100, 80).
    // (A second consumer linking may bring a plain picture first: wait for the cursor.)
    await captureUntil(c, (bgra) => bgraAt(bgra, 640, 108, 88)[0] < 16);
    const drawn = c.copyBgra();
    expectColour(bgraAt(drawn, 640, 100, 80), [255, 255, 255], RAW_TOLERANCE, 'cursor border');
    expectColour(bgraAt(drawn, 640, 108, 88), BLACK, RAW_TOLERANCE, 'cursor inside');
    expectColour(bgraAt(drawn, 640, 120, 100), QUADRANT_RGB.topLeft, RAW_TOLERANCE, 'beside the cursor');
    plain.capture();
    expectColour(
      bgraAt(plain.copyBgra(), 640, 108, 88),
      QUADRANT_RGB.topLeft,
      RAW_TOLERANCE,
      'cursor: false',
    );
    // Moving the cursor alone (no new picture: empty damage) is a changed frame.
    await p.command('cursor 300 200');
    await captureUntil(c, (bgra) => bgraAt(bgra, 640, 308, 208)[0] < 16);
    expectColour(bgraAt(c.copyBgra(), 640, 108, 88), QUADRANT_RGB.topLeft, RAW_TOLERANCE, 'old cursor place');
    expectColour(bgraAt(c.copyBgra(), 640, 308, 208), BLACK, RAW_TOLERANCE, 'new cursor place');
  });

  it('a producer that stops makes capture() throw CAPTURE_UNAVAILABLE, not hang', async () => {
    const d = await daemon();
    const p = await producer(d, { name: 'pf-test-stop', width: 640, height: 360, format: 'BGRx' });
    const c = pipewireCapture({ nodeName: 'pf-test-stop' }, 640, 360);
    c.capture();
    await p.command('stop');
    await p.exited;
    let error: ReturnType<typeof errorOf> | null = null;
    for (let i = 0; i < 300 && !error; i++) {
      try {
        c.capture();
        await sleep(10);
      } catch {
        error = errorOf(() => c.capture());
      }
    }
    expect(error?.code).toBe('CAPTURE_UNAVAILABLE');
    expect(error?.message).toMatch(/PipeWire node 'pf-test-stop'.*(removed|disconnected|failed)/);
  });

  it('the daemon going away mid-stream makes capture() throw CAPTURE_UNAVAILABLE, not hang', async () => {
    const d = await daemon();
    await producer(d, { name: 'pf-test-daemon', width: 640, height: 360, format: 'BGRx' });
    const c = pipewireCapture({ nodeName: 'pf-test-daemon' }, 640, 360);
    c.capture();
    await d.stop();
    let error: ReturnType<typeof errorOf> | null = null;
    for (let i = 0; i < 300 && !error; i++) {
      try {
        c.capture();
        await sleep(10);
      } catch {
        error = errorOf(() => c.capture());
      }
    }
    expect(error?.code).toBe('CAPTURE_UNAVAILABLE');
    expect(error?.message).toMatch(
      /PipeWire node 'pf-test-daemon': (the PipeWire daemon went away|the node was removed)/,
    );
  });

  it('fixedSize and maxFps: a node of that size negotiates; one of another size fails, naming the size asked for', async () => {
    const d = await daemon();
    await producer(d, { name: 'pf-test-fixed', width: 1280, height: 720, format: 'BGRx' });
    const same = pipewireCapture(
      { nodeName: 'pf-test-fixed', fixedSize: { width: 1280, height: 720 }, maxFps: 60 },
      1280,
      720,
    );
    expect([same.sourceWidth, same.sourceHeight]).toEqual([1280, 720]);
    same.close();
    const other = { nodeName: 'pf-test-fixed', fixedSize: { width: 640, height: 360 }, maxFps: 30 };
    const e = errorOf(() => pipewireCapture({ ...other, stallTimeoutMs: 500 }, 640, 360));
    expect(e.code).toBe('CAPTURE_UNAVAILABLE');
    // WirePlumber finds no format both take and drops the link (or nothing links: the timeout),
    // or the producer hands over the format its port still has: refused as not the size asked for.
    expect(e.message).toMatch(
      /before a format was agreed \(the node cannot make 640x360@30|not at 640x360@30|gave 1280x720, not the size asked for \(640x360@30\)/,
    );
  });

  it('a node that does not exist is CAPTURE_UNAVAILABLE at once, by name and by id', async () => {
    await daemon();
    const byName = errorOf(() => pipewireCapture({ nodeName: 'no-such-node' }, 640, 360));
    expect(byName.code).toBe('CAPTURE_UNAVAILABLE');
    expect(byName.message).toMatch(/PipeWire node 'no-such-node'.*no node of that name/);
    const byId = errorOf(() => pipewireCapture({ nodeId: 4242 }, 640, 360));
    expect(byId.code).toBe('CAPTURE_UNAVAILABLE');
    expect(byId.message).toMatch(/PipeWire node 4242.*no such node/);
  });

  it('a stream that negotiates and then stalls from the start: the first capture() throws after the stall timeout', async () => {
    const d = await daemon();
    await producer(d, { name: 'pf-test-stall', width: 640, height: 360, format: 'BGRx', paused: true });
    const c = pipewireCapture({ nodeName: 'pf-test-stall', stallTimeoutMs: 500 }, 640, 360);
    const e = errorOf(() => c.capture());
    expect(e.code).toBe('CAPTURE_UNAVAILABLE');
    expect(e.message).toMatch(/no frame within 500 ms of connecting \(the stream stalled\)/);
  });

  it('a node that is not a video source does not hang: CAPTURE_UNAVAILABLE within the stall timeout', async () => {
    await daemon();
    // The daemon's own driver node exists but never offers a video format.
    const e = errorOf(() => pipewireCapture({ nodeName: 'Dummy-Driver', stallTimeoutMs: 500 }, 640, 360));
    expect(e.code).toBe('CAPTURE_UNAVAILABLE');
    // WirePlumber refuses the link (disconnected) or nothing happens (the timeout).
    expect(e.message).toMatch(
      /PipeWire node 'Dummy-Driver': (the PipeWire stream was disconnected|no video format negotiated within 500 ms)/,
    );
  });

  it('no daemon is CAPTURE_UNAVAILABLE naming the cause', async () => {
    const d = await daemon();
    await d.stop();
    const e = errorOf(() => pipewireCapture({ nodeName: 'anything' }, 640, 360));
    expect(e.code).toBe('CAPTURE_UNAVAILABLE');
    expect(e.message).toMatch(/cannot connect to the PipeWire daemon/);
  });
});

describe('PipeWire capture options', () => {
  const base = { width: 640, height: 360, pixelFormat: 'yuv420p' } as const;
  it('refuses what cannot work before any native call', () => {
    const bad: [CaptureOptions, RegExp][] = [
      [{ ...base, source: 'pipewire' }, /needs pipewire/],
      [{ ...base, source: 'pipewire', pipewire: {} }, /exactly one of nodeId and nodeName/],
      [{ ...base, source: 'pipewire', pipewire: { nodeId: 1, nodeName: 'x' } }, /exactly one/],
      [{ ...base, source: 'pipewire', pipewire: { nodeId: -1 } }, /nodeId must be in/],
      [{ ...base, source: 'pipewire', pipewire: { nodeName: '' } }, /nodeName must be a non-empty/],
      [{ ...base, source: 'pipewire', pipewire: { fd: 3, nodeName: 'x' } }, /fd needs a nodeId/],
      [{ ...base, source: 'pipewire', pipewire: { nodeId: 1, stallTimeoutMs: 10 } }, /stallTimeoutMs/],
      // Past 16384 Mutter aborts instead of refusing (docs/desktop.md): never asked.
      [
        { ...base, source: 'pipewire', pipewire: { nodeId: 1, fixedSize: { width: 100_000, height: 2 } } },
        /fixedSize.width must be in 1..16384, got 100000/,
      ],
      [
        { ...base, source: 'pipewire', pipewire: { nodeId: 1, fixedSize: { width: 640, height: 0 } } },
        /fixedSize.height/,
      ],
      [{ ...base, source: 'pipewire', pipewire: { nodeId: 1, maxFps: 0 } }, /maxFps must be in 1..1000/],
      [{ ...base, source: 'x11', pipewire: { nodeId: 1 } }, /pipewire applies to source 'pipewire' only/],
    ];
    for (const [options, message] of bad) {
      const e = errorOf(() => new FrameCapture(options));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(message);
    }
  });
});
