// Input over GameStream, end to end: a real host with PUNKTFUNK_DISPLAY on a
// private Xvfb (1024x768: a 4:3 screen letterboxed in the 1280x720 stream),
// the project's own Moonlight-style client pairs, launches, streams, and
// sends input packets built from Input.h over the encrypted control stream.
// Where they land is read back from the X server (xdotool) and from the
// focused test window's own events: the pointer at the letterboxed place,
// clicks, keys with Shift and Ctrl, text with é and €. Garbage and cut input
// packets change nothing and the stream goes on; controller packets, with no
// /dev/uinput here, cost one log line.
import { existsSync } from 'node:fs';
import {
  controllerArrival,
  GameStreamClient,
  keyboard,
  MODIFIER_CTRL,
  MODIFIER_SHIFT,
  mouseButton,
  mouseMoveAbsolute,
  mouseMoveRelative,
  multiController,
  newLaunchKeys,
  type StreamSession,
  scroll,
  startStreamSession,
  utf8Text,
  VirtualKey,
} from '@punktfunk/gamestream-client';
import { leaf, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestWindow,
  pointerPosition,
  startXvfb,
  type TestWindow,
  type TestWindowEvent,
  type XvfbDisplay,
} from '../../../../packages/native/test/support/x11-display.js';

const SCREEN = { width: 1024, height: 768 };
const STREAM = { width: 1280, height: 720 };
// The test window covers the screen: every event lands in it, at screen coordinates.
const WINDOW = { x: 0, y: 0, ...SCREEN };
// The client's own window, larger than the stream (its reference size).
const CLIENT_WINDOW = { width: 1920, height: 1080 };
// X keysyms and the core state bits.
const XK = {
  a: 0x61,
  A: 0x41,
  b: 0x62,
  h: 0x68,
  l: 0x6c,
  o: 0x6f,
  eacute: 0xe9,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
};
const EURO = 0x01000000 | 0x20ac;
const SHIFT_MASK = 0x1;
const CONTROL_MASK = 0x4;

