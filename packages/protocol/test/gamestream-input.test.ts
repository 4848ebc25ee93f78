// Moonlight input packets with plain bytes: each kind laid out field by field
// as moonlight-common-c's Input.h packs it (written here byte by byte, not
// with the decoder's tables), then every way a packet can be cut short or
// lie about its size, and a fuzz run that must never throw.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ControllerButton, decodeInputPacket, type InputEvent, KeyModifier } from '../src/index.js';

/** NV_INPUT_HEADER: BE32 size of what follows the size field, LE32 magic; then the body. */
function packet(magic: number, body: number[] | Buffer): Buffer {
  const bytes = Buffer.from(body);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(4 + bytes.length, 0);
  header.writeUInt32LE(magic >>> 0, 4);
  return Buffer.concat([header, bytes]);
}

const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const le16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe('decodeInputPacket: each kind', () => {
  it('relative mouse motion (0x07): BE16 deltas, signed', () => {
    expect(decodeInputPacket(packet(0x07, [...be16(-5), ...be16(300)]))).toEqual({
      kind: 'mouse-move-relative',
      dx: -5,
      dy: 300,
    });
  });

  it('absolute mouse motion (0x05): BE16 x, y, unused, reference width, height', () => {
    const body = [...be16(639), ...be16(10), 0, 0, ...be16(1279), ...be16(719)];
    expect(decodeInputPacket(packet(0x05, body))).toEqual({
      kind: 'mouse-move-absolute',
      x: 639,
      y: 10,
      referenceWidth: 1279,
      referenceHeight: 719,
    });
  });

  it('absolute motion with a zero reference size is malformed (nothing to scale by)', () => {
    const body = [...be16(1), ...be16(1), 0, 0, ...be16(0), ...be16(719)];
    expect(decodeInputPacket(packet(0x05, body))).toMatchObject({ kind: 'malformed' });
  });

  it.each([
    [1, 'left'],
    [2, 'middle'],
    [3, 'right'],
    [4, 'x1'],
    [5, 'x2'],
  ] as const)('mouse button %i is %s, down (0x08) and up (0x09)', (number, button) => {
    expect(decodeInputPacket(packet(0x08, [number]))).toEqual({ kind: 'mouse-button', button, down: true });
    expect(decodeInputPacket(packet(0x09, [number]))).toEqual({ kind: 'mouse-button', button, down: false });
  });

  it('mouse button 0 or 6 is malformed', () => {
    expect(decodeInputPacket(packet(0x08, [0]))).toMatchObject({ kind: 'malformed', reason: /button 0/ });
    expect(decodeInputPacket(packet(0x09, [6]))).toMatchObject({ kind: 'malformed', reason: /button 6/ });
  });

  it('vertical scroll (0x0a): BE16 amount twice, BE16 zero; high resolution', () => {
    expect(decodeInputPacket(packet(0x0a, [...be16(-120), ...be16(-120), 0, 0]))).toEqual({
      kind: 'scroll-vertical',
      amount: -120,
    });
    expect(decodeInputPacket(packet(0x0a, [...be16(30), ...be16(30), 0, 0]))).toEqual({
      kind: 'scroll-vertical',
      amount: 30,
    });
  });

  it('horizontal scroll (0x55000001): BE16 amount', () => {
    expect(decodeInputPacket(packet(0x55000001, be16(240)))).toEqual({
      kind: 'scroll-horizontal',
      amount: 240,
    });
  });

  it('key down (0x03) and up (0x04): flags, LE16 key code (VK in the low byte), modifiers, zero', () => {
    const keyCode = 0x8000 | 0x41;
    const down = packet(0x03, [0x01, ...le16(keyCode), KeyModifier.shift | KeyModifier.ctrl, 0, 0]);
    expect(decodeInputPacket(down)).toEqual({
      kind: 'key',
      down: true,
      virtualKey: 0x41,
      keyCode,
      modifiers: 0x03,
      flags: 0x01,
    });
    expect(decodeInputPacket(packet(0x04, [0, ...le16(0xa0), 0, 0, 0]))).toEqual({
      kind: 'key',
      down: false,
      virtualKey: 0xa0,
      keyCode: 0xa0,
      modifiers: 0,
      flags: 0,
    });
  });

  it('UTF-8 text (0x17): the body, one or more code points', () => {
    expect(decodeInputPacket(packet(0x17, Buffer.from('€', 'utf8')))).toEqual({ kind: 'text', text: '€' });
    expect(decodeInputPacket(packet(0x17, Buffer.from('héllo', 'utf8')))).toEqual({
      kind: 'text',
      text: 'héllo',
    });
  });

  it('text that is not UTF-8 is malformed', () => {
    expect(decodeInputPacket(packet(0x17, [0xe2, 0x82]))).toMatchObject({
      kind: 'malformed',
      reason: /UTF-8/,
    });
    expect(decodeInputPacket(packet(0x17, [0xff]))).toMatchObject({ kind: 'malformed' });
  });

  it('multi-controller state (0x0c): LE16 fields, triggers as bytes, buttonFlags2 the high 16 bits', () => {
    const buttons = ControllerButton.a | ControllerButton.up | ControllerButton.guide;
    const body = [
      ...le16(0x1a), // headerB
      ...le16(2), // controller number
      ...le16(0b0101), // active mask
      ...le16(0x14), // midB
      ...le16(buttons),
      200, // left trigger
      7, // right trigger
      ...le16(-32768 & 0xffff),
      ...le16(32767),
      ...le16(-1 & 0xffff),
      ...le16(1000),
      ...le16(0x9c), // tailA
      ...le16(ControllerButton.misc >>> 16), // buttonFlags2
      ...le16(0x55), // tailB
    ];
    expect(decodeInputPacket(packet(0x0c, body))).toEqual({
      kind: 'controller',
      state: {
        controller: 2,
        activeMask: 0b0101,
        buttons: buttons | ControllerButton.misc,
        leftTrigger: 200,
        rightTrigger: 7,
        leftStickX: -32768,
        leftStickY: 32767,
        rightStickX: -1,
        rightStickY: 1000,
      },
    });
  });

  it('the Y button (0x8000) stays a positive flag', () => {
    const body = [
      ...le16(0x1a),
      0,
      0,
      1,
      0,
      ...le16(0x14),
      ...le16(0x8000),
      0,
      0,
      ...Array(8).fill(0),
      0x9c,
      0,
      0,
      0,
      0x55,
      0,
    ];
    const event = decodeInputPacket(packet(0x0c, body));
    expect(event).toMatchObject({ kind: 'controller', state: { buttons: ControllerButton.y } });
  });

  it('controller arrival (0x55000004): number, type, LE16 capabilities, LE32 supported buttons', () => {
    const body = [1, 0x02, ...le16(0x0021), ...le32(0x0010ffff)];
    expect(decodeInputPacket(packet(0x55000004, body))).toEqual({
      kind: 'controller-arrival',
      controller: 1,
      type: 'playstation',
      capabilities: 0x21,
      supportedButtons: 0x0010ffff,
    });
  });

  it('a controller number over 15 is malformed', () => {
    const state = [...le16(0x1a), ...le16(16), ...le16(1), ...Array(20).fill(0)];
    expect(decodeInputPacket(packet(0x0c, state))).toMatchObject({ kind: 'malformed', reason: /16/ });
    expect(decodeInputPacket(packet(0x55000004, [16, 1, 0, 0, 0, 0, 0, 0]))).toMatchObject({
      kind: 'malformed',
    });
  });

  it.each([
    [0x55000002, 28, 'touch'],
    [0x55000003, 28, 'pen'],
    [0x55000005, 20, 'controller-touch'],
    [0x55000006, 16, 'controller-motion'],
    [0x55000007, 4, 'controller-battery'],
    [0x0d, 2, 'haptics'],
  ] as const)('magic %i (%i body bytes) is unsupported: %s', (magic, bodyBytes, what) => {
    expect(decodeInputPacket(packet(magic, Array(bodyBytes).fill(0)))).toEqual({ kind: 'unsupported', what });
  });

  it('an unknown magic is unknown, with the magic', () => {
    expect(decodeInputPacket(packet(0x42, [1, 2, 3]))).toEqual({
      kind: 'unknown',
      magic: 0x42,
      reason: 'unknown input magic 0x42',
    });
  });

  it('bytes beyond the declared size are ignored', () => {
    const bytes = Buffer.concat([packet(0x07, [...be16(1), ...be16(2)]), Buffer.from([9, 9, 9])]);
    expect(decodeInputPacket(bytes)).toEqual({ kind: 'mouse-move-relative', dx: 1, dy: 2 });
  });

  it('reads a packet that sits at an offset inside a larger buffer', () => {
    const whole = Buffer.concat([Buffer.from([0xaa, 0xbb, 0xcc]), packet(0x07, [...be16(7), ...be16(-7)])]);
    expect(decodeInputPacket(whole.subarray(3))).toEqual({ kind: 'mouse-move-relative', dx: 7, dy: -7 });
  });
});

