// Wayland desktops over GameStream, end to end, with the real pieces: the
// host process runs in a headless GNOME session (its WAYLAND_DISPLAY,
// XDG_RUNTIME_DIR and session D-Bus) and captures it through Mutter's
// screen-cast API or the desktop portal (whose approval dialog the test
// clicks, as a person would; with remote desktop, input goes back through
// the portal), or captures a PipeWire node the test's
// producer makes, or runs in headless sway and captures its output through
// wlroots screencopy with input through the wlroots virtual devices. The project's GameStream client decodes the stream and
// reads the test picture's four colour quadrants back at their places.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  GameStreamClient,
  keyboard,
  mouseButton,
  mouseMoveAbsolute,
  newLaunchKeys,
  type StreamEnd,
  type StreamSession,
  startStreamSession,
  VirtualKey,
} from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { leaf, TERMINATION_FRAME_FAILED } from '@punktfunk/protocol';
import type { Capture, HostStatusResponse } from '@punktfunk/shared';
import {
  enterPin,
  newConfigDir,
  type RunningHost,
  runClient,
  startHost,
  waitForOutput,
} from '@punktfunk/test-support';
import {
  type HeadlessGnome,
  type HeadlessSway,
  type PrivateSession,
  startHeadlessGnome,
  startHeadlessSway,
  startPrivateSession,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Producer, startProducer } from '../../../../packages/native/test/support/pipewire.js';
import {
  openWlTestWindow,
  type WlTestWindow,
} from '../../../../packages/native/test/support/wayland-window.js';
import { QUADRANT_RGB } from '../../../../packages/native/test/support/x11-display.js';
import { type MutterSession, startMutterSession } from '../../src/desktop/wayland/mutter-session.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import {
  MONITOR_ROW,
  PersonAtDesktop,
  REMOTE_INTERACTION_SWITCH,
  SHARE_BUTTON,
} from '../desktop/person-at-desktop.js';

const WIDTH = 1280;
const HEIGHT = 720;
// Colour tolerance after BT.601 conversion and H.264 at 8 Mb/s.
const TOLERANCE = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Rgb = readonly [number, number, number];

function pixel(rgb: Buffer, x: number, y: number): Rgb {
  const i = (y * WIDTH + x) * 3;
  return [rgb[i] ?? 0, rgb[i + 1] ?? 0, rgb[i + 2] ?? 0];
}

const near = (a: Rgb, b: readonly number[]) => a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= TOLERANCE);

/** The full-screen test picture (wl_test_window, pw_test_producer): one colour per quadrant. */
function showsQuadrants(rgb: Buffer): boolean {
  return (
    rgb.length === WIDTH * HEIGHT * 3 &&
    near(pixel(rgb, WIDTH / 4, HEIGHT / 4), QUADRANT_RGB.topLeft) &&
    near(pixel(rgb, (3 * WIDTH) / 4, HEIGHT / 4), QUADRANT_RGB.topRight) &&
    near(pixel(rgb, WIDTH / 4, (3 * HEIGHT) / 4), QUADRANT_RGB.bottomLeft) &&
    near(pixel(rgb, (3 * WIDTH) / 4, (3 * HEIGHT) / 4), QUADRANT_RGB.bottomRight)
  );
}

/** The host in the desktop's session: what a desktop client needs from its environment, nothing more. */
function sessionEnv(session: PrivateSession | HeadlessGnome): Record<string, string> {
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: session.runtimeDir,
    DBUS_SESSION_BUS_ADDRESS: String(session.env.DBUS_SESSION_BUS_ADDRESS),
  };
  if (session.env.WAYLAND_DISPLAY) env.WAYLAND_DISPLAY = String(session.env.WAYLAND_DISPLAY);
  return env;
}

async function pairedClient(host: RunningHost, pin: string): Promise<GameStreamClient> {
  const ports = host.gamestream;
  if (!ports) throw new Error('GameStream did not start');
  const client = await GameStreamClient.create({ http: ports.httpPort, https: ports.httpsPort });
  expect((await client.pair(pin, async () => void (await enterPin(host, pin)))).paired).toBe(true);
  return client;
}

