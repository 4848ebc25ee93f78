// WlrInputInjector against headless sway (wlroots) in a private session run
// by an unprivileged user: what it injects is read back from the Wayland test
// window, which is fullscreen on the only output and reports the pointer,
// button, axis and key events it receives (keysyms through the keymap the
// compositor hands it). The test window alone is also checked under headless
// mutter, which covers its output there too.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type HeadlessSway,
  startHeadlessGnome,
  startHeadlessSway,
} from '../../test-support/src/wayland-desktop.mjs';
import { NativeError, WlrInputInjector } from '../src/index.js';
import { errorOf } from './support/native-error.js';
import { openWlTestWindow, type WlTestWindow, type WlTestWindowEvent } from './support/wayland-window.js';

const OUTPUT = { width: 1280, height: 720 };
// evdev codes (linux/input-event-codes.h).
const BTN = { LEFT: 0x110, RIGHT: 0x111 };
const KEY = { A: 30, C: 46, LEFTSHIFT: 42 };
// X keysyms (keysymdef.h).
const XK = { a: 0x61, B: 0x42, c: 0x63, at: 0x40, Shift_L: 0xffe1 };
// Windows virtual-key codes (Limelight.h).
const VK = { A: 0x41, B: 0x42, C: 0x43, LSHIFT: 0xa0 };
const WL_AXIS = { vertical: 0, horizontal: 1 };

let sway: HeadlessSway;
let window: WlTestWindow;
let injector: WlrInputInjector;

beforeAll(async () => {
  sway = await startHeadlessSway(OUTPUT.width, OUTPUT.height);
  window = await openWlTestWindow(sway);
  injector = new WlrInputInjector({ display: sway.waylandDisplay, runtimeDir: sway.runtimeDir });
  // The headless seat has no devices until ours exist: input before the
  // window holds a wl_pointer and wl_keyboard would reach no one.
  await window.waitFor((e) => e.type === 'seat' && e.pointer && e.keyboard);
  await window.waitFor((e) => e.type === 'focus' && e.in);
}, 30_000);

afterAll(async () => {
  injector?.close();
  await window?.stop();
  await sway?.stop();
});

beforeEach(() => {
  window.events.length = 0;
});

type KeyEvent = Extract<WlTestWindowEvent, { type: 'key' }>;
const isKey = (press: boolean, keysym: number) => (e: WlTestWindowEvent) =>
  e.type === 'key' && e.press === press && e.keysym === keysym;

describe('wl_test_window under headless sway', () => {
  it('is fullscreen: its first shown buffer has the output size', () => {
    expect(window.ready).toEqual({ type: 'ready', ...OUTPUT });
  });

  it('shows the four quadrants over the whole output (grim screenshot)', () => {
    const png = join(sway.runtimeDir, 'shot.ppm');
    // grim writes PPM with -t ppm: raw RGB after a short header, easy to read back.
    const shot = spawnSync('grim', ['-t', 'ppm', png], {
      env: sway.env,
      ...(sway.user ? { uid: sway.user.uid, gid: sway.user.gid } : {}),
    });
    expect(shot.status, String(shot.stderr)).toBe(0);
    const data = readFileSync(png);
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 32).toString('latin1'));
    expect(header && [Number(header[1]), Number(header[2])]).toEqual([OUTPUT.width, OUTPUT.height]);
    const pixels = data.subarray(header![0].length);
    const at = (x: number, y: number) => [
      ...pixels.subarray((y * OUTPUT.width + x) * 3, (y * OUTPUT.width + x) * 3 + 3),
    ];
    const corners = [
      at(0, 0),
      at(OUTPUT.width - 1, 0),
      at(0, OUTPUT.height - 1),
      at(OUTPUT.width - 1, OUTPUT.height - 1),
    ];
    expect(corners).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
    const centres = [at(320, 180), at(960, 180), at(320, 540), at(960, 540)];
    expect(centres).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
  });
});

describe('WlrInputInjector: pointer', () => {
  it('reports the output size', () => {
    expect(injector.screenSize()).toEqual(OUTPUT);
  });

  it('absolute motion lands on the output pixel, which is the same surface coordinate', async () => {
    injector.moveTo(300, 200);
    await window.waitFor((e) => e.type === 'motion' && e.x === 300 && e.y === 200);
    injector.moveTo(1279, 719);
    await window.waitFor((e) => e.type === 'motion' && e.x === 1279 && e.y === 719);
  });

  it('absolute motion beyond the output is clamped to its edge', async () => {
    injector.moveTo(5000, -40);
    await window.waitFor((e) => e.type === 'motion' && e.x === OUTPUT.width - 1 && e.y === 0);
  });

  it('relative motion moves from where the pointer is', async () => {
    injector.moveTo(250, 250);
    injector.moveBy(-30, 45);
    await window.waitFor((e) => e.type === 'motion' && e.x === 220 && e.y === 295);
  });

  it('left and right clicks arrive as BTN_LEFT and BTN_RIGHT presses and releases', async () => {
    injector.moveTo(100, 100);
    for (const [button, code] of [
      ['left', BTN.LEFT],
      ['right', BTN.RIGHT],
    ] as const) {
      injector.button(button, true);
      injector.button(button, false);
      await window.waitFor((e) => e.type === 'button' && e.press && e.button === code);
      await window.waitFor((e) => e.type === 'button' && !e.press && e.button === code);
    }
  });

  it('scroll: 120 is one wheel step (up is negative on the Wayland axis); smaller amounts add up', async () => {
    injector.moveTo(400, 400);
    expect(injector.scroll(60)).toBe(0);
    expect(injector.scroll(60)).toBe(1);
    expect(injector.scroll(-240)).toBe(2);
    expect(injector.scroll(0, 120)).toBe(1);
    await window.waitFor((e) => e.type === 'axis_discrete' && e.axis === WL_AXIS.horizontal);
    const steps = window.events
      .filter((e) => e.type === 'axis_discrete')
      .map((e) => e.type === 'axis_discrete' && [e.axis, e.discrete]);
    expect(steps).toEqual([
      [WL_AXIS.vertical, -1],
      [WL_AXIS.vertical, 2],
      [WL_AXIS.horizontal, 1],
    ]);
  });
});

