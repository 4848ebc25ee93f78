// The host's input router into Wayland desktops, with real components: a
// Mutter remote-desktop session on headless GNOME, and the wlroots virtual
// devices of headless sway. Decoded GameStream input events go in; the
// Wayland test window (fullscreen on the only output) reports what arrives.
// Also: a 'none' target and a Mutter session that is gone are one log line
// each, never a throw.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputEvent } from '@punktfunk/protocol';
import {
  type HeadlessGnome,
  type HeadlessSway,
  startHeadlessGnome,
  startHeadlessSway,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  openWlTestWindow,
  type WlTestWindow,
  type WlTestWindowEvent,
} from '../../../../packages/native/test/support/wayland-window.js';
import type { DesktopInputTarget } from '../../src/desktop/input-target.js';
import { type MutterSession, startMutterSession } from '../../src/desktop/wayland/mutter-session.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import { InputRouter } from '../../src/input/input-router.js';

const SCREEN = { width: 1280, height: 720 };
// The client's mode: 1.5 times the screen, so positions are scaled by 2/3.
const STREAM = { width: 1920, height: 1080 };
const BTN = { LEFT: 0x110, RIGHT: 0x111 };
const XK = { a: 0x61, B: 0x42, h: 0x68, eacute: 0xe9, exclam: 0x21, c: 0x63, Shift_L: 0xffe1 };
const VK = { A: 0x41, B: 0x42, C: 0x43, LSHIFT: 0xa0 };
const WL_AXIS_VERTICAL = 0;

const noUinput = () => join(mkdtempSync(join(tmpdir(), 'punktfunk-no-uinput-')), 'uinput');

function newRouter(target: DesktopInputTarget, lines: string[]): InputRouter {
  return new InputRouter({ target, stream: STREAM, log: (l) => lines.push(l), uinputPath: noUinput() });
}

const key = (virtualKey: number, down: boolean): InputEvent => ({
  kind: 'key',
  down,
  virtualKey,
  keyCode: 0x8000 | virtualKey,
  modifiers: 0,
  flags: 0,
});
const absolute = (x: number, y: number): InputEvent => ({
  kind: 'mouse-move-absolute',
  x,
  y,
  referenceWidth: STREAM.width,
  referenceHeight: STREAM.height,
});
const isKey = (press: boolean, keysym: number) => (e: WlTestWindowEvent) =>
  e.type === 'key' && e.press === press && e.keysym === keysym;
const isMotion = (x: number, y: number) => (e: WlTestWindowEvent) =>
  e.type === 'motion' && e.x === x && e.y === y;
const isButton = (press: boolean, button: number) => (e: WlTestWindowEvent) =>
  e.type === 'button' && e.press === press && e.button === button;