interface Streaming {
  session: StreamSession;
  decoder: VideoDecoder;
  decoded(): number;
  ended: Promise<StreamEnd>;
  /** /cancel, then the stream's end and the decoder closed. */
  cancel(): Promise<StreamEnd>;
}

/** Launches the desktop app and streams it 1280x720 into a decoder. */
async function launchStream(
  host: RunningHost,
  client: GameStreamClient,
  noVideoTimeoutMs = 10_000,
): Promise<Streaming> {
  const keys = newLaunchKeys();
  const reply = await client.launch({ mode: `${WIDTH}x${HEIGHT}x60`, ...keys.launchParams });
  expect(leaf(reply, 'gamesession')).toBe('1');
  const decoder = new VideoDecoder({ codec: 'h264' });
  let decoded = 0;
  const session = await startStreamSession({
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: WIDTH,
    height: HEIGHT,
    fps: 60,
    bitrateKbps: 8000,
    noVideoTimeoutMs,
    onVideoFrame: (frame) => {
      decoded += decoder.decode(frame.data).frames.length;
    },
  });
  const cancel = async () => {
    expect((await client.https('/cancel')).statusCode).toBe(200);
    const end = await session.ended;
    decoder.close();
    return end;
  };
  return { session, decoder, decoded: () => decoded, ended: session.ended, cancel };
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

/**
 * Moonlight's pointer, click and key over the stream's control stream, once
 * frames flow (as Moonlight sends input), read back in the Wayland window.
 * The first events make the injector's pointer and keyboard (a headless seat
 * has none until then): with `waitForSeat` the window must see them appear.
 */
async function moonlightInputReachesWindow(stream: Streaming, window: WlTestWindow, waitForSeat: boolean) {
  const send = stream.session.control.sendInput.bind(stream.session.control);
  expect(await until(async () => stream.decoded() > 0)).toBe(true);
  // Moonlight sends its window size minus one as the reference; the stream is 1:1 with the screen.
  const at = (x: number, y: number) => mouseMoveAbsolute(x, y, WIDTH - 1, HEIGHT - 1);
  send(at(100, 100));
  send(keyboard(VirtualKey.LSHIFT, true));
  send(keyboard(VirtualKey.LSHIFT, false));
  if (waitForSeat) await window.waitFor((e) => e.type === 'seat' && e.pointer && e.keyboard, 10_000);
  send(at(320, 180));
  // 'enter' when this is the first position the surface hears of (the move to
  // 100,100 may have come before the seat had a pointer), else 'motion'.
  const moved = await window.waitFor(
    (e) =>
      (e.type === 'motion' || e.type === 'enter') && Math.abs(e.x - 320) <= 2 && Math.abs(e.y - 180) <= 2,
  );
  send(mouseButton(1, true));
  send(mouseButton(1, false));
  const clicked = await window.waitFor((e) => e.type === 'button' && e.button === 0x110 && !e.press);
  send(keyboard(VirtualKey.A, true));
  send(keyboard(VirtualKey.A, false));
  const typed = await window.waitFor((e) => e.type === 'key' && e.keysym === 0x61 && e.press);
  return { moved, clicked, typed };
}

function expectInputSeen(seen: Awaited<ReturnType<typeof moonlightInputReachesWindow>>): void {
  expect(['motion', 'enter']).toContain(seen.moved.type);
  expect(seen.clicked).toMatchObject({ type: 'button', button: 0x110 });
  expect(seen.typed).toMatchObject({ type: 'key', keysym: 0x61, shift: false });
}

/** Pairs, arms a capture and streams 3 s: the last picture decoded, /status meanwhile, and the end. */
async function streamWithCaptureArmed(host: RunningHost) {
  const client = await pairedClient(host, '1357');
  expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
  const stream = await launchStream(host, client);
  await sleep(3000);
  const rgb = stream.decoder.lastRgb();
  const shown = await status(host);
  const decoded = stream.decoded();
  const end = await stream.cancel();
  return { rgb, shown, end, decoded };
}

async function status(host: RunningHost): Promise<HostStatusResponse> {
  return (await (await host.api('/status')).json()) as HostStatusResponse;
}

describe('GameStream streaming headless GNOME through Mutter (PUNKTFUNK_CAPTURE=mutter)', () => {
  let gnome: HeadlessGnome;
  let window: WlTestWindow;
  let host: RunningHost;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(WIDTH, HEIGHT);
    window = await openWlTestWindow(gnome);
    host = await startHost(newConfigDir(), { ...sessionEnv(gnome), PUNKTFUNK_CAPTURE: 'mutter' });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await window?.stop();
    await gnome?.stop();
  });

  it('the decoded stream shows the Wayland window; the session settings and /api/v1/status name the mutter capture', async () => {
    const { rgb, shown, end, decoded } = await streamWithCaptureArmed(host);

    expect(end.graceful).toBe(true);
    expect(decoded).toBeGreaterThan(30);
    expect(showsQuadrants(rgb)).toBe(true);
    expect(shown.desktop).toEqual({
      configured: 'mutter',
      backend: 'mutter',
      description: expect.stringMatching(/^mutter Meta-0 1280x720 \(PipeWire node \d+\)$/),
      size: { width: WIDTH, height: HEIGHT },
      inputInjector: 'mutter',
      waitingForApproval: false,
    });
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    expect(String(capture.meta.sessions[0]?.settings.capture)).toMatch(
      /^mutter Meta-0 1280x720 \(PipeWire node \d+\)$/,
    );
    expect(host.output()).toMatch(/capture: PipeWire 1280x720 \w+ \(\w+\), node \d+, 1:1/);
  }, 60_000);

  it("Moonlight's mouse and keyboard reach the Wayland window through GNOME's remote desktop", async () => {
    const client = await pairedClient(host, '9753');
    const stream = await launchStream(host, client);
    const seen = await moonlightInputReachesWindow(stream, window, true);
    const end = await stream.cancel();

    expect(end.graceful).toBe(true);
    expectInputSeen(seen);
    expect(host.output()).toContain(
      "GameStream input: mouse and keyboard go to GNOME's remote desktop (Meta-0)",
    );
  }, 60_000);

  it('the punktfunk/1 path opens the same way: every frame of the Mutter cast decodes', async () => {
    const args = ['--host', '127.0.0.1', '--port', String(host.nativePort), '--seconds', '2', '--json'];
    const run = await runClient(args, { PUNKTFUNK_CLIENT_DIR: join(host.configDir, 'client') });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { framesDecoded: number; decodeErrors: number };
    expect(summary.framesDecoded).toBeGreaterThan(30);
    expect(summary.decodeErrors).toBe(0);
    expect(host.output()).toMatch(
      /native session \w+: streaming mutter Meta-0 1280x720 \(PipeWire node \d+\)/,
    );
  }, 60_000);
});

