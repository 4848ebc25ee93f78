// punktfunk/1 sessions on virtual displays, end to end: the real host with
// PUNKTFUNK_DISPLAY_MODE=virtual, the real client (which decodes every frame
// and writes the last picture), a test window on the session's own display.
// A 1920x1080 client and then a 1280x800 client each get a display of
// exactly their mode; the last decoded picture shows the window's quadrants
// to the edges (no bars, no scaling: the middle at the middle). The display
// going away mid-session ends that session with the reason and the host
// keeps serving. Xvfb (root here) and headless sway (the test user's; the
// host, root, uses its sockets).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newConfigDir, type RunningHost, runClient, startHost, waitForOutput } from '@punktfunk/test-support';
import { type HeadlessSway, startHeadlessSway } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectColour, type Rgb } from '../../../../packages/native/test/support/pixels.js';
import { openWlTestWindow } from '../../../../packages/native/test/support/wayland-window.js';
import { openTestWindow, QUADRANT_RGB } from '../../../../packages/native/test/support/x11-display.js';

interface Picture {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

/** The client's --last-frame file: "P6\nW H\n255\n" and RGB24. */
function readPpm(path: string): Picture {
  const data = readFileSync(path);
  const header = /^P6\n(\d+) (\d+)\n255\n/.exec(data.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error(`${path} is not a binary PPM`);
  const [text, w, h] = header;
  const width = Number(w);
  const pixels = data.subarray(text.length);
  return {
    width,
    height: Number(h),
    at: (x, y) => {
      const i = (y * width + x) * 3;
      return [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0];
    },
  };
}

/** The quadrants 2 px inside each corner and 3 px either side of the middle lines. */
function expectQuadrantsToTheEdges(picture: Picture): void {
  const { width, height, at } = picture;
  const t = 24;
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  expectColour(at(2, 2), topLeft, t, 'top left corner');
  expectColour(at(width - 3, 2), topRight, t, 'top right corner');
  expectColour(at(2, height - 3), bottomLeft, t, 'bottom left corner');
  expectColour(at(width - 3, height - 3), bottomRight, t, 'bottom right corner');
  expectColour(at(width / 2 - 3, height / 2 - 3), topLeft, t, 'left of the middle, above');
  expectColour(at(width / 2 + 2, height / 2 - 3), topRight, t, 'right of the middle, above');
  expectColour(at(width / 2 - 3, height / 2 + 2), bottomLeft, t, 'left of the middle, below');
  expectColour(at(width / 2 + 2, height / 2 + 2), bottomRight, t, 'right of the middle, below');
}

interface Summary {
  framesDecoded: number;
  decodeErrors: number;
  width: number;
  height: number;
}

function clientRun(host: RunningHost, dir: string, extra: string[]) {
  return runClient(['--host', '127.0.0.1', '--port', String(host.nativePort), '--json', ...extra], {
    PUNKTFUNK_CLIENT_DIR: join(dir, 'client'),
  });
}

/** Streams `seconds` at width x height; `onDisplay` gets the display's name from the host's log line. */
async function streamMode(
  host: RunningHost,
  dir: string,
  mode: { width: number; height: number; seconds: number },
  displayLine: (width: number, height: number) => RegExp,
  onDisplay: (name: string) => Promise<{ stop(): Promise<void> }>,
): Promise<{ summary: Summary; picture: Picture; name: string }> {
  const { width, height, seconds } = mode;
  const lastFrame = join(dir, `last-${width}x${height}.ppm`);
  const before = host.output().length;
  const run = clientRun(host, dir, [
    ...['--width', String(width), '--height', String(height), '--seconds', String(seconds)],
    ...['--last-frame', lastFrame],
  ]);
  const seen = { output: () => host.output().slice(before) };
  const [, name] = await waitForOutput(seen, displayLine(width, height), 20_000);
  const window = await onDisplay(String(name));
  try {
    const result = await run;
    expect(result.code, `${result.stderr}${result.stdout}\n${host.output().slice(before)}`).toBe(0);
    return { summary: JSON.parse(result.stdout) as Summary, picture: readPpm(lastFrame), name: String(name) };
  } finally {
    await window.stop();
  }
}

const MODES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
] as const;

describe('punktfunk/1 on a private Xvfb per session', () => {
  const dir = newConfigDir();
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost(dir, { PUNKTFUNK_DISPLAY_MODE: 'virtual', PUNKTFUNK_VIRTUAL_BACKEND: 'xvfb' });
  });
  afterAll(() => host?.stop());
  const xvfbLine = (w: number, h: number) =>
    new RegExp(`virtual display: Xvfb (:\\d+) ${w}x${h}@60 for native session`);

