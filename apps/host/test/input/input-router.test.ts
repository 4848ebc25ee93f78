// The host's input router with real injectors: decoded events from the
// protocol package go to a private Xvfb (read back through xdotool and the
// test window); gamepads meet a /dev/uinput that is not there. What cannot
// be injected is logged once per kind, and nothing the client sends throws.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInputPacket, type InputEvent } from '@punktfunk/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  openTestWindow,
  pointerPosition,
  startXvfb,
  type TestWindow,
  type XvfbDisplay,
} from '../../../../packages/native/test/support/x11-display.js';
import { InputRouter } from '../../src/input/input-router.js';

// A 4:3 screen in a 16:9 stream: the screen sits at x 160..1120 of the frame.
const SCREEN = { width: 800, height: 600 };
const STREAM = { width: 1280, height: 720 };
const WINDOW = { x: 0, y: 0, width: 800, height: 600 };
const XK_b = 0x62;
const XK_B = 0x42;
const XK_Shift_L = 0xffe1;
const SHIFT_MASK = 0x1;

let xvfb: XvfbDisplay;
let window: TestWindow;
let lines: string[];
const noUinput = () => join(mkdtempSync(join(tmpdir(), 'punktfunk-no-uinput-')), 'uinput');

function router(display: string | null = xvfb.name): InputRouter {
  return new InputRouter({
    target: display
      ? { kind: 'x11', display }
      : { kind: 'none', reason: 'no X display is configured (PUNKTFUNK_DISPLAY or DISPLAY)' },
    stream: STREAM,
    log: (line) => lines.push(line),
    uinputPath: noUinput(),
  });
}

const key = (virtualKey: number, down: boolean): InputEvent => ({
  kind: 'key',
  down,
  virtualKey,
  keyCode: 0x8000 | virtualKey,
  modifiers: 0,
  flags: 0,
});

const controller = (n: number, activeMask: number): InputEvent => ({
  kind: 'controller',
  state: {
    controller: n,
    activeMask,
    buttons: 0x1000,
    leftTrigger: 0,
    rightTrigger: 0,
    leftStickX: 0,
    leftStickY: 0,
    rightStickX: 0,
    rightStickY: 0,
  },
});

beforeAll(async () => {
  xvfb = await startXvfb(SCREEN.width, SCREEN.height);
  window = await openTestWindow(xvfb.name, WINDOW);
});

afterAll(async () => {
  await window?.stop();
  await xvfb?.stop();
});

beforeEach(() => {
  lines = [];
  window.events.length = 0;
});

describe('InputRouter into X', () => {
  it('absolute positions go through the letterbox to screen pixels; relative motion follows', () => {
    const input = router();
    input.handle({ kind: 'mouse-move-absolute', x: 640, y: 360, referenceWidth: 1280, referenceHeight: 720 });
    expect(pointerPosition(xvfb.name)).toEqual({ x: 400, y: 300 });
    input.handle({ kind: 'mouse-move-relative', dx: 25, dy: -10 });
    expect(pointerPosition(xvfb.name)).toEqual({ x: 425, y: 290 });
    expect(input.counters).toEqual({ injected: 2, dropped: 0 });
    input.close();
    expect(lines).toEqual([`GameStream input: mouse and keyboard go to X display ${xvfb.name}`]);
  });

  it('keys with Shift, a click and text reach the window', async () => {
    const input = router();
    input.handle({ kind: 'mouse-move-absolute', x: 200, y: 100, referenceWidth: 1280, referenceHeight: 720 });
    input.handle({ kind: 'mouse-button', button: 'left', down: true });
    input.handle({ kind: 'mouse-button', button: 'left', down: false });
    input.handle(key(0xa0, true));
    input.handle(key(0x42, true));
    input.handle(key(0x42, false));
    input.handle(key(0xa0, false));
    input.handle({ kind: 'text', text: 'b' });
    // (200 - 160) * 800 / 960 = 33; 100 * 600 / 720 = 83
    await window.waitFor((e) => e.type === 'button' && e.press && e.button === 1 && e.x === 33 && e.y === 83);
    const upper = await window.waitFor((e) => e.type === 'key' && e.press && e.keysym === XK_B);
    expect(upper.type === 'key' && upper.state & SHIFT_MASK).toBe(SHIFT_MASK);
    await window.waitFor((e) => e.type === 'key' && !e.press && e.keysym === XK_Shift_L);
    const typed = await window.waitFor((e) => e.type === 'key' && e.press && e.keysym === XK_b);
    expect(typed.type === 'key' && typed.state).toBe(0);
    input.close();
  });

  it('close() lets go of a key the client never released; later events are not taken', async () => {
    const input = router();
    input.handle(key(0x42, true));
    await window.waitFor((e) => e.type === 'key' && e.press && e.keysym === XK_b);
    input.close();
    await window.waitFor((e) => e.type === 'key' && !e.press && e.keysym === XK_b);
    input.handle(key(0x42, true));
    expect(input.counters).toEqual({ injected: 1, dropped: 0 });
  });
});

