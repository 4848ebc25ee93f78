// The uinput mouse and keyboard without /dev/uinput (this machine has none):
// the event mapping as a pure function, and the device's clear refusal.
// Also the keysym tables the engine shares with GNOME's injector.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keysymForCodePoint,
  keysymForVirtualKey,
  UinputMouseKeyboard,
  uinputDesktopEvents,
} from '../src/index.js';
import { errorOf } from './support/native-error.js';

// linux/input-event-codes.h
const EV = { SYN: 0, KEY: 1, REL: 2 };
const SYN = [EV.SYN, 0, 0];
const REL = { X: 0, Y: 1, HWHEEL: 6, WHEEL: 8, WHEEL_HI_RES: 11, HWHEEL_HI_RES: 12 };
const KEY = { A: 30, B: 48, C: 46, H: 35, LEFTSHIFT: 42, ONE: 2, SEMICOLON: 39, ENTER: 28, F13: 183 };
const BTN = { LEFT: 0x110, RIGHT: 0x111, EXTRA: 0x114 };
const VK = { A: 0x41, B: 0x42, C: 0x43, LSHIFT: 0xa0, OEM_1: 0xba, F13: 0x7c, RETURN: 0x0d };

describe('uinputDesktopEvents: the mouse', () => {
  it('relative motion is REL_X and REL_Y, closed by SYN_REPORT; no motion is no event', () => {
    expect(
      uinputDesktopEvents([
        { kind: 'moveBy', dx: 5, dy: -3 },
        { kind: 'moveBy', dx: 0, dy: 0 },
      ]),
    ).toEqual([
      { mouse: [[EV.REL, REL.X, 5], [EV.REL, REL.Y, -3], SYN], keyboard: [] },
      { mouse: [], keyboard: [] },
    ]);
  });

  it('buttons are evdev codes, left through x2', () => {
    const [left, x2] = uinputDesktopEvents([
      { kind: 'button', button: 'left', down: true },
      { kind: 'button', button: 'x2', down: false },
    ]);
    expect(left?.mouse).toEqual([[EV.KEY, BTN.LEFT, 1], SYN]);
    expect(x2?.mouse).toEqual([[EV.KEY, BTN.EXTRA, 0], SYN]);
  });

  it("scroll: hi-res axes take Moonlight's amounts (120 a notch, up positive), the wheel whole notches", () => {
    const events = uinputDesktopEvents([
      { kind: 'scroll', vertical: 60, horizontal: 0 },
      { kind: 'scroll', vertical: 60, horizontal: 0 },
      { kind: 'scroll', vertical: -240, horizontal: 120 },
    ]);
    expect(events.map((e) => e?.mouse)).toEqual([
      [[EV.REL, REL.WHEEL_HI_RES, 60], SYN],
      [[EV.REL, REL.WHEEL_HI_RES, 60], [EV.REL, REL.WHEEL, 1], SYN],
      [
        [EV.REL, REL.WHEEL_HI_RES, -240],
        [EV.REL, REL.WHEEL, -2],
        [EV.REL, REL.HWHEEL_HI_RES, 120],
        [EV.REL, REL.HWHEEL, 1],
        SYN,
      ],
    ]);
  });
});