let xvfb: XvfbDisplay;
let window: TestWindow;
let host: RunningHost;
let client: GameStreamClient;
let session: StreamSession;
let framesDelivered = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen in ${timeoutMs} ms:\n${host.output().slice(-3000)}`);
    await sleep(20);
  }
}

/**
 * Where the host must put a client position: the client's window → the
 * 1280x720 frame → the screen's rectangle in it. A 1024x768 screen fills
 * the frame's height: 960x720 at x 160 (worked out by hand, not by the host's code).
 */
function expectedScreen(clientX: number, clientY: number): { x: number; y: number } {
  // Moonlight sends its window size minus one as the reference.
  const frameX = (clientX * STREAM.width) / (CLIENT_WINDOW.width - 1);
  const frameY = (clientY * STREAM.height) / (CLIENT_WINDOW.height - 1);
  return { x: Math.floor(((frameX - 160) * 1024) / 960), y: Math.floor((frameY * 768) / 720) };
}

const keyEvent = (press: boolean, keysym: number) => (e: TestWindowEvent) =>
  e.type === 'key' && e.press === press && e.keysym === keysym;

/** The window's events from index `from` on, of one type. */
function eventsSince(from: number, type: TestWindowEvent['type']): TestWindowEvent[] {
  return window.events.slice(from).filter((e) => e.type === type);
}

beforeAll(async () => {
  xvfb = await startXvfb(SCREEN.width, SCREEN.height);
  window = await openTestWindow(xvfb.name, WINDOW);
  // Capture stays synthetic (the helper's default): this test is about input.
  host = await startHost(newConfigDir(), { PUNKTFUNK_DISPLAY: xvfb.name });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  expect((await client.pair('4321', async () => void (await enterPin(host, '4321')))).paired).toBe(true);
  const keys = newLaunchKeys();
  const launch = await client.launch({ mode: `${STREAM.width}x${STREAM.height}x60`, ...keys.launchParams });
  expect(leaf(launch, 'gamesession')).toBe('1');
  session = await startStreamSession({
    rtspPort: gamestream.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: STREAM.width,
    height: STREAM.height,
    onVideoFrame: () => framesDelivered++,
  });
  await waitUntil('the first video frames', () => framesDelivered > 5);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await window?.stop();
  await xvfb?.stop();
});

describe('GameStream input into the X display', () => {
  it('absolute motion (client reference 1919x1079) lands letterboxed on the 1024x768 screen; relative motion follows', async () => {
    const target = expectedScreen(960, 540);
    expect(target).toEqual({ x: 512, y: 384 });
    session.control.sendInput(mouseMoveAbsolute(960, 540, CLIENT_WINDOW.width, CLIENT_WINDOW.height));
    await window.waitFor((e) => e.type === 'motion' && e.x === target.x && e.y === target.y);
    expect(pointerPosition(xvfb.name)).toEqual(target);

    const corner = expectedScreen(1600, 900);
    session.control.sendInput(mouseMoveAbsolute(1600, 900, CLIENT_WINDOW.width, CLIENT_WINDOW.height));
    await window.waitFor((e) => e.type === 'motion' && e.x === corner.x && e.y === corner.y);

    session.control.sendInput(mouseMoveRelative(-40, 25));
    await window.waitFor((e) => e.type === 'motion' && e.x === corner.x - 40 && e.y === corner.y + 25);
    expect(pointerPosition(xvfb.name)).toEqual({ x: corner.x - 40, y: corner.y + 25 });
    await waitUntil('the host saying where input goes', () =>
      host.output().includes(`GameStream input: mouse and keyboard go to X display ${xvfb.name}`),
    );
  });

  it('clicks arrive at the pointer; a wheel notch is button 4', async () => {
    const at = pointerPosition(xvfb.name);
    session.control.sendInput(mouseButton(1, true));
    session.control.sendInput(mouseButton(1, false));
    session.control.sendInput(mouseButton(3, true));
    session.control.sendInput(mouseButton(3, false));
    session.control.sendInput(scroll(120));
    await window.waitFor(
      (e) => e.type === 'button' && e.press && e.button === 1 && e.x === at.x && e.y === at.y,
    );
    await window.waitFor((e) => e.type === 'button' && !e.press && e.button === 3);
    await window.waitFor((e) => e.type === 'button' && e.press && e.button === 4);
  });

  it('keys with modifiers: Shift+A arrives as A with Shift held, Ctrl+B with Control', async () => {
    const from = window.events.length;
    session.control.sendInput(keyboard(VirtualKey.LSHIFT, true, MODIFIER_SHIFT));
    session.control.sendInput(keyboard(VirtualKey.A, true, MODIFIER_SHIFT));
    session.control.sendInput(keyboard(VirtualKey.A, false, MODIFIER_SHIFT));
    session.control.sendInput(keyboard(VirtualKey.LSHIFT, false, 0));
    session.control.sendInput(keyboard(VirtualKey.LCONTROL, true, MODIFIER_CTRL));
    session.control.sendInput(keyboard(VirtualKey.B, true, MODIFIER_CTRL));
    session.control.sendInput(keyboard(VirtualKey.B, false, MODIFIER_CTRL));
    session.control.sendInput(keyboard(VirtualKey.LCONTROL, false, 0));
    await window.waitFor(keyEvent(false, XK.Control_L));
    const presses = eventsSince(from, 'key').filter((e) => e.type === 'key' && e.press);
    expect(presses.map((e) => e.type === 'key' && e.keysym)).toEqual([XK.Shift_L, XK.A, XK.Control_L, XK.b]);
    const [, upperA, , ctrlB] = presses;
    expect(upperA?.type === 'key' && upperA.state & SHIFT_MASK).toBe(SHIFT_MASK);
    expect(ctrlB?.type === 'key' && ctrlB.state & CONTROL_MASK).toBe(CONTROL_MASK);
  });

  it('text "héllo€" arrives as its keysyms, one code point per packet', async () => {
    const from = window.events.length;
    for (const packet of utf8Text('héllo€')) session.control.sendInput(packet);
    await window.waitFor(keyEvent(false, EURO));
    const typed = eventsSince(from, 'key')
      .filter((e) => e.type === 'key' && e.press)
      .map((e) => e.type === 'key' && e.keysym);
    expect(typed).toEqual([XK.h, XK.eacute, XK.l, XK.l, XK.o, EURO]);
  });

  it('garbage and truncated input packets change nothing; the stream carries on', async () => {
    const at = pointerPosition(xvfb.name);
    const from = window.events.length;
    const framesBefore = framesDelivered;
    const whole = keyboard(VirtualKey.A, true).bytes;
    const hostile = [
      Buffer.alloc(0),
      Buffer.from('hello'),
      whole.subarray(0, 9), // header says 10 bytes follow, 5 came
      Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), whole.subarray(4)]), // declared 4 GB
      Buffer.from([0, 0, 0, 4, 0x42, 0, 0, 0]), // unknown magic
      Buffer.from([0, 0, 0, 5, 0x08, 0, 0, 0, 9]), // mouse button 9
      Buffer.from([0, 0, 0, 6, 0x17, 0, 0, 0, 0xc3, 0x28]), // broken UTF-8
      Buffer.alloc(800, 0xee),
    ];
    for (const bytes of hostile) session.control.sendInput(bytes);
    // A marker behind them: once it has arrived, so has everything before it.
    session.control.sendInput(mouseMoveRelative(1, 0));
    await window.waitFor((e) => e.type === 'motion' && e.x === at.x + 1 && e.y === at.y);
    expect(eventsSince(from, 'key')).toEqual([]);
    expect(eventsSince(from, 'button')).toEqual([]);
    expect(eventsSince(from, 'motion')).toEqual([{ type: 'motion', x: at.x + 1, y: at.y }]);
    await waitUntil('more video frames', () => framesDelivered > framesBefore + 30);
    expect(session.control.connected).toBe(true);
    // Said once each, not per packet.
    expect(host.output().match(/GameStream input: dropped a malformed packet/g)?.length).toBe(1);
    expect(host.output().match(/GameStream input: dropped an unknown packet/g)?.length).toBe(1);
  });

  // Where /dev/uinput exists the host would make the pads instead.
  it.skipIf(existsSync('/dev/uinput'))(
    'controller packets without /dev/uinput: one log line saying gamepads cannot be injected',
    async () => {
      session.control.sendInput(controllerArrival(0, 1, 0x3, 0xffff));
      for (let i = 0; i < 10; i++) {
        session.control.sendInput(
          multiController({
            controller: 0,
            activeMask: 0b1,
            buttons: i % 2 ? 0x1000 : 0,
            leftTrigger: i * 20,
            rightTrigger: 0,
            leftStickX: i * 1000,
            leftStickY: 0,
            rightStickX: 0,
            rightStickY: 0,
          }),
        );
      }
      const at = pointerPosition(xvfb.name);
      session.control.sendInput(mouseMoveRelative(0, 1));
      await window.waitFor((e) => e.type === 'motion' && e.x === at.x && e.y === at.y + 1);
      const said = host.output().match(/GameStream input: gamepad input cannot be injected: [^\n]*/g);
      expect(said).toEqual([
        'GameStream input: gamepad input cannot be injected: /dev/uinput is not present',
      ]);
    },
  );

  it('ending the stream releases a key the client still held', async () => {
    session.control.sendInput(keyboard(VirtualKey.A, true));
    await window.waitFor(keyEvent(true, XK.a));
    const reply = await client.https('/cancel');
    expect(reply.statusCode).toBe(200);
    const end = await session.ended;
    expect(end).toMatchObject({
      reason: 'termination',
      terminationCode: TERMINATION_GRACEFUL,
      graceful: true,
    });
    await window.waitFor(keyEvent(false, XK.a));
  });
});
