// X11InputInjector against a private Xvfb: what it injects is read back from
// the X server (xdotool's pointer position) and from the test window, which
// reports the key and button events it receives with their keysyms and
// modifier state. Gamepads: the mapping to evdev events, and the error where
// /dev/uinput cannot be used (this machine and CI have none).
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  gamepadEvents,
  NativeError,
  NEUTRAL_GAMEPAD,
  UinputGamepad,
  UinputGamepads,
  X11InputInjector,
} from '../src/index.js';
import {
  openTestWindow,
  pointerPosition,
  startXvfb,
  type TestWindow,
  type TestWindowEvent,
  type XvfbDisplay,
} from './support/x11-display.js';

const SCREEN = { width: 800, height: 600 };
const WINDOW = { x: 100, y: 50, width: 400, height: 300 };
// X keysyms (keysymdef.h) and core modifier bits.
const XK = { a: 0x61, A: 0x41, h: 0x68, l: 0x6c, o: 0x6f, eacute: 0xe9, Shift_L: 0xffe1, Control_L: 0xffe3 };
const EURO_UNICODE_KEYSYM = 0x01000000 | 0x20ac;
const SHIFT_MASK = 0x1;
const CONTROL_MASK = 0x4;
// Windows virtual-key codes (Limelight.h: keys of a US layout).
const VK = { A: 0x41, LSHIFT: 0xa0, LCONTROL: 0xa2 };

let xvfb: XvfbDisplay;
let window: TestWindow;
let injector: X11InputInjector;

beforeAll(async () => {
  xvfb = await startXvfb(SCREEN.width, SCREEN.height);
  window = await openTestWindow(xvfb.name, WINDOW);
  injector = new X11InputInjector({ display: xvfb.name });
});

afterAll(async () => {
  injector?.close();
  await window?.stop();
  await xvfb?.stop();
});

beforeEach(() => {
  window.events.length = 0;
});

const isKey = (press: boolean, keysym: number) => (e: TestWindowEvent) =>
  e.type === 'key' && e.press === press && e.keysym === keysym;

/** The key events the window reported (since the test began), in order. */
function keyEvents(): Extract<TestWindowEvent, { type: 'key' }>[] {
  return window.events.filter((e): e is Extract<TestWindowEvent, { type: 'key' }> => e.type === 'key');
}

describe('X11InputInjector: pointer', () => {
  it('reports the screen size from its own connection', () => {
    expect(injector.screenSize()).toEqual(SCREEN);
  });

  it('absolute motion lands on the screen pixel, and the window sees it at its own coordinates', async () => {
    injector.moveTo(300, 200);
    expect(pointerPosition(xvfb.name)).toEqual({ x: 300, y: 200 });
    await window.waitFor((e) => e.type === 'motion' && e.x === 300 - WINDOW.x && e.y === 200 - WINDOW.y);
  });

  it('absolute motion beyond the screen is clamped to its edge', () => {
    injector.moveTo(5000, -40);
    expect(pointerPosition(xvfb.name)).toEqual({ x: SCREEN.width - 1, y: 0 });
  });

  it('relative motion moves from where the pointer is', () => {
    injector.moveTo(250, 250);
    injector.moveBy(-30, 45);
    expect(pointerPosition(xvfb.name)).toEqual({ x: 220, y: 295 });
  });

  it('left, middle and right buttons arrive as X buttons 1, 2, 3 at the pointer; X1/X2 as 8 and 9', async () => {
    injector.moveTo(WINDOW.x + 20, WINDOW.y + 30);
    const expected: [Parameters<X11InputInjector['button']>[0], number][] = [
      ['left', 1],
      ['middle', 2],
      ['right', 3],
      ['x1', 8],
      ['x2', 9],
    ];
    for (const [button, xButton] of expected) {
      injector.button(button, true);
      injector.button(button, false);
      await window.waitFor(
        (e) => e.type === 'button' && e.press && e.button === xButton && e.x === 20 && e.y === 30,
      );
      await window.waitFor((e) => e.type === 'button' && !e.press && e.button === xButton);
    }
  });

  it('scroll: 120 is one click of button 4 (up) or 5 (down); smaller amounts add up; horizontal is 6/7', async () => {
    injector.moveTo(WINDOW.x + 10, WINDOW.y + 10);
    expect(injector.scroll(60)).toBe(0);
    expect(injector.scroll(60)).toBe(1);
    await window.waitFor((e) => e.type === 'button' && e.press && e.button === 4);
    expect(injector.scroll(-240)).toBe(2);
    expect(injector.scroll(0, 120)).toBe(1);
    expect(injector.scroll(0, -120)).toBe(1);
    await window.waitFor((e) => e.type === 'button' && e.press && e.button === 6);
    const presses = window.events
      .filter((e) => e.type === 'button' && e.press)
      .map((e) => e.type === 'button' && e.button);
    expect(presses).toEqual([4, 5, 5, 7, 6]);
  });

  it('a half notch one way then the other sends nothing (the remainder is dropped on a turn)', () => {
    expect(injector.scroll(100)).toBe(0);
    expect(injector.scroll(-100)).toBe(0);
    expect(injector.scroll(-20)).toBe(1);
  });
});

