// YUV 4:4:4 over GameStream, end to end: the host captures a private Xvfb
// display (PUNKTFUNK_CAPTURE=x11) on which the test window shows a grey field
// crossed by a 1-px red line at an odd column. The project's Moonlight-style
// client reads ServerCodecModeSupport from serverinfo, asks for 4:4:4 as
// moonlight-common-c does (x-ss-video[0].chromaSamplingType 1) or not,
// decodes every frame with the addon's decoder and looks at the line:
// - 4:2:0: the line's chroma is shared with its pixel pair, so the grey
//   neighbour turns pink and the line itself loses half its redness;
// - 4:4:4 (libx264 High 4:4:4, libx265 Main 4:4:4): the line is red and
//   both neighbours stay grey.
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { CODEC_MODE, leaf } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestWindow,
  startXvfb,
  type TestWindow,
  type XvfbDisplay,
} from '../../../../packages/native/test/support/x11-display.js';

const WIDTH = 1280;
const HEIGHT = 720;
const WINDOW = { x: 200, y: 120, width: 400, height: 240 };
// The window's vertical red line: column width/2 + 1 of the window, odd on the screen.
const LINE_X = WINDOW.x + WINDOW.width / 2 + 1;
// A row of the line away from the horizontal one and the window's edges.
const PROBE_Y = WINDOW.y + 60;
const STREAM_MS = 2500;

let xvfb: XvfbDisplay;
let window: TestWindow;
let host: RunningHost;
let client: GameStreamClient;
let codecModeSupport = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

async function streamLine(codec: 'h264' | 'hevc', yuv444: boolean): Promise<LineReading> {
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
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: WIDTH,
    height: HEIGHT,
    fps: 60,
    bitrateKbps: 8000,
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
  await sleep(STREAM_MS);
  const rgb = decoder.lastRgb();
  expect((await client.https('/cancel')).statusCode).toBe(200);
  await session.ended;
  decoder.close();
  reading.line = redness(rgb, LINE_X);
  reading.neighbours = Math.max(Math.abs(redness(rgb, LINE_X - 1)), Math.abs(redness(rgb, LINE_X + 1)));
  return reading;
}

beforeAll(async () => {
  xvfb = await startXvfb(WIDTH, HEIGHT);
  window = await openTestWindow(xvfb.name, { ...WINDOW, line: true });
  host = await startHost(newConfigDir(), { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: xvfb.name });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  expect((await client.pair('1357', async () => void (await enterPin(host, '1357')))).paired).toBe(true);
  codecModeSupport = Number(leaf(await client.https('/serverinfo'), 'ServerCodecModeSupport'));
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await window?.stop();
  await xvfb?.stop();
});

describe('GameStream YUV 4:4:4', () => {
  it('is offered for H.264 and HEVC where the software encoders open it', () => {
    expect(codecModeSupport & CODEC_MODE.h264High8_444).toBe(CODEC_MODE.h264High8_444);
    expect(codecModeSupport & CODEC_MODE.hevcRext8_444).toBe(CODEC_MODE.hevcRext8_444);
    expect(host.output()).toMatch(/4:4:4 for h264, hevc/);
  });

  it('4:2:0 smears a 1-px red line over its pixel pair; H.264 4:4:4 keeps it to its pixel', async () => {
    const subsampled = await streamLine('h264', false);
    const full = await streamLine('h264', true);
    for (const r of [subsampled, full]) {
      expect(r.decodeErrors).toBe(0);
      expect(r.decoded).toBe(r.frames);
      expect(r.frames).toBeGreaterThan(60);
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
    const full = await streamLine('hevc', true);
    expect(full.decodeErrors).toBe(0);
    expect(full.decoded).toBe(full.frames);
    expect(full.frames).toBeGreaterThan(30);
    expect([...full.pixelFormats]).toEqual(['yuv444p']);
    expect(full.line).toBeGreaterThan(200);
    expect(full.neighbours).toBeLessThan(30);
  }, 60_000);
});
