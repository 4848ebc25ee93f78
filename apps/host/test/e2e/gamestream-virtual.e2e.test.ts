// Two GameStream clients at once, each on a private Xvfb at its own mode,
// against the real host process (PUNKTFUNK_DISPLAY_MODE=virtual,
// PUNKTFUNK_VIRTUAL_BACKEND=xvfb, PUNKTFUNK_MAX_SESSIONS=2) with the
// project's GameStream client. The app (apps.json, "display": "virtual")
// notes its DISPLAY and opens the test window over the whole display, so
// the decoded picture shows the window's quadrants to the edges when the
// display is the session's own, 1:1 (no bars, the middle at the middle).
// Checked: /status lists both sessions with their Xvfb and mode; absolute
// mouse moves from each client land on its own display only; one client's
// /cancel removes its Xvfb and app and the other streams on; a third client
// beyond the cap is refused with the reason and no third Xvfb starts. An
// Xvfb killed mid-session ends only its client's stream and launch; a mode
// no display can have is refused at /launch with the reason; a resume
// streams the same Xvfb and app.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GameStreamClient,
  mouseMoveAbsolute,
  newLaunchKeys,
  rtspPortOf,
  type StreamSession,
  startStreamSession,
} from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { leaf, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import type { HostStatusResponse } from '@punktfunk/shared';
import {
  newConfigDir,
  pairGameStreamClients,
  type RunningHost,
  startHost,
  waitForOutput,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rgb, rgbAt } from '../../../../packages/native/test/support/pixels.js';
import {
  pointerPosition,
  QUADRANT_RGB,
  TEST_WINDOW_PATH,
} from '../../../../packages/native/test/support/x11-display.js';

const VIRTUAL_APP = 2;
const FPS = 60;
const MODES = {
  a: { width: 640, height: 360 },
  b: { width: 800, height: 448 },
} as const;
type Name = keyof typeof MODES | 'c';
// Where each client puts its pointer: away from the pixels checked, and apart.
const POINTER = { a: { x: 123, y: 77 }, b: { x: 611, y: 301 } } as const;
const DEADLINE_MS = 30_000;

let host: RunningHost;
let configDir: string;
const clients = {} as Record<Name, GameStreamClient>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (which throws while not yet true) until it passes or the deadline, then rethrows its last error. */
async function eventually<T>(check: () => T | Promise<T>, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

// Notes "DISPLAY W H pid" (the size as the display itself says), then becomes the test window covering it.
const appScript = [
  'set -- $(xdotool getdisplaygeometry)',
  'echo "$DISPLAY $1 $2 $$" >> displays.txt',
  `exec ${TEST_WINDOW_PATH} --x 0 --y 0 --width "$1" --height "$2"`,
].join('\n');

function writeApps(dir: string): void {
  const apps = [
    { id: 1, title: 'Desktop' },
    {
      id: VIRTUAL_APP,
      title: 'Window',
      command: ['/bin/sh', '-c', appScript],
      workingDir: dir,
      display: 'virtual',
    },
  ];
  writeFileSync(join(dir, 'apps.json'), JSON.stringify({ version: 1, apps }, null, 2), { mode: 0o600 });
}

interface AppOnDisplay {
  display: string;
  pid: number;
}

function appNotes(): string[] {
  const path = join(configDir, 'displays.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}

/** The app's note for a display of width x height, from the `fromNote`th note on (an earlier launch's are older). */
function appOn(width: number, height: number, fromNote: number): AppOnDisplay {
  const lines = appNotes().slice(fromNote);
  const line = lines.map((l) => l.split(' ')).find(([, w, h]) => w === String(width) && h === String(height));
  if (!line) throw new Error(`no app noted a ${width}x${height} display: ${JSON.stringify(lines)}`);
  return { display: String(line[0]), pid: Number(line[3]) };
}

/** The Xvfb processes the host runs (its children). */
function hostXvfbPids(): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(host.process.pid)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'Xvfb')
    .map(([pid]) => Number(pid));
}

const alive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;

interface Streaming {
  session: StreamSession;
  decoder: VideoDecoder;
  width: number;
  height: number;
  decoded: () => { frames: number; sizes: string[]; decodeErrors: number };
}

async function launchAndStream(
  client: GameStreamClient,
  mode: { width: number; height: number },
  path: '/launch' | '/resume' = '/launch',
) {
  const { width, height } = mode;
  const keys = newLaunchKeys();
  const reply = await client.https(path, {
    appid: VIRTUAL_APP,
    mode: `${width}x${height}x${FPS}`,
    ...keys.launchParams,
  });
  expect(reply.statusCode, reply.statusMessage ?? '').toBe(200);
  const decoder = new VideoDecoder({ codec: 'h264' });
  const sizes = new Set<string>();
  let frames = 0;
  let decodeErrors = 0;
  const session = await startStreamSession({
    rtspPort: rtspPortOf(leaf(reply, 'sessionUrl0'), -1),
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width,
    height,
    fps: FPS,
    bitrateKbps: 6000,
    onVideoFrame: (frame) => {
      try {
        for (const out of decoder.decode(frame.data).frames) {
          frames++;
          sizes.add(`${out.width}x${out.height}`);
        }
      } catch {
        decodeErrors++;
      }
    },
  });
  const decoded = () => ({ frames, sizes: [...sizes], decodeErrors });
  return { session, decoder, width, height, decoded } satisfies Streaming;
}

/** `name` launches the app at its mode and streams; the app's note says which display it got. */
async function launchOnDisplay(name: keyof typeof MODES): Promise<{ stream: Streaming; app: AppOnDisplay }> {
  const { width, height } = MODES[name];
  const from = appNotes().length;
  const stream = await launchAndStream(clients[name], MODES[name]);
  const app = await eventually(() => appOn(width, height, from));
  return { stream, app };
}

/**
 * `name`'s client moves the pointer to POINTER[name] (a new Xvfb has it in
 * the middle, over the pixels checked): the reference is the stream size,
 * sent minus one, so the position is the display's own.
 */
function movePointer(s: Streaming, name: keyof typeof MODES): void {
  const { x, y } = POINTER[name];
  s.session.control.sendInput(mouseMoveAbsolute(x, y, s.width + 1, s.height + 1));
}

/** The Xvfb's pid, from the host's last line for the display (a display number is used again once free). */
function xvfbPidOf(display: string): Promise<number> {
  const line = new RegExp(`virtual display: Xvfb ${display} \\S+ for [^\\n]*\\(pid (\\d+)\\)`, 'g');
  return eventually(() => {
    const pid = [...host.output().matchAll(line)].at(-1)?.[1];
    if (!pid) throw new Error(`the host named no Xvfb ${display}`);
    return Number(pid);
  });
}

const near = (actual: Rgb, expected: Rgb) => actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= 24);

/** The last decoded picture shows the window's quadrants 2 px inside each corner and either side of the middle. */
function expectQuadrantsToTheEdges(s: Streaming): void {
  const { width, height } = s;
  const rgb = s.decoder.lastRgb();
  expect(rgb.length, 'a decoded picture of the stream size').toBe(width * height * 3);
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANT_RGB;
  const checks: [string, number, number, Rgb][] = [
    ['top left corner', 2, 2, topLeft],
    ['top right corner', width - 3, 2, topRight],
    ['bottom left corner', 2, height - 3, bottomLeft],
    ['bottom right corner', width - 3, height - 3, bottomRight],
    ['left of the middle, above', width / 2 - 3, height / 2 - 3, topLeft],
    ['right of the middle, above', width / 2 + 2, height / 2 - 3, topRight],
    ['left of the middle, below', width / 2 - 3, height / 2 + 2, bottomLeft],
    ['right of the middle, below', width / 2 + 2, height / 2 + 2, bottomRight],
  ];
  const wrong = checks
    .map(([where, x, y, want]) => ({ where, got: rgbAt(rgb, width, x, y), want }))
    .filter(({ got, want }) => !near(got, want));
  expect(wrong, `${width}x${height}`).toEqual([]);
}

async function status(): Promise<HostStatusResponse> {
  return (await (await host.api('/status')).json()) as HostStatusResponse;
}

beforeAll(async () => {
  configDir = newConfigDir();
  writeApps(configDir);
  host = await startHost(configDir, {
    PUNKTFUNK_MAX_SESSIONS: '2',
    PUNKTFUNK_DISPLAY_MODE: 'virtual',
    PUNKTFUNK_VIRTUAL_BACKEND: 'xvfb',
  });
  Object.assign(clients, await pairGameStreamClients(host, ['a', 'b', 'c'], 'VIRTUALCLIENT00'));
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

describe('GameStream clients on a private Xvfb each', () => {
  it('two clients at different modes each get an Xvfb of their mode, 1:1, with their own input; one quits, the other streams on; a third is refused', async () => {
    const { stream: a, app: appA } = await launchOnDisplay('a');
    const { stream: b, app: appB } = await launchOnDisplay('b');
    expect(appA.display).not.toBe(appB.display);
    for (const [app, mode] of [
      [appA, MODES.a],
      [appB, MODES.b],
    ] as const) {
      await waitForOutput(
        host,
        new RegExp(`virtual display: Xvfb ${app.display} ${mode.width}x${mode.height}@${FPS} for client-`),
      );
    }
    expect(hostXvfbPids()).toHaveLength(2);

    // /status: both sessions, each on its own Xvfb at its mode.
    // A stream is listed once its worker runs: shortly after the client's first frames.
    const listed = await eventually(async () => {
      const sessions = (await status()).sessions;
      expect(sessions).toHaveLength(2);
      return sessions;
    });
    for (const [name, app] of [
      ['a', appA],
      ['b', appB],
    ] as const) {
      const { width, height } = MODES[name];
      const session = listed.find((s) => s.client?.startsWith(`client-${name}`));
      expect(session?.display).toEqual({
        mode: 'virtual',
        backend: 'xvfb',
        width,
        height,
        description: `Xvfb ${app.display} ${width}x${height}@${FPS}`,
      });
      expect([session?.width, session?.height]).toEqual([width, height]);
    }

    // Input: each client's absolute move (reference = its stream size) lands on its own display only.
    movePointer(a, 'a');
    movePointer(b, 'b');
    await eventually(() => expect(pointerPosition(appA.display)).toEqual(POINTER.a));
    await eventually(() => expect(pointerPosition(appB.display)).toEqual(POINTER.b));
    await sleep(500);
    expect(pointerPosition(appA.display)).toEqual(POINTER.a);
    expect(pointerPosition(appB.display)).toEqual(POINTER.b);

    // The pictures: each stream's own display, 1:1 to the edges.
    for (const s of [a, b]) await eventually(() => expectQuadrantsToTheEdges(s));
    expect(a.decoded()).toMatchObject({ sizes: ['640x360'], decodeErrors: 0 });
    expect(b.decoded()).toMatchObject({ sizes: ['800x448'], decodeErrors: 0 });

    const before = [a, b].map((s) => s.session.counters().video.framesDelivered);
    await sleep(3000);
    const fps = [a, b].map((s, i) => (s.session.counters().video.framesDelivered - (before[i] ?? 0)) / 3);
    console.log(
      `two clients on their own Xvfb: client-a 640x360 ${fps[0]?.toFixed(1)} fps, client-b 800x448 ${fps[1]?.toFixed(1)} fps`,
    );
    for (const f of fps) expect(f).toBeGreaterThan(0);

    // A third client beyond the cap: refused with the reason, and no third Xvfb.
    const third = await clients.c.launch({ appid: VIRTUAL_APP, mode: `640x360x${FPS}` });
    expect(third.statusCode).toBe(503);
    expect(third.statusMessage).toBe('this host already streams to 2 clients (PUNKTFUNK_MAX_SESSIONS=2)');
    await sleep(1000);
    expect(hostXvfbPids()).toHaveLength(2);

    // A quits: its stream ends, its Xvfb (process and socket) and its app go; B streams on.
    const xvfbA = await xvfbPidOf(appA.display);
    expect(hostXvfbPids()).toContain(xvfbA);
    expect(leaf(await clients.a.https('/cancel'), 'cancel')).toBe('1');
    expect(await a.session.ended).toMatchObject({ terminationCode: TERMINATION_GRACEFUL, graceful: true });
    const socketA = `/tmp/.X11-unix/X${appA.display.slice(1)}`;
    await eventually(() =>
      expect([alive(xvfbA), existsSync(socketA), alive(appA.pid)]).toEqual([false, false, false]),
    );
    expect(hostXvfbPids()).toHaveLength(1);
    expect(alive(appB.pid)).toBe(true);
    expect((await status()).sessions.map((s) => s.client?.split(' ')[0])).toEqual(['client-b']);
    const framesB = b.session.counters().video.framesDelivered;
    await eventually(() => expect(b.session.counters().video.framesDelivered).toBeGreaterThan(framesB + 30));
    expect(pointerPosition(appB.display)).toEqual(POINTER.b);
    await eventually(() => expectQuadrantsToTheEdges(b));

    expect(leaf(await clients.b.https('/cancel'), 'cancel')).toBe('1');
    expect((await b.session.ended).graceful).toBe(true);
    await eventually(() => expect([hostXvfbPids(), alive(appB.pid)]).toEqual([[], false]));
    expect(b.decoded()).toMatchObject({ sizes: ['800x448'], decodeErrors: 0 });
    for (const s of [a, b]) s.decoder.close();
  }, 120_000);

  it("an Xvfb killed mid-session ends that client's stream and launch with its app; the other streams on, and the client launches anew", async () => {
    const { stream: a, app: appA } = await launchOnDisplay('a');
    const { stream: b, app: appB } = await launchOnDisplay('b');
    movePointer(a, 'a');
    movePointer(b, 'b');
    for (const s of [a, b]) await eventually(() => expectQuadrantsToTheEdges(s));
    const xvfbB = await xvfbPidOf(appB.display);
    process.kill(xvfbB, 'SIGKILL');
    expect((await b.session.ended).graceful).toBe(false);
    await waitForOutput(
      host,
      new RegExp(
        `the virtual display Xvfb ${appB.display} 800x448@60 was killed by SIGKILL|lost the X display ${appB.display}`,
      ),
    );
    await eventually(() => expect([alive(appB.pid), hostXvfbPids()]).toEqual([false, [expect.any(Number)]]));
    expect(leaf(await clients.b.https('/serverinfo'), 'currentgame')).toBe('0');
    expect(leaf(await clients.a.https('/serverinfo'), 'currentgame')).toBe(String(VIRTUAL_APP));
    const framesA = a.session.counters().video.framesDelivered;
    await eventually(() => expect(a.session.counters().video.framesDelivered).toBeGreaterThan(framesA + 30));
    await eventually(() => expectQuadrantsToTheEdges(a));

    // B launches anew: a new Xvfb, its app on it, the picture its own.
    const { stream: again, app: appAgain } = await launchOnDisplay('b');
    movePointer(again, 'b');
    await eventually(() => expectQuadrantsToTheEdges(again));
    expect(hostXvfbPids()).toHaveLength(2);
    for (const [client, s] of [
      [clients.a, a],
      [clients.b, again],
    ] as const) {
      expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
      expect((await s.session.ended).graceful).toBe(true);
    }
    await eventually(() =>
      expect([hostXvfbPids(), alive(appA.pid), alive(appAgain.pid)]).toEqual([[], false, false]),
    );
    for (const s of [a, b, again]) s.decoder.close();
  }, 120_000);

  it('a mode no virtual display can have is refused at /launch with the reason; nothing starts, the host serves on; a resume keeps the display', async () => {
    const notes = appNotes().length;
    const refused = await clients.a.launch({ appid: VIRTUAL_APP, mode: '640x50x60' });
    expect(refused.statusCode).toBe(400);
    expect(refused.statusMessage).toBe(
      'no virtual display can be 640x50@60: the height must be a whole number of pixels in 64..8192',
    );
    expect(leaf(await clients.a.https('/serverinfo'), 'currentgame')).toBe('0');
    expect([hostXvfbPids(), appNotes().length]).toEqual([[], notes]);
    const odd = await clients.b.launch({ appid: VIRTUAL_APP, mode: '641x360x60' });
    expect([odd.statusCode, odd.statusMessage]).toEqual([
      400,
      'no virtual display can be 641x360@60: the width must be even (the stream is 4:2:0)',
    ]);

    // Served on: the same client at a mode a display can have.
    const { stream, app } = await launchOnDisplay('a');
    movePointer(stream, 'a');
    await eventually(() => expectQuadrantsToTheEdges(stream));
    const xvfb = await xvfbPidOf(app.display);

    // It leaves (ENet disconnect) and resumes: the same Xvfb and app, its picture 1:1 again.
    await stream.session.stop();
    const resumed = await launchAndStream(clients.a, MODES.a, '/resume');
    await eventually(() => expectQuadrantsToTheEdges(resumed));
    expect([hostXvfbPids(), alive(app.pid), appNotes().length]).toEqual([[xvfb], true, notes + 1]);
    expect(pointerPosition(app.display)).toEqual(POINTER.a);

    expect(leaf(await clients.a.https('/cancel'), 'cancel')).toBe('1');
    expect((await resumed.session.ended).graceful).toBe(true);
    await eventually(() => expect([hostXvfbPids(), alive(app.pid)]).toEqual([[], false]));
    for (const s of [stream, resumed]) s.decoder.close();
  });
});