  for (const mode of MODES) {
    it(`a ${mode.width}x${mode.height} client gets an Xvfb of its mode; the decoded picture is the window, 1:1, to the edges`, async () => {
      const { summary, picture, name } = await streamMode(
        host,
        dir,
        { ...mode, seconds: 6 },
        xvfbLine,
        (display) =>
          openTestWindow(display, { x: 0, y: 0, ...mode }).then(async (window) => {
            // The cursor starts where the quadrants meet: out of the way, as a player would.
            const { xdotool } = await import('../../../../packages/native/test/support/x11-display.js');
            xdotool(display, 'mousemove', String(mode.width / 4), String(mode.height / 4));
            return window;
          }),
      );
      expect([summary.width, summary.height]).toEqual([mode.width, mode.height]);
      expect(summary.decodeErrors).toBe(0);
      expect([picture.width, picture.height]).toEqual([mode.width, mode.height]);
      expectQuadrantsToTheEdges(picture);
      expect(host.output()).toMatch(new RegExp(`capture: X11 ${mode.width}x${mode.height} via MIT-SHM, 1:1`));
      // /status names the display the last session opened.
      const status = (await (await host.api('/status')).json()) as { desktop: Record<string, unknown> };
      expect(status.desktop).toMatchObject({
        backend: 'xvfb',
        description: `Xvfb ${name} ${mode.width}x${mode.height}@60 (MIT-SHM)`,
        size: mode,
        inputInjector: 'x11',
      });
      // The session's end removed its display.
      await waitForOutput(host, new RegExp(`native session \\w+: streaming Xvfb ${name} `));
    });
  }

  it('an Xvfb killed mid-session ends that session with the reason; the host keeps serving', async () => {
    const before = host.output().length;
    const run = clientRun(host, dir, ['--width', '640', '--height', '360', '--seconds', '20']);
    const seen = { output: () => host.output().slice(before) };
    const [, pid] = await waitForOutput(
      seen,
      /virtual display: Xvfb :\d+ 640x360@60 for native session \w+ \(pid (\d+)\)/,
    );
    await waitForOutput(seen, /capture: X11 640x360 via MIT-SHM, 1:1/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.kill(Number(pid), 'SIGKILL');
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const ended = JSON.parse(result.stdout) as Summary & { stopReason: string };
    // The client is told why: the display's end, or the capture losing the display when the worker noticed first.
    const why = /the virtual display Xvfb :\d+ 640x360@60 was killed by SIGKILL|lost the X display :\d+/;
    expect(ended.stopReason).toMatch(why);
    expect(ended.framesDecoded).toBeGreaterThan(0);
    await waitForOutput(
      seen,
      new RegExp(`native session \\w+: (${why.source})|streaming worker failed: .*(${why.source})`),
    );
    // Served on: the next client gets a display of its own.
    const next = await clientRun(host, dir, ['--width', '640', '--height', '360', '--seconds', '2']);
    expect(next.code, next.stderr).toBe(0);
    expect((JSON.parse(next.stdout) as Summary).framesDecoded).toBeGreaterThan(30);
  });
});

describe('punktfunk/1 on a headless sway output per session', () => {
  const dir = newConfigDir();
  let sway: HeadlessSway;
  let host: RunningHost;
  beforeAll(async () => {
    sway = await startHeadlessSway(1280, 720);
    host = await startHost(dir, {
      PUNKTFUNK_DISPLAY_MODE: 'virtual',
      PUNKTFUNK_VIRTUAL_BACKEND: 'sway',
      WAYLAND_DISPLAY: sway.waylandDisplay,
      XDG_RUNTIME_DIR: sway.runtimeDir,
      SWAYSOCK: sway.swaySocket,
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await sway?.stop();
  });
  const swayLine = (w: number, h: number) =>
    new RegExp(`virtual display: sway (HEADLESS-\\d+) ${w}x${h}@60 for native session`);

  for (const mode of MODES) {
    it(`a ${mode.width}x${mode.height} client gets a sway output of its mode; the decoded picture is the window, 1:1, to the edges`, async () => {
      const { summary, picture } = await streamMode(
        host,
        dir,
        { ...mode, seconds: 6 },
        swayLine,
        async () => {
          // Fullscreen on the focused output: the session's, focused when it was made.
          const window = await openWlTestWindow(sway);
          expect(window.ready).toMatchObject(mode);
          return window;
        },
      );
      expect([summary.width, summary.height]).toEqual([mode.width, mode.height]);
      expect(summary.decodeErrors).toBe(0);
      expect([picture.width, picture.height]).toEqual([mode.width, mode.height]);
      expectQuadrantsToTheEdges(picture);
      expect(host.output()).toMatch(new RegExp(`capture: wlr screencopy ${mode.width}x${mode.height} .*1:1`));
    });
  }

  it('sway going away mid-session ends that session with the reason; the host keeps serving', async () => {
    const before = host.output().length;
    const run = clientRun(host, dir, ['--width', '640', '--height', '360', '--seconds', '20']);
    const seen = { output: () => host.output().slice(before) };
    await waitForOutput(seen, /capture: wlr screencopy 640x360 .*1:1/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sway.children.find((child) => child.spawnargs[0] === 'sway')?.kill('SIGTERM');
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    // Told why: the capture lost sway (or, if the IPC's end came first, the display's own reason).
    expect((JSON.parse(result.stdout) as { stopReason: string }).stopReason).toMatch(
      /lost the Wayland compositor|the virtual display's compositor went away/,
    );
    await waitForOutput(
      seen,
      /session \w+: (the virtual display's compositor went away|streaming worker failed: .*lost the Wayland compositor)/,
    );
    const status = await host.api('/status');
    expect(status.status).toBe(200);
  });
});
