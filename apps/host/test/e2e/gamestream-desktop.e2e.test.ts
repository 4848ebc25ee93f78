// The real desktop over GameStream, end to end: the host captures a private
// Xvfb display (PUNKTFUNK_CAPTURE=x11) on which the test window shows four
// colour quadrants; the project's own Moonlight-style client streams it,
// decodes every frame with the addon's decoder and reads colours back at
// screen places: the quadrants where the window is, the cursor where XTest
// (xdotool) put it and nowhere else, and while nothing moves the armed
// capture counts repeated frames.
// YUV 4:4:4: a second test window shows a grey field crossed by a 1-px red
// line at an odd column. The client reads ServerCodecModeSupport from
// serverinfo, asks for 4:4:4 as moonlight-common-c does
// (x-ss-video[0].chromaSamplingType 1) or not, decodes every frame and looks
// at the line: at 4:2:0 its chroma is shared with its pixel pair, so the grey
// neighbour turns pink and the line loses half its redness; at 4:4:4
// (libx264 High 4:4:4, libx265 Main 4:4:4) the line is red and both
// neighbours stay grey.

import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { CODEC_MODE, leaf, TERMINATION_FRAME_FAILED } from '@punktfunk/protocol';
import type { Capture } from '@punktfunk/shared';
import { enterPin, newConfigDir, type RunningHost, startHost, waitForOutput } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestWindow,
  QUADRANT_RGB,
  startXvfb,
  type TestWindow,
  type XvfbDisplay,
  xdotool,
} from '../../../../packages/native/test/support/x11-display.js';

const WIDTH = 1280;
const HEIGHT = 720;
// The test window: quadrants of 200x120 around (400, 240).
const WINDOW = { x: 200, y: 120, width: 400, height: 240 };
// Colour tolerance after BT.601 conversion and H.264 at 8 Mb/s.
const TOLERANCE = 40;
// The default X cursor is about 16x16 around its hotspot.
const CURSOR_REACH = 10;

// The 4:4:4 line window, clear of the quadrants and of where the cursor goes.
const LINE_WINDOW = { x: 700, y: 20, width: 400, height: 200 };
// Its vertical red line: column width/2 + 1 of the window, odd on the screen.
const LINE_X = LINE_WINDOW.x + LINE_WINDOW.width / 2 + 1;
// A row of the line away from the horizontal one and the window's edges.
const PROBE_Y = LINE_WINDOW.y + 60;
const LINE_STREAM_MS = 2500;

let xvfb: XvfbDisplay;
let window: TestWindow;
let lineWindow: TestWindow;
let host: RunningHost;
let client: GameStreamClient;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Rgb = readonly [number, number, number];

function pixel(rgb: Buffer, x: number, y: number): Rgb {
  const i = (y * WIDTH + x) * 3;
  return [rgb[i] ?? 0, rgb[i + 1] ?? 0, rgb[i + 2] ?? 0];
}

const near = (a: Rgb, b: readonly number[]) => a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= TOLERANCE);

/** Whether any pixel within CURSOR_REACH of (x, y) is clearly not black. */
function drawnAround(rgb: Buffer, x: number, y: number): boolean {
  for (let dy = -CURSOR_REACH; dy <= CURSOR_REACH; dy++) {
    for (let dx = -CURSOR_REACH; dx <= CURSOR_REACH; dx++) {
      if (Math.max(...pixel(rgb, x + dx, y + dy)) > 100) return true;
    }
  }
  return false;
}

/** The session options both desktop streams share: the launch keys, the screen's mode, 8 Mb/s. */
function desktopStream(keys: ReturnType<typeof newLaunchKeys>) {
  return {
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: WIDTH,
    height: HEIGHT,
    fps: 60,
    bitrateKbps: 8000,
  };
}

beforeAll(async () => {
  xvfb = await startXvfb(WIDTH, HEIGHT);
  window = await openTestWindow(xvfb.name, WINDOW);
  lineWindow = await openTestWindow(xvfb.name, { ...LINE_WINDOW, line: true });
  host = await startHost(newConfigDir(), { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: xvfb.name });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  const paired = await client.pair('2468', async () => void (await enterPin(host, '2468')));
  expect(paired.paired).toBe(true);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await window?.stop();
  await lineWindow?.stop();
  await xvfb?.stop();
});