describe('WlrInputInjector: keyboard', () => {
  it("a key press and release arrive with the keysym of 'a' and no modifiers", async () => {
    expect(injector.key(VK.A, true)).toBe(true);
    expect(injector.key(VK.A, false)).toBe(true);
    const press = (await window.waitFor(isKey(true, XK.a))) as KeyEvent;
    await window.waitFor(isKey(false, XK.a));
    expect(press).toMatchObject({ key: KEY.A, utf8: 'a', shift: false });
  });

  it("Shift + B: Shift is a real key, the letter arrives as 'B' with Shift active", async () => {
    injector.key(VK.LSHIFT, true);
    injector.key(VK.B, true);
    injector.key(VK.B, false);
    injector.key(VK.LSHIFT, false);
    await window.waitFor(isKey(true, XK.Shift_L));
    await window.waitFor((e) => e.type === 'modifiers' && e.shift);
    const letter = (await window.waitFor(isKey(true, XK.B))) as KeyEvent;
    expect(letter).toMatchObject({ utf8: 'B', shift: true });
    await window.waitFor(isKey(false, XK.Shift_L));
    await window.waitFor((e) => e.type === 'modifiers' && !e.shift);
  });

  it("text: '@' is typed on its key with Shift around it; what the us keymap lacks is skipped", async () => {
    expect(injector.text('@x')).toEqual({ typed: 2, skipped: 0 });
    const at = (await window.waitFor(isKey(true, XK.at))) as KeyEvent;
    expect(at).toMatchObject({ utf8: '@', shift: true });
    await window.waitFor((e) => e.type === 'key' && e.press && e.utf8 === 'x' && !e.shift);
    expect(injector.text('é\u0001')).toEqual({ typed: 0, skipped: 2 });
  });

  it('keys held when the injector closes are released', async () => {
    const second = new WlrInputInjector({ display: join(sway.runtimeDir, sway.waylandDisplay) });
    expect(second.key(VK.C, true)).toBe(true);
    await window.waitFor(isKey(true, XK.c));
    second.close();
    const release = (await window.waitFor(isKey(false, XK.c))) as KeyEvent;
    expect(release.key).toBe(KEY.C);
  });
});

describe('WlrInputInjector: errors', () => {
  it('an absent compositor socket is COMPOSITOR_UNAVAILABLE at once, naming the path', () => {
    const started = Date.now();
    const error = errorOf(() => new WlrInputInjector({ display: 'wayland-77', runtimeDir: sway.runtimeDir }));
    expect(error.code).toBe('COMPOSITOR_UNAVAILABLE');
    expect(error.message).toContain(join(sway.runtimeDir, 'wayland-77'));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a socket that accepts but never answers is COMPOSITOR_UNAVAILABLE after timeoutMs, not a hang', async () => {
    const path = join(sway.runtimeDir, 'silent-socket');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      // The addon call is synchronous: the kernel's backlog accepts, nobody reads.
      const error = errorOf(() => new WlrInputInjector({ display: path, timeoutMs: 300 }));
      expect(error.code).toBe('COMPOSITOR_UNAVAILABLE');
      expect(error.message).toContain('did not answer within 300 ms');
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a named output that is not there is INPUT_UNAVAILABLE, listing the outputs; the first by name works', () => {
    const socket = { display: sway.waylandDisplay, runtimeDir: sway.runtimeDir };
    const error = errorOf(() => new WlrInputInjector({ ...socket, output: 'DP-9' }));
    expect(error.code).toBe('INPUT_UNAVAILABLE');
    expect(error.message).toContain(`has no output named DP-9 (outputs: ${sway.outputName})`);
    const named = new WlrInputInjector({ ...socket, output: sway.outputName });
    try {
      expect(named.screenSize()).toEqual({ width: 1280, height: 720 });
    } finally {
      named.close();
    }
    expect(errorOf(() => new WlrInputInjector({ ...socket, output: 'a b' })).code).toBe('INVALID_ARGUMENT');
  });

  it('options are checked in TypeScript: a name needs an absolute runtime dir', () => {
    const error = errorOf(() => new WlrInputInjector({ display: 'wayland-1', runtimeDir: 'relative' }));
    expect(error).toBeInstanceOf(NativeError);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => new WlrInputInjector({ display: '' })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => new WlrInputInjector({ display: '/x', timeoutMs: 0 })).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('wl_test_window under headless mutter', () => {
  it('becomes fullscreen on the virtual monitor; the wlroots injector is INPUT_UNAVAILABLE there', async () => {
    const mutter = await startHeadlessGnome(OUTPUT.width, OUTPUT.height);
    try {
      const gnomeWindow = await openWlTestWindow(mutter);
      expect(gnomeWindow.ready).toEqual({ type: 'ready', ...OUTPUT });
      // GNOME has no wlroots protocols: the injector says so with its code.
      const error = errorOf(
        () => new WlrInputInjector({ display: mutter.waylandDisplay, runtimeDir: mutter.runtimeDir }),
      );
      expect(error.code).toBe('INPUT_UNAVAILABLE');
      expect(error.message).toContain('zwlr_virtual_pointer_manager_v1 (not wlroots?)');
      await gnomeWindow.stop();
    } finally {
      await mutter.stop();
    }
  }, 40_000);
});