/** Moves GNOME's pointer to (x, y) until the window reports it there (it may still be going fullscreen). */
async function untilPointerLandsAt(session: MutterSession, window: WlTestWindow, x: number, y: number) {
  const deadline = Date.now() + 10_000;
  const landed = () =>
    window.events.some((e) => (e.type === 'motion' || e.type === 'enter') && e.x === x && e.y === y);
  while (!landed() && Date.now() < deadline) {
    await session.input.pointerAbsolute(x + 1, y + 1);
    await session.input.pointerAbsolute(x, y);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(landed()).toBe(true);
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Absolute motion through the letterbox, relative motion, a left and a right click. */
async function checkPointer(input: InputRouter, window: WlTestWindow): Promise<void> {
  input.handle(absolute(960, 540));
  await window.waitFor(isMotion(640, 360));
  input.handle(absolute(300, 150));
  await window.waitFor(isMotion(200, 100));
  input.handle({ kind: 'mouse-move-relative', dx: 25, dy: -10 });
  await window.waitFor(isMotion(225, 90));
  for (const [button, code] of [
    ['left', BTN.LEFT],
    ['right', BTN.RIGHT],
  ] as const) {
    input.handle({ kind: 'mouse-button', button, down: true });
    input.handle({ kind: 'mouse-button', button, down: false });
    await window.waitFor(isButton(true, code));
    await window.waitFor(isButton(false, code));
  }
}

/** 'a', then Shift+B: Shift is a real key and the letter arrives as 'B' with Shift active. */
async function checkKeys(input: InputRouter, window: WlTestWindow): Promise<void> {
  input.handle(key(VK.A, true));
  input.handle(key(VK.A, false));
  expect(await window.waitFor(isKey(true, XK.a))).toMatchObject({ utf8: 'a', shift: false });
  await window.waitFor(isKey(false, XK.a));
  input.handle(key(VK.LSHIFT, true));
  input.handle(key(VK.B, true));
  input.handle(key(VK.B, false));
  input.handle(key(VK.LSHIFT, false));
  await window.waitFor(isKey(true, XK.Shift_L));
  expect(await window.waitFor(isKey(true, XK.B))).toMatchObject({ utf8: 'B', shift: true });
  await window.waitFor(isKey(false, XK.Shift_L));
}

/**
 * Scroll up one notch (two half notches), then down two: Moonlight's positive
 * is up, which is negative on the Wayland axis. Returns the steps up and
 * down the window saw (Mutter sends two notches as two steps, sway as one).
 */
async function checkScroll(input: InputRouter, window: WlTestWindow): Promise<{ up: number; down: number }> {
  const steps = () =>
    window.events
      .filter((e) => e.type === 'axis_discrete' && e.axis === WL_AXIS_VERTICAL)
      .map((e) => (e.type === 'axis_discrete' ? e.discrete : 0));
  input.handle({ kind: 'scroll-vertical', amount: 60 });
  input.handle({ kind: 'scroll-vertical', amount: 60 });
  await eventually(() => steps().length >= 1);
  input.handle({ kind: 'scroll-vertical', amount: -240 });
  const total = (sign: number) => steps().reduce((sum, s) => (Math.sign(s) === sign ? sum + s : sum), 0);
  await eventually(() => total(1) >= 2);
  expect(steps()[0]).toBeLessThan(0);
  return { up: -total(-1), down: total(1) };
}

describe('InputRouter into headless GNOME (Mutter remote desktop)', () => {
  let gnome: HeadlessGnome;
  let bus: SessionBus;
  let session: MutterSession;
  let window: WlTestWindow;
  let lines: string[];
  let target: Extract<DesktopInputTarget, { kind: 'mutter' }>;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(SCREEN.width, SCREEN.height);
    bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
    session = await startMutterSession(bus, { connector: null, cursor: 'metadata' });
    target = {
      kind: 'mutter',
      input: session.input,
      screen: { width: session.stream.width, height: session.stream.height },
      outputName: session.stream.outputName,
    };
    window = await openWlTestWindow(gnome);
    // Mutter makes the session's virtual pointer and keyboard at their first
    // call; until then the seat has neither and the window listens to none.
    await session.input.pointerRelative(0, 0);
    await session.input.keysym(XK.Shift_L, true);
    await session.input.keysym(XK.Shift_L, false);
    await window.waitFor((e) => e.type === 'seat' && e.pointer && e.keyboard, 10_000);
    await window.waitFor((e) => e.type === 'focus' && e.in, 10_000);
    // The window is fullscreen at the origin once a position lands on the same surface pixel.
    await untilPointerLandsAt(session, window, 5, 5);
  }, 40_000);

  afterAll(async () => {
    await window?.stop();
    await session?.close();
    bus?.disconnect();
    await gnome?.stop();
  });

  beforeEach(() => {
    lines = [];
    window.events.length = 0;
  });

  it('says once that input goes to GNOME; pointer motion, relative motion and clicks arrive', async () => {
    const input = newRouter(target, lines);
    await checkPointer(input, window);
    input.close();
    expect(lines).toEqual(["GameStream input: mouse and keyboard go to GNOME's remote desktop (Meta-0)"]);
    expect(input.counters).toEqual({ injected: 7, dropped: 0 });
  });

  it('keys: a, Shift+B', async () => {
    const input = newRouter(target, lines);
    input.handle(absolute(960, 540));
    input.handle({ kind: 'mouse-button', button: 'left', down: true });
    input.handle({ kind: 'mouse-button', button: 'left', down: false });
    await checkKeys(input, window);
    input.close();
  });

  it('scroll: up is one step up (negative), down two steps down', async () => {
    const input = newRouter(target, lines);
    input.handle(absolute(960, 540));
    expect(await checkScroll(input, window)).toEqual({ up: 1, down: 2 });
    input.close();
  });

  it("text 'hé!' is sent as keysyms; Mutter types what its keymap (us here) has, Shift levels included", async () => {
    const input = newRouter(target, lines);
    input.handle({ kind: 'text', text: 'hé!' });
    await window.waitFor(isKey(true, XK.h));
    expect(await window.waitFor(isKey(true, XK.exclam))).toMatchObject({ utf8: '!', shift: true });
    // 'é' (keysym 0xe9) has no key in GNOME's us layout: Mutter drops it with a warning of its own.
    expect(window.events.some(isKey(true, XK.eacute))).toBe(false);
    expect(lines.some((l) => /refused/.test(l))).toBe(false);
    input.close();
  });

  it('a key the client never released is released at close', async () => {
    const input = newRouter(target, lines);
    input.handle(key(VK.C, true));
    await window.waitFor(isKey(true, XK.c));
    input.close();
    await window.waitFor(isKey(false, XK.c));
  });

  it('a session GNOME has closed: one line, no throw, the stream goes on', async () => {
    const gone = await startMutterSession(bus, { connector: null, cursor: 'hidden' });
    await gone.close();
    const input = newRouter({ ...target, input: gone.input }, lines);
    for (let i = 0; i < 5; i++) input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle(key(VK.A, true));
    await eventually(() => lines.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    input.close();
    expect(lines).toEqual([
      "GameStream input: mouse and keyboard go to GNOME's remote desktop (Meta-0)",
      expect.stringMatching(/^GameStream input: GNOME's remote desktop refused input \(.+\); later failures/),
    ]);
  });
  it("a 'portal' target (the same calls as Mutter's) goes through the same injector, named for the portal", async () => {
    const portal: DesktopInputTarget = { kind: 'portal', input: session.input, screen: target.screen };
    const input = newRouter(portal, lines);
    await checkPointer(input, window);
    input.close();
    const gone = await startMutterSession(bus, { connector: null, cursor: 'hidden' });
    await gone.close();
    const refused = newRouter({ ...portal, input: gone.input }, lines);
    refused.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    await eventually(() => lines.length >= 3);
    refused.close();
    expect(lines).toEqual([
      "GameStream input: mouse and keyboard go to the desktop portal's remote desktop",
      "GameStream input: mouse and keyboard go to the desktop portal's remote desktop",
      expect.stringMatching(
        /^GameStream input: the desktop portal's remote desktop refused input \(.+\); later/,
      ),
    ]);
  });
});

describe('InputRouter into headless sway (wlroots virtual pointer and keyboard)', () => {
  let sway: HeadlessSway;
  let window: WlTestWindow;
  let lines: string[];
  let target: DesktopInputTarget;

  beforeAll(async () => {
    sway = await startHeadlessSway(SCREEN.width, SCREEN.height);
    window = await openWlTestWindow(sway);
    target = { kind: 'wlr', waylandDisplay: sway.waylandDisplay, runtimeDir: sway.runtimeDir };
  }, 30_000);

  afterAll(async () => {
    await window?.stop();
    await sway?.stop();
  });

  beforeEach(() => {
    lines = [];
    window.events.length = 0;
  });

  it('says once where input goes; pointer, clicks, scroll and keys arrive; a held key is released at close', async () => {
    const input = newRouter(target, lines);
    // The headless seat has no devices until the router's exist: open them with a first event.
    input.handle({ kind: 'mouse-move-relative', dx: 0, dy: 0 });
    await window.waitFor((e) => e.type === 'seat' && e.pointer && e.keyboard);
    await window.waitFor((e) => e.type === 'focus' && e.in);
    await checkPointer(input, window);
    await checkKeys(input, window);
    window.events.length = 0;
    expect(await checkScroll(input, window)).toEqual({ up: 1, down: 2 });
    input.handle(key(VK.C, true));
    await window.waitFor(isKey(true, XK.c));
    input.close();
    await window.waitFor(isKey(false, XK.c));
    expect(lines).toEqual([
      `GameStream input: mouse and keyboard go to the wlroots virtual pointer and keyboard on ${sway.waylandDisplay}`,
    ]);
  });
});

describe('InputRouter with no desktop to reach', () => {
  it("a 'none' target: one line with its reason, every event dropped", () => {
    const lines: string[] = [];
    const input = newRouter(
      { kind: 'none', reason: 'the capture is a PipeWire node with no desktop' },
      lines,
    );
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle(key(VK.A, true));
    input.handle({ kind: 'text', text: 'x' });
    input.close();
    expect(lines).toEqual([
      'GameStream input: mouse and keyboard input cannot be injected: the capture is a PipeWire node with no desktop',
    ]);
    expect(input.counters).toEqual({ injected: 0, dropped: 3 });
  });

  it('a wlroots socket that is not there, no /dev/uinput: one line with the compositor reason', () => {
    const lines: string[] = [];
    const runtimeDir = mkdtempSync(join(tmpdir(), 'punktfunk-no-wayland-'));
    const input = newRouter({ kind: 'wlr', waylandDisplay: 'wayland-9', runtimeDir }, lines);
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle(key(VK.A, true));
    input.close();
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^GameStream input: mouse and keyboard input cannot be injected: .*${runtimeDir}/wayland-9`,
        ),
      ),
    ]);
    expect(input.counters).toEqual({ injected: 0, dropped: 2 });
  });

  it('where /dev/uinput exists but refuses the devices: the uinput fallback is tried, both reasons in one line', () => {
    const lines: string[] = [];
    const fakeUinput = join(mkdtempSync(join(tmpdir(), 'punktfunk-fake-uinput-')), 'uinput');
    writeFileSync(fakeUinput, '');
    const input = new InputRouter({
      target: { kind: 'none', reason: 'nothing is captured' },
      stream: STREAM,
      log: (l) => lines.push(l),
      uinputPath: fakeUinput,
    });
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle({ kind: 'text', text: 'x' });
    input.close();
    expect(lines).toEqual([
      expect.stringMatching(
        /^GameStream input: mouse and keyboard input cannot be injected: nothing is captured; the uinput fallback failed too: mouse and keyboard input cannot be injected through uinput: .* refused UI_SET_EVBIT/,
      ),
    ]);
  });
});