describe('InputRouter: what cannot be injected', () => {
  it('gamepads without /dev/uinput: one line, however many controller packets', () => {
    const input = router();
    for (let i = 0; i < 20; i++) input.handle(controller(0, 0b1));
    input.handle({
      kind: 'controller-arrival',
      controller: 1,
      type: 'xbox',
      capabilities: 0,
      supportedButtons: 0,
    });
    const said = lines.filter((l) => /gamepad/.test(l));
    expect(said).toEqual([
      expect.stringMatching(
        /^GameStream input: gamepad input cannot be injected: \/.*\/uinput is not present$/,
      ),
    ]);
    expect(input.counters.dropped).toBe(21);
    input.close();
  });

  it('no display configured: one line for all mouse and keyboard input', () => {
    const input = router(null);
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle(key(0x41, true));
    input.handle({ kind: 'text', text: 'x' });
    expect(lines).toEqual([
      'GameStream input: mouse and keyboard input cannot be injected: no X display is configured (PUNKTFUNK_DISPLAY or DISPLAY)',
    ]);
    expect(input.counters).toEqual({ injected: 0, dropped: 3 });
    input.close();
  });

  it('an unreachable display: one line with the reason', () => {
    const input = router(':239');
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 1 });
    input.handle({ kind: 'mouse-button', button: 'right', down: true });
    expect(lines).toEqual([
      expect.stringMatching(
        /^GameStream input: mouse and keyboard input cannot be injected: X display :239 is unreachable/,
      ),
    ]);
    input.close();
  });

  it('malformed, unknown and unsupported packets: dropped, one line each kind', () => {
    const input = router();
    for (let i = 0; i < 5; i++) {
      input.handle(decodeInputPacket(Buffer.from([0, 0, 0, 1])));
      input.handle({ kind: 'unknown', magic: 0x99, reason: 'unknown input magic 0x99' });
      input.handle({ kind: 'unsupported', what: 'touch' });
      input.handle({ kind: 'unsupported', what: 'pen' });
    }
    expect(lines).toEqual([
      expect.stringMatching(
        /^GameStream input: dropped a malformed packet \(an input packet is at least 8 bytes/,
      ),
      expect.stringMatching(/^GameStream input: dropped an unknown packet \(unknown input magic 0x99\)/),
      'GameStream input: touch input is not supported; ignored',
      'GameStream input: pen input is not supported; ignored',
    ]);
    expect(input.counters).toEqual({ injected: 0, dropped: 20 });
    input.close();
  });

  it("a client's enable-haptics (every Moonlight sends it, a view-only one too) is no warning", () => {
    const input = router();
    input.handle({ kind: 'unsupported', what: 'haptics' });
    expect(lines).toEqual([]);
    input.close();
  });

  it('a virtual key with no key: said once, the stream goes on', () => {
    const input = router();
    input.handle(key(0xff, true));
    input.handle(key(0xff, true));
    input.handle({ kind: 'mouse-move-relative', dx: 1, dy: 0 });
    expect(lines.filter((l) => /0xff/.test(l))).toEqual([
      `GameStream input: virtual key 0xff has no key on ${xvfb.name}; ignored`,
    ]);
    input.close();
  });
});