describe('GameStream streaming the X desktop', () => {
  it('the decoded stream shows the window at its place and the cursor where XTest put it; a still screen repeats', async () => {
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    xdotool(xvfb.name, 'mousemove', '900', '500');
    const keys = newLaunchKeys();
    const reply = await client.launch({ mode: `${WIDTH}x${HEIGHT}x60`, ...keys.launchParams });
    expect(leaf(reply, 'gamesession')).toBe('1');
    const decoder = new VideoDecoder({ codec: 'h264' });
    let decoded = 0;
    let decodeErrors = 0;
    const session = await startStreamSession({
      ...desktopStream(keys),
      onVideoFrame: (frame) => {
        try {
          decoded += decoder.decode(frame.data).frames.length;
        } catch {
          decodeErrors++;
        }
      },
    });
    // Still for 3 s: the capture's damage tracking repeats the frame.
    await sleep(3000);
    const first = decoder.lastRgb();
    xdotool(xvfb.name, 'mousemove', '1000', '600');
    await sleep(1500);
    const moved = decoder.lastRgb();
    expect((await client.https('/cancel')).statusCode).toBe(200);
    await session.ended;
    decoder.close();

    expect(decodeErrors).toBe(0);
    // 4.5 s at 60 fps, fewer on a loaded machine: the stream went on (every frame decoded is checked above).
    expect(decoded).toBeGreaterThan(90);
    expect(first.length).toBe(WIDTH * HEIGHT * 3);
    const centre = { x: WINDOW.x + WINDOW.width / 2, y: WINDOW.y + WINDOW.height / 2 };
    expect(near(pixel(first, centre.x - 100, centre.y - 60), QUADRANT_RGB.topLeft)).toBe(true);
    expect(near(pixel(first, centre.x + 100, centre.y - 60), QUADRANT_RGB.topRight)).toBe(true);
    expect(near(pixel(first, centre.x - 100, centre.y + 60), QUADRANT_RGB.bottomLeft)).toBe(true);
    expect(near(pixel(first, centre.x + 100, centre.y + 60), QUADRANT_RGB.bottomRight)).toBe(true);
    // Outside the window: the black root, all around it.
    for (const [x, y] of [
      [WINDOW.x - 20, WINDOW.y - 20],
      [WINDOW.x + WINDOW.width + 20, centre.y],
      [centre.x, WINDOW.y + WINDOW.height + 20],
    ] as const) {
      expect(near(pixel(first, x, y), [0, 0, 0])).toBe(true);
    }
    // The cursor, drawn into the picture where the pointer is, and gone from where it was.
    expect(drawnAround(first, 900, 500)).toBe(true);
    expect(drawnAround(first, 1000, 600)).toBe(false);
    expect(drawnAround(moved, 1000, 600)).toBe(true);
    expect(drawnAround(moved, 900, 500)).toBe(false);

    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    expect(String(capture.meta.sessions[0]?.settings.capture)).toMatch(
      new RegExp(`^x11 ${xvfb.name} 1280x720 \\(MIT-SHM\\)$`),
    );
    // Every window the stream ran in (the partial last one has no sample), however few frames a loaded machine made.
    const full = capture.samples.filter((s) => s.measuredFrames > 0);
    expect(full.length).toBeGreaterThanOrEqual(2);
    // x11 knows repeats; a still desktop is mostly repeats (not the first frame, nor those after the cursor moved).
    expect(full.every((s) => s.repeatFps !== null)).toBe(true);
    expect(full.some((s) => (s.repeatFps ?? 0) > s.fps)).toBe(true);
    expect(host.output()).toMatch(/capture: X11 1280x720 via MIT-SHM, 1:1/);
  }, 60_000);
});

/** Red minus green at (x, PROBE_Y): about 255 for pure red, 0 for grey. */
function redness(rgb: Buffer, x: number): number {
  const i = (PROBE_Y * WIDTH + x) * 3;
  return (rgb[i] ?? 0) - (rgb[i + 1] ?? 0);
}

interface LineReading {
  pixelFormats: Set<string>;
  frames: number;
  decoded: number;
  decodeErrors: number;
  line: number;
  /** The larger |redness| of the two neighbours. */
  neighbours: number;
}