describe('decodeInputPacket: truncated and lying packets', () => {
  it('fewer than 8 bytes: malformed', () => {
    for (let n = 0; n < 8; n++) {
      expect(decodeInputPacket(Buffer.alloc(n))).toMatchObject({
        kind: 'malformed',
        reason: /at least 8 bytes/,
      });
    }
  });

  it('a declared size larger than the bytes: malformed', () => {
    const bytes = packet(0x07, [...be16(1), ...be16(2)]);
    bytes.writeUInt32BE(0xffffffff, 0);
    expect(decodeInputPacket(bytes)).toMatchObject({ kind: 'malformed', reason: /larger than/ });
    bytes.writeUInt32BE(9, 0);
    expect(decodeInputPacket(bytes)).toMatchObject({ kind: 'malformed', reason: /larger than/ });
  });

  it('a declared size that does not cover the magic: malformed', () => {
    const bytes = packet(0x07, [0, 1, 0, 1]);
    bytes.writeUInt32BE(3, 0);
    expect(decodeInputPacket(bytes)).toMatchObject({ kind: 'malformed', reason: /cover the magic/ });
  });

  it('each fixed layout cut by one byte (declared size and bytes agreeing): malformed', () => {
    const full: [number, number][] = [
      [0x03, 6],
      [0x04, 6],
      [0x05, 10],
      [0x07, 4],
      [0x08, 1],
      [0x09, 1],
      [0x0a, 6],
      [0x0c, 26],
      [0x55000001, 2],
      [0x55000004, 8],
      [0x55000002, 28],
    ];
    for (const [magic, bodyBytes] of full) {
      const event = decodeInputPacket(packet(magic, Array(bodyBytes - 1).fill(1)));
      expect(event, `magic 0x${magic.toString(16)}`).toMatchObject({
        kind: 'malformed',
        reason: /body bytes/,
      });
    }
  });
});