describe('X11InputInjector: keyboard', () => {
  it('a key press and release arrive at the focused window with its keysym', async () => {
    expect(injector.key(VK.A, true)).toBe(true);
    expect(injector.key(VK.A, false)).toBe(true);
    const press = await window.waitFor(isKey(true, XK.a));
    await window.waitFor(isKey(false, XK.a));
    expect(press).toMatchObject({ state: 0 });
  });

  it('Shift + A: Shift is a real key event, the letter arrives as A with the Shift bit in its state', async () => {
    injector.key(VK.LSHIFT, true);
    injector.key(VK.A, true);
    injector.key(VK.A, false);
    injector.key(VK.LSHIFT, false);
    await window.waitFor(isKey(true, XK.Shift_L));
    const letter = await window.waitFor(isKey(true, XK.A));
    expect(letter.type === 'key' && letter.state & SHIFT_MASK).toBe(SHIFT_MASK);
    await window.waitFor(isKey(false, XK.Shift_L));
  });

  it('Ctrl held: the modifier state of the next key carries Control', async () => {
    injector.key(VK.LCONTROL, true);
    injector.key(VK.A, true);
    injector.key(VK.A, false);
    injector.key(VK.LCONTROL, false);
    await window.waitFor(isKey(true, XK.Control_L));
    const letter = await window.waitFor(isKey(true, XK.a));
    expect(letter.type === 'key' && letter.state & CONTROL_MASK).toBe(CONTROL_MASK);
    await window.waitFor(isKey(false, XK.Control_L));
  });

  it('a virtual-key code with no key is refused without events', async () => {
    injector.moveTo(WINDOW.x + 1, WINDOW.y + 1);
    expect(injector.key(0xff, true)).toBe(false);
    // A marker after it: once the window sees the motion, it has seen all before.
    injector.moveBy(1, 0);
    await window.waitFor((e) => e.type === 'motion' && e.x === 2 && e.y === 1);
    expect(keyEvents()).toEqual([]);
  });

  it('text "héllo€": each code point arrives as its keysym (é Latin-1, € a Unicode keysym on a bound key)', async () => {
    expect(injector.text('héllo€')).toEqual({ typed: 6, skipped: 0 });
    await window.waitFor(isKey(false, EURO_UNICODE_KEYSYM));
    const typed = keyEvents()
      .filter((e) => e.press)
      .map((e) => e.keysym);
    expect(typed).toEqual([XK.h, XK.eacute, XK.l, XK.l, XK.o, EURO_UNICODE_KEYSYM]);
  });

  it('text needing Shift (upper case) presses Shift around the key', async () => {
    expect(injector.text('A')).toEqual({ typed: 1, skipped: 0 });
    const letter = await window.waitFor(isKey(true, XK.A));
    expect(letter.type === 'key' && letter.state & SHIFT_MASK).toBe(SHIFT_MASK);
    await window.waitFor(isKey(false, XK.Shift_L));
  });

  it('control characters other than newline and tab are skipped', () => {
    expect(injector.text('\u0001\u007f')).toEqual({ typed: 0, skipped: 2 });
  });

  it('releaseAll releases a held key and a held button', async () => {
    injector.moveTo(WINDOW.x + 5, WINDOW.y + 5);
    injector.key(VK.A, true);
    injector.button('left', true);
    await window.waitFor(isKey(true, XK.a));
    injector.releaseAll();
    await window.waitFor(isKey(false, XK.a));
    await window.waitFor((e) => e.type === 'button' && !e.press && e.button === 1);
    // Nothing is held any more: a key-up for it changes nothing.
    const before = window.events.length;
    injector.key(VK.A, false);
    injector.moveBy(1, 0);
    await window.waitFor((e) => e.type === 'motion' && e.x === 6);
    expect(window.events.slice(before).filter((e) => e.type === 'key')).toEqual([]);
  });

  it('arguments are checked before the engine: INVALID_ARGUMENT', () => {
    expect(() => injector.key(256, true)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => injector.moveTo(1.5, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => injector.button('side' as 'left', true)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('X11InputInjector: lifecycle', () => {
  it('an unreachable display is NativeError DISPLAY_UNAVAILABLE naming it', () => {
    let error: unknown;
    try {
      new X11InputInjector({ display: ':239' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeError);
    expect(error).toMatchObject({ code: 'DISPLAY_UNAVAILABLE', message: /X display :239 is unreachable/ });
  });

  it('close() releases what is held; calls after it are CLOSED', async () => {
    const second = new X11InputInjector({ display: xvfb.name });
    second.key(VK.A, true);
    await window.waitFor(isKey(true, XK.a));
    second.close();
    await window.waitFor(isKey(false, XK.a));
    expect(() => second.key(VK.A, true)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });
});

describe('gamepads', () => {
  // linux/input-event-codes.h
  const EV_SYN = 0;
  const EV_KEY = 1;
  const EV_ABS = 3;
  const BTN_A = 0x130;
  const BTN_Y = 0x134;
  const BTN_MODE = 0x13c;
  const ABS_X = 0x00;
  const ABS_Y = 0x01;
  const ABS_Z = 0x02;
  const ABS_RY = 0x04;
  const ABS_RZ = 0x05;
  const ABS_HAT0X = 0x10;
  const ABS_HAT0Y = 0x11;
  // Limelight.h button flags
  const A = 0x1000;
  const Y = 0x8000;
  const GUIDE = 0x400;
  const UP = 0x1;
  const LEFT = 0x4;

  it('no change, no events', () => {
    expect(gamepadEvents(NEUTRAL_GAMEPAD, NEUTRAL_GAMEPAD)).toEqual([]);
  });

  it('buttons become xpad key codes, pressed then released, each batch closed by SYN_REPORT', () => {
    const pressed = { ...NEUTRAL_GAMEPAD, buttons: A | Y | GUIDE };
    expect(gamepadEvents(NEUTRAL_GAMEPAD, pressed)).toEqual([
      [EV_KEY, BTN_A, 1],
      [EV_KEY, BTN_Y, 1],
      [EV_KEY, BTN_MODE, 1],
      [EV_SYN, 0, 0],
    ]);
    expect(gamepadEvents(pressed, { ...pressed, buttons: Y | GUIDE })).toEqual([
      [EV_KEY, BTN_A, 0],
      [EV_SYN, 0, 0],
    ]);
  });

  it('the dpad is a hat: up is -1 on HAT0Y, left -1 on HAT0X', () => {
    expect(gamepadEvents(NEUTRAL_GAMEPAD, { ...NEUTRAL_GAMEPAD, buttons: UP | LEFT })).toEqual([
      [EV_ABS, ABS_HAT0X, -1],
      [EV_ABS, ABS_HAT0Y, -1],
      [EV_SYN, 0, 0],
    ]);
  });

  it('sticks keep X, flip Y (evdev grows downwards), the extreme -32768 lands on 32767; triggers 0..255 on Z/RZ', () => {
    const state = {
      ...NEUTRAL_GAMEPAD,
      leftStickX: -32768,
      leftStickY: 1000,
      rightStickY: -32768,
      leftTrigger: 255,
      rightTrigger: 17,
    };
    expect(gamepadEvents(NEUTRAL_GAMEPAD, state)).toEqual([
      [EV_ABS, ABS_X, -32768],
      [EV_ABS, ABS_Y, -1000],
      [EV_ABS, ABS_Z, 255],
      [EV_ABS, ABS_RY, 32767],
      [EV_ABS, ABS_RZ, 17],
      [EV_SYN, 0, 0],
    ]);
  });

  it('states are checked: a stick beyond int16 is INVALID_ARGUMENT', () => {
    expect(() => gamepadEvents(NEUTRAL_GAMEPAD, { ...NEUTRAL_GAMEPAD, leftStickX: 40000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('without /dev/uinput: UINPUT_UNAVAILABLE, "gamepad input cannot be injected: /dev/uinput is not present"', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'punktfunk-uinput-')), 'uinput');
    expect(() => new UinputGamepad({ devicePath: missing })).toThrow(
      expect.objectContaining({
        code: 'UINPUT_UNAVAILABLE',
        message: `gamepad input cannot be injected: ${missing} is not present`,
      }),
    );
    expect(() => new UinputGamepads({ devicePath: missing }).update(0, NEUTRAL_GAMEPAD)).toThrow(
      expect.objectContaining({ code: 'UINPUT_UNAVAILABLE' }),
    );
  });

  // This machine and CI have no /dev/uinput; where there is one the pad would simply be made.
  it.skipIf(existsSync('/dev/uinput'))(
    'the default path where there is no uinput: "/dev/uinput is not present"',
    () => {
      expect(() => new UinputGamepad()).toThrow(
        expect.objectContaining({
          code: 'UINPUT_UNAVAILABLE',
          message: 'gamepad input cannot be injected: /dev/uinput is not present',
        }),
      );
    },
  );

  it('a file that is not a uinput device is refused with the ioctl named', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'punktfunk-uinput-')), 'plain-file');
    writeFileSync(file, '');
    expect(() => new UinputGamepad({ devicePath: file })).toThrow(
      expect.objectContaining({
        code: 'UINPUT_UNAVAILABLE',
        message: expect.stringMatching(/refused UI_SET_EVBIT/),
      }),
    );
  });

  // root opens any file for writing; only others see the permission check.
  it.skipIf(process.getuid?.() === 0)('a device node that is not writable is refused as such', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'punktfunk-uinput-')), 'read-only');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    expect(() => new UinputGamepad({ devicePath: file })).toThrow(
      expect.objectContaining({
        code: 'UINPUT_UNAVAILABLE',
        message: expect.stringMatching(/is not writable/),
      }),
    );
  });

  it('controller numbers beyond four get no pad, and need no /dev/uinput to say so', () => {
    const pads = new UinputGamepads({ devicePath: '/nonexistent/uinput' });
    expect(pads.update(4, NEUTRAL_GAMEPAD)).toBe(false);
    expect(pads.controllers).toEqual([]);
  });
});