async function streamLine(
  codec: 'h264' | 'hevc',
  yuv444: boolean,
  codecModeSupport: number,
): Promise<LineReading> {
  const keys = newLaunchKeys();
  expect(
    leaf(await client.launch({ mode: `${WIDTH}x${HEIGHT}x60`, ...keys.launchParams }), 'gamesession'),
  ).toBe('1');
  const decoder = new VideoDecoder({ codec });
  const reading: LineReading = {
    pixelFormats: new Set(),
    frames: 0,
    decoded: 0,
    decodeErrors: 0,
    line: 0,
    neighbours: 0,
  };
  const session = await startStreamSession({
    ...desktopStream(keys),
    codec,
    yuv444,
    serverCodecModeSupport: codecModeSupport,
    onVideoFrame: (frame) => {
      reading.frames++;
      try {
        const { frames } = decoder.decode(frame.data);
        reading.decoded += frames.length;
        for (const f of frames) reading.pixelFormats.add(f.pixelFormat);
      } catch {
        reading.decodeErrors++;
      }
    },
  });
  expect(session.negotiated.yuv444).toBe(yuv444);
  await sleep(LINE_STREAM_MS);
  const rgb = decoder.lastRgb();
  expect((await client.https('/cancel')).statusCode).toBe(200);
  await session.ended;
  decoder.close();
  reading.line = redness(rgb, LINE_X);
  reading.neighbours = Math.max(Math.abs(redness(rgb, LINE_X - 1)), Math.abs(redness(rgb, LINE_X + 1)));
  return reading;
}

describe('GameStream YUV 4:4:4', () => {
  let codecModeSupport = 0;

  beforeAll(async () => {
    codecModeSupport = Number(leaf(await client.https('/serverinfo'), 'ServerCodecModeSupport'));
  });

  it('is offered for H.264 and HEVC where the software encoders open it', () => {
    expect(codecModeSupport & CODEC_MODE.h264High8_444).toBe(CODEC_MODE.h264High8_444);
    expect(codecModeSupport & CODEC_MODE.hevcRext8_444).toBe(CODEC_MODE.hevcRext8_444);
    expect(host.output()).toMatch(/4:4:4 for h264, hevc/);
  });

  it('4:2:0 smears a 1-px red line over its pixel pair; H.264 4:4:4 keeps it to its pixel', async () => {
    const subsampled = await streamLine('h264', false, codecModeSupport);
    const full = await streamLine('h264', true, codecModeSupport);
    for (const r of [subsampled, full]) {
      expect(r.decodeErrors).toBe(0);
      expect(r.decoded).toBe(r.frames);
      // 2.5 s at 60 fps, fewer on a loaded machine; the line's pixels are what this proves.
      expect(r.frames).toBeGreaterThan(20);
    }
    expect([...subsampled.pixelFormats]).toEqual(['yuv420p']);
    expect([...full.pixelFormats]).toEqual(['yuv444p']);
    expect(host.output()).toMatch(/client announced 1280x720@60 h264 4:4:4 /);
    // 4:2:0: the neighbour sharing the line's chroma turns pink, the line is half as red.
    expect(subsampled.neighbours).toBeGreaterThan(60);
    expect(subsampled.line).toBeLessThan(200);
    // 4:4:4: the line is red and its neighbours stay grey.
    expect(full.line).toBeGreaterThan(200);
    expect(full.neighbours).toBeLessThan(30);
  }, 60_000);

  it('HEVC 4:4:4 keeps the line to its pixel too', async () => {
    const full = await streamLine('hevc', true, codecModeSupport);
    expect(full.decodeErrors).toBe(0);
    expect(full.decoded).toBe(full.frames);
    expect(full.frames).toBeGreaterThan(10);
    expect([...full.pixelFormats]).toEqual(['yuv444p']);
    expect(full.line).toBeGreaterThan(200);
    expect(full.neighbours).toBeLessThan(30);
  }, 60_000);
});

describe('GameStream with x11 forced on a display that is not there', () => {
  it('the stream fails at its first frame and the client is told why (termination 0x800e9403), the host stays up', async () => {
    const broken = await startHost(newConfigDir(), { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: ':1999' });
    try {
      const ports = broken.gamestream;
      if (!ports) throw new Error('GameStream did not start');
      const gs = await GameStreamClient.create({ http: ports.httpPort, https: ports.httpsPort });
      expect((await gs.pair('1122', async () => void (await enterPin(broken, '1122')))).paired).toBe(true);
      const keys = newLaunchKeys();
      expect(leaf(await gs.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
      const session = await startStreamSession({
        rtspPort: ports.rtspPort ?? 0,
        rikey: keys.rikey,
        rikeyId: keys.rikeyId,
      });
      const end = await session.ended;
      expect(end).toMatchObject({
        reason: 'termination',
        terminationCode: TERMINATION_FRAME_FAILED,
        graceful: false,
      });
      expect(broken.output()).toMatch(
        /stream \w+ starting, 1280x720@60 h264 from x11 \(cannot open display :1999/,
      );
      // The client may hear the termination before the host's line about it is written.
      await waitForOutput(broken, /GameStream: stream \w+ failed: .*:1999/);
      // The host is still there for the next try.
      expect((await broken.api('/health')).status).toBe(200);
    } finally {
      await broken.stop();
    }
  }, 60_000);
});