describe('decodeInputPacket: fuzz', () => {
  const KINDS = new Set<InputEvent['kind']>([
    'mouse-move-relative',
    'mouse-move-absolute',
    'mouse-button',
    'scroll-vertical',
    'scroll-horizontal',
    'key',
    'text',
    'controller',
    'controller-arrival',
    'unsupported',
    'malformed',
    'unknown',
  ]);
  const MAGICS = [
    0x03, 0x04, 0x05, 0x07, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x17, 0x55000001, 0x55000004, 0x55000007,
  ];

  function check(bytes: Buffer): InputEvent {
    const event = decodeInputPacket(bytes);
    expect(KINDS.has(event.kind)).toBe(true);
    return event;
  }

  it('5000 random buffers: never throws, always a known kind', () => {
    for (let i = 0; i < 5000; i++) check(randomBytes(Math.floor(Math.random() * 64)));
  });

  it('5000 plausible headers with random bodies, sizes and cuts: never throws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const magic = MAGICS[i % MAGICS.length] as number;
      const body = randomBytes(Math.floor(Math.random() * 40));
      const whole = packet(magic, body);
      // Sometimes a wrong declared size, sometimes cut anywhere.
      if (i % 3 === 1) whole.writeUInt32BE(Math.floor(Math.random() * 80), 0);
      const cut = i % 3 === 2 ? whole.subarray(0, Math.floor(Math.random() * (whole.length + 1))) : whole;
      seen.add(check(cut).kind);
    }
    // The run reached both the decoders and the refusals.
    expect(seen.has('malformed')).toBe(true);
    expect(seen.has('key')).toBe(true);
    expect(seen.has('mouse-move-relative')).toBe(true);
  });
});