describe('uinputDesktopEvents: the keyboard', () => {
  it('virtual keys are US key positions; a key with none is null', () => {
    const events = uinputDesktopEvents([
      { kind: 'key', virtualKey: VK.A, down: true },
      { kind: 'key', virtualKey: VK.OEM_1, down: true },
      { kind: 'key', virtualKey: VK.F13, down: false },
      { kind: 'key', virtualKey: 0xff, down: true },
    ]);
    expect(events).toEqual([
      { mouse: [], keyboard: [[EV.KEY, KEY.A, 1], SYN] },
      { mouse: [], keyboard: [[EV.KEY, KEY.SEMICOLON, 1], SYN] },
      { mouse: [], keyboard: [[EV.KEY, KEY.F13, 0], SYN] },
      null,
    ]);
  });

  it("text: Shift around what needs it, Enter for a newline; what a US keyboard lacks ('é') is skipped", () => {
    const [typed] = uinputDesktopEvents([{ kind: 'text', text: 'h!é\n' }]);
    expect(typed?.keyboard).toEqual([
      [EV.KEY, KEY.H, 1],
      SYN,
      [EV.KEY, KEY.H, 0],
      SYN,
      [EV.KEY, KEY.LEFTSHIFT, 1],
      [EV.KEY, KEY.ONE, 1],
      SYN,
      [EV.KEY, KEY.ONE, 0],
      [EV.KEY, KEY.LEFTSHIFT, 0],
      SYN,
      [EV.KEY, KEY.ENTER, 1],
      SYN,
      [EV.KEY, KEY.ENTER, 0],
      SYN,
    ]);
  });

  it('releaseAll lets go of the keys and buttons still held, nothing else', () => {
    const events = uinputDesktopEvents([
      { kind: 'key', virtualKey: VK.LSHIFT, down: true },
      { kind: 'key', virtualKey: VK.B, down: true },
      { kind: 'key', virtualKey: VK.B, down: false },
      { kind: 'key', virtualKey: VK.C, down: true },
      { kind: 'button', button: 'right', down: true },
      { kind: 'releaseAll' },
    ]);
    expect(events.at(-1)).toEqual({
      keyboard: [[EV.KEY, KEY.LEFTSHIFT, 0], [EV.KEY, KEY.C, 0], SYN],
      mouse: [[EV.KEY, BTN.RIGHT, 0], SYN],
    });
  });

  it('arguments are checked in TypeScript', () => {
    expect(errorOf(() => uinputDesktopEvents([{ kind: 'key', virtualKey: 300, down: true }])).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(errorOf(() => uinputDesktopEvents([{ kind: 'moveBy', dx: 0.5, dy: 0 }])).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('UinputMouseKeyboard without /dev/uinput', () => {
  it('an absent device node is UINPUT_UNAVAILABLE naming the path', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'punktfunk-no-uinput-')), 'uinput');
    const error = errorOf(() => new UinputMouseKeyboard({ devicePath: missing }));
    expect(error.code).toBe('UINPUT_UNAVAILABLE');
    expect(error.message).toBe(
      `mouse and keyboard input cannot be injected through uinput: ${missing} is not present`,
    );
  });

  it('a file that is not a uinput device is refused with its reason', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'punktfunk-fake-uinput-')), 'uinput');
    writeFileSync(file, '');
    const error = errorOf(() => new UinputMouseKeyboard({ devicePath: file }));
    expect(error.code).toBe('UINPUT_UNAVAILABLE');
    expect(error.message).toMatch(/refused UI_SET_EVBIT .*not a uinput device\?/);
  });
});

describe('the keysym tables', () => {
  it('virtual keys: letters are their unshifted keysym, modifiers and function keys their own', () => {
    expect(keysymForVirtualKey(VK.A)).toBe(0x61);
    expect(keysymForVirtualKey(VK.LSHIFT)).toBe(0xffe1);
    expect(keysymForVirtualKey(VK.RETURN)).toBe(0xff0d);
    expect(keysymForVirtualKey(0xff)).toBe(0);
    expect(errorOf(() => keysymForVirtualKey(256)).code).toBe('INVALID_ARGUMENT');
  });

  it('code points: Latin-1 is its own keysym, the rest 0x01000000 + code point, controls none', () => {
    expect(keysymForCodePoint(0x68)).toBe(0x68);
    expect(keysymForCodePoint(0xe9)).toBe(0xe9);
    expect(keysymForCodePoint(0x20ac)).toBe(0x010020ac);
    expect(keysymForCodePoint(0x0a)).toBe(0xff0d);
    expect(keysymForCodePoint(0x01)).toBe(0);
  });
});