describe('GameStream with auto on headless GNOME', () => {
  it('auto picks mutter, says why, and streams the desktop', async () => {
    const gnome = await startHeadlessGnome(WIDTH, HEIGHT);
    const window = await openWlTestWindow(gnome);
    const host = await startHost(newConfigDir(), { ...sessionEnv(gnome), PUNKTFUNK_CAPTURE: 'auto' });
    try {
      const client = await pairedClient(host, '2468');
      const stream = await launchStream(host, client);
      await sleep(2000);
      const rgb = stream.decoder.lastRgb();
      await stream.cancel();
      expect(showsQuadrants(rgb)).toBe(true);
      expect(host.output()).toMatch(
        /desktop: auto picked mutter \(WAYLAND_DISPLAY=wayland-0 and GNOME's screen-cast API answers\)/,
      );
    } finally {
      await host.stop();
      await window.stop();
      await gnome.stop();
    }
  }, 60_000);
});

describe('GameStream capturing a PipeWire node (PUNKTFUNK_CAPTURE=pipewire:NAME)', () => {
  let session: PrivateSession;
  let producer: Producer;
  let host: RunningHost;

  beforeAll(async () => {
    session = await startPrivateSession();
    const daemon = {
      runtimeDir: session.runtimeDir,
      socketPath: join(session.runtimeDir, 'pipewire-0'),
      stop: session.stop,
    };
    producer = await startProducer(daemon, {
      name: 'pf-host-e2e',
      width: WIDTH,
      height: HEIGHT,
      format: 'BGRx',
      memfd: true,
    });
    host = await startHost(newConfigDir(), {
      ...sessionEnv(session),
      PUNKTFUNK_CAPTURE: 'pipewire:pf-host-e2e',
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await producer?.stop();
    await session?.stop();
  });

  it('streams the node; when the producer stops the stream fails (0x800e9403) and the host keeps serving', async () => {
    const client = await pairedClient(host, '9753');
    const stream = await launchStream(host, client);
    await sleep(2500);
    const rgb = stream.decoder.lastRgb();
    expect(stream.decoded()).toBeGreaterThan(20);
    expect(showsQuadrants(rgb)).toBe(true);
    expect((await status(host)).desktop).toMatchObject({
      backend: 'pipewire',
      description: 'pipewire node pf-host-e2e',
      inputInjector: null,
    });

    await producer.stop();
    const end = await stream.ended;
    stream.decoder.close();
    expect(end).toMatchObject({
      reason: 'termination',
      terminationCode: TERMINATION_FRAME_FAILED,
      graceful: false,
    });
    // Logged just before the termination went out; the two reach this process on different pipes.
    await waitForOutput(host, /GameStream: stream \w+ failed: /, 5000);
    expect(leaf(await client.http('/serverinfo'), 'hostname')).toMatch(/.+/);
    expect((await host.api('/health')).status).toBe(200);
  }, 60_000);
});

describe('GameStream through the desktop portal on headless GNOME (PUNKTFUNK_CAPTURE=portal)', () => {
  let gnome: HeadlessGnome;
  let window: WlTestWindow;
  let bus: SessionBus;
  let eyes: MutterSession;
  let person: PersonAtDesktop;
  let host: RunningHost;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(WIDTH, HEIGHT, { portal: true });
    window = await openWlTestWindow(gnome);
    bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
    eyes = await startMutterSession(bus, { connector: null, cursor: 'embedded' });
    person = new PersonAtDesktop(gnome, eyes);
    // Screen only: GNOME 43's portal persists screen casts but not remote
    // desktop, and this host's second launch must start with no dialog.
    host = await startHost(newConfigDir(), {
      ...sessionEnv(gnome),
      PUNKTFUNK_CAPTURE: 'portal',
      PUNKTFUNK_PORTAL_INPUT: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await eyes?.close();
    bus?.disconnect();
    await window?.stop();
    await gnome?.stop();
  });

  it('the first launch waits at the dialog (status says so) until Share; the token (0600) starts the second with no dialog', async () => {
    const client = await pairedClient(host, '8642');
    const first = launchStream(host, client, 60_000);
    expect(await person.seesDialog(true)).toBe(true);
    expect(await until(async () => (await status(host)).desktop.waitingForApproval)).toBe(true);
    await person.click(MONITOR_ROW);
    await person.click(SHARE_BUTTON);
    const stream = await first;
    await sleep(3000);
    const rgb = stream.decoder.lastRgb();
    expect((await status(host)).desktop).toMatchObject({ backend: 'portal', waitingForApproval: false });
    expect((await stream.cancel()).graceful).toBe(true);
    expect(showsQuadrants(rgb)).toBe(true);
    const tokenFile = join(host.configDir, 'portal-restore-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

    const second = await launchStream(host, client);
    await sleep(2500);
    const again = second.decoder.lastRgb();
    await second.cancel();
    expect(showsQuadrants(again)).toBe(true);
    expect(host.output().match(/desktop portal: waiting for approval/g)).toHaveLength(1);
    expect(host.output()).toMatch(/from portal 1280x720 \(PipeWire node \d+, fd\)/);
  }, 120_000);

  it("with the portal's remote desktop (the default): one dialog for screen and input; Moonlight's mouse and keyboard reach the window", async () => {
    const inputHost = await startHost(newConfigDir(), { ...sessionEnv(gnome), PUNKTFUNK_CAPTURE: 'portal' });
    try {
      const client = await pairedClient(inputHost, '2468');
      const launched = launchStream(inputHost, client, 60_000);
      expect(await person.seesDialog(true)).toBe(true);
      // As above, and time for the dialog to take clicks: a switch clicked too early stays off.
      expect(await until(async () => (await status(inputHost)).desktop.waitingForApproval)).toBe(true);
      await person.click(REMOTE_INTERACTION_SWITCH);
      await person.click(SHARE_BUTTON);
      const stream = await launched;
      window.events.length = 0;
      const seen = await moonlightInputReachesWindow(stream, window, false);
      const shown = await status(inputHost);
      const end = await stream.cancel();

      expect(end.graceful).toBe(true);
      expect(shown.desktop).toMatchObject({ backend: 'portal', inputInjector: 'portal' });
      expectInputSeen(seen);
      expect(inputHost.output()).toContain(
        "GameStream input: mouse and keyboard go to the desktop portal's remote desktop",
      );
    } finally {
      await inputHost.stop();
    }
  }, 120_000);
});

describe('GameStream streaming headless sway through wlroots screencopy (PUNKTFUNK_CAPTURE=wlr)', () => {
  let sway: HeadlessSway;
  let window: WlTestWindow;
  let host: RunningHost;

  beforeAll(async () => {
    sway = await startHeadlessSway(WIDTH, HEIGHT);
    window = await openWlTestWindow(sway);
    host = await startHost(newConfigDir(), { ...sessionEnv(sway), PUNKTFUNK_CAPTURE: 'wlr' });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await window?.stop();
    await sway?.stop();
  });

  it('the decoded stream shows the Wayland window; the session settings and /api/v1/status name the wlr capture', async () => {
    const { rgb, shown, end, decoded } = await streamWithCaptureArmed(host);

    expect(end.graceful).toBe(true);
    expect(decoded).toBeGreaterThan(30);
    expect(showsQuadrants(rgb)).toBe(true);
    expect(shown.desktop).toEqual({
      configured: 'wlr',
      backend: 'wlr',
      description: `wlr ${sway.outputName} 1280x720 (screencopy)`,
      size: { width: WIDTH, height: HEIGHT },
      inputInjector: 'wlr',
      waitingForApproval: false,
    });
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    expect(String(capture.meta.sessions[0]?.settings.capture)).toBe(
      `wlr ${sway.outputName} 1280x720 (screencopy)`,
    );
    expect(host.output()).toMatch(
      new RegExp(`capture: wlr screencopy 1280x720 \\w+( \\(damage\\))?, output ${sway.outputName}, 1:1`),
    );
  }, 60_000);

  it("Moonlight's mouse and keyboard reach the Wayland window through the wlroots virtual pointer and keyboard", async () => {
    const client = await pairedClient(host, '9753');
    const stream = await launchStream(host, client);
    const seen = await moonlightInputReachesWindow(stream, window, true);
    const end = await stream.cancel();

    expect(end.graceful).toBe(true);
    expectInputSeen(seen);
    expect(host.output()).toContain(
      `GameStream input: mouse and keyboard go to the wlroots virtual pointer and keyboard on ${sway.waylandDisplay}`,
    );
  }, 60_000);

  it('the punktfunk/1 path opens the same way: every frame of the screencopy capture decodes', async () => {
    const args = ['--host', '127.0.0.1', '--port', String(host.nativePort), '--seconds', '2', '--json'];
    const run = await runClient(args, { PUNKTFUNK_CLIENT_DIR: join(host.configDir, 'client') });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { framesDecoded: number; decodeErrors: number };
    expect(summary.framesDecoded).toBeGreaterThan(30);
    expect(summary.decodeErrors).toBe(0);
    expect(host.output()).toContain(`streaming wlr ${sway.outputName} 1280x720 (screencopy)`);
  }, 60_000);

  it('auto in the sway session picks wlr (no Mutter, the compositor offers screencopy), says why and streams it', async () => {
    const auto = await startHost(newConfigDir(), { ...sessionEnv(sway), PUNKTFUNK_CAPTURE: 'auto' });
    try {
      const client = await pairedClient(auto, '2468');
      const stream = await launchStream(auto, client);
      await sleep(2000);
      const rgb = stream.decoder.lastRgb();
      const shown = await status(auto);
      await stream.cancel();
      expect(showsQuadrants(rgb)).toBe(true);
      expect(shown.desktop).toMatchObject({ configured: 'auto', backend: 'wlr', inputInjector: 'wlr' });
      expect(auto.output()).toContain(
        `desktop: auto picked wlr (WAYLAND_DISPLAY=${sway.waylandDisplay}, GNOME's screen-cast API does not answer ` +
          `(org.gnome.Mutter.ScreenCast is not on the session D-Bus), the compositor offers wlroots screencopy ` +
          `(${sway.outputName} 1280x720))`,
      );
    } finally {
      await auto.stop();
    }
  }, 60_000);

  it('an output that is not there: the stream start fails with the reason (termination 0x800e9403); the host keeps serving', async () => {
    const env = { ...sessionEnv(sway), PUNKTFUNK_CAPTURE: 'wlr', PUNKTFUNK_WLR_OUTPUT: 'DP-9' };
    const missing = await startHost(newConfigDir(), env);
    try {
      const client = await pairedClient(missing, '1122');
      const keys = newLaunchKeys();
      expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe(
        '1',
      );
      const session = await startStreamSession({
        rtspPort: missing.gamestream?.rtspPort ?? 0,
        rikey: keys.rikey,
        rikeyId: keys.rikeyId,
      });
      const end = await session.ended;
      expect(end).toMatchObject({
        reason: 'termination',
        terminationCode: TERMINATION_FRAME_FAILED,
        graceful: false,
      });
      expect(missing.output()).toMatch(
        new RegExp(
          `GameStream: the desktop could not be opened: .*has no output named DP-9 \\(outputs: ${sway.outputName}\\)`,
        ),
      );
      expect(leaf(await client.http('/serverinfo'), 'hostname')).toMatch(/.+/);
      expect((await missing.api('/health')).status).toBe(200);
    } finally {
      await missing.stop();
    }
  }, 60_000);
});

describe('mutter forced where the session bus is not there (GameStream and punktfunk/1)', () => {
  it('the stream start fails with the reason (termination 0x800e9403); the host keeps serving', async () => {
    const env = {
      PUNKTFUNK_CAPTURE: 'mutter',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/punktfunk-bus',
    };
    const host = await startHost(newConfigDir(), env);
    try {
      const client = await pairedClient(host, '1122');
      const keys = newLaunchKeys();
      expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe(
        '1',
      );
      const session = await startStreamSession({
        rtspPort: host.gamestream?.rtspPort ?? 0,
        rikey: keys.rikey,
        rikeyId: keys.rikeyId,
      });
      const end = await session.ended;
      expect(end).toMatchObject({
        reason: 'termination',
        terminationCode: TERMINATION_FRAME_FAILED,
        graceful: false,
      });
      await waitForOutput(
        host,
        /GameStream: the desktop could not be opened: session D-Bus unix:path=\/nonexistent/,
        5000,
      );
      expect((await host.api('/health')).status).toBe(200);
    } finally {
      await host.stop();
    }
  }, 60_000);
});
