// Moonlight's input packets (moonlight-common-c Input.h), as they arrive in
// control message 0x0206 of an encrypted (control v2) stream: the whole packet
// in plain, header included.
//   BE32 size (bytes after this field) | LE32 magic | body
// The byte order inside a body differs per packet kind and is noted at each
// reader: mouse and scroll fields are big-endian, keyboard and controller
// fields little-endian. decodeInputPacket never throws: whatever arrives
// becomes a typed event, or `malformed` / `unknown` with the reason.

/** Where the packet's header ends and its body starts. */
const HEADER_BYTES = 8;
/** The size field does not count itself. */
const SIZE_FIELD_BYTES = 4;

// Magic numbers of a Gen 5+ server (appversion 7.1.431): the client sends
// these, not the older values some share (0x09 meant scroll before Gen 5).
export const InputMagic = {
  keyDown: 0x03,
  keyUp: 0x04,
  mouseMoveAbsolute: 0x05,
  mouseMoveRelative: 0x07,
  mouseButtonDown: 0x08,
  mouseButtonUp: 0x09,
  scroll: 0x0a,
  multiController: 0x0c,
  enableHaptics: 0x0d,
  utf8Text: 0x17,
  horizontalScroll: 0x55000001,
  touch: 0x55000002,
  pen: 0x55000003,
  controllerArrival: 0x55000004,
  controllerTouch: 0x55000005,
  controllerMotion: 0x55000006,
  controllerBattery: 0x55000007,
} as const;

/** The modifier bits of a keyboard packet (Limelight.h MODIFIER_*). */
export const KeyModifier = { shift: 0x01, ctrl: 0x02, alt: 0x04, meta: 0x08 } as const;

/** Controller button bits (Limelight.h *_FLAG); bits 16+ are Sunshine's extension (buttonFlags2). */
export const ControllerButton = {
  up: 0x0001,
  down: 0x0002,
  left: 0x0004,
  right: 0x0008,
  start: 0x0010,
  back: 0x0020,
  leftStick: 0x0040,
  rightStick: 0x0080,
  leftShoulder: 0x0100,
  rightShoulder: 0x0200,
  guide: 0x0400,
  a: 0x1000,
  b: 0x2000,
  x: 0x4000,
  y: 0x8000,
  paddle1: 0x010000,
  paddle2: 0x020000,
  paddle3: 0x040000,
  paddle4: 0x080000,
  touchpad: 0x100000,
  misc: 0x200000,
} as const;

/** One wheel notch in the high-resolution scroll amounts (Win32 WHEEL_DELTA). */
export const WHEEL_DELTA = 120;

export type MouseButton = 'left' | 'middle' | 'right' | 'x1' | 'x2';
// BUTTON_LEFT .. BUTTON_X2 are 1..5.
const MOUSE_BUTTONS: readonly MouseButton[] = ['left', 'middle', 'right', 'x1', 'x2'];

export type ControllerType = 'unknown' | 'xbox' | 'playstation' | 'nintendo';
const CONTROLLER_TYPES: readonly ControllerType[] = ['unknown', 'xbox', 'playstation', 'nintendo'];

export interface ControllerState {
  /** 0..15 (the client keeps it below 16, the bits of the mask). */
  controller: number;
  /** Bit n set: controller n is present. A controller whose bit is clear has gone. */
  activeMask: number;
  /** ControllerButton bits, the extension bits included. */
  buttons: number;
  /** 0..255 */
  leftTrigger: number;
  rightTrigger: number;
  /** -32768..32767, up and right positive (XInput's convention). */
  leftStickX: number;
  leftStickY: number;
  rightStickX: number;
  rightStickY: number;
}

export type UnsupportedInput =
  | 'touch'
  | 'pen'
  | 'controller-touch'
  | 'controller-motion'
  | 'controller-battery'
  | 'haptics';

export type InputEvent =
  | { kind: 'mouse-move-relative'; dx: number; dy: number }
  | {
      kind: 'mouse-move-absolute';
      x: number;
      y: number;
      /** The client's reference size; Moonlight sends its window size minus one. */
      referenceWidth: number;
      referenceHeight: number;
    }
  | { kind: 'mouse-button'; button: MouseButton; down: boolean }
  /** High resolution: WHEEL_DELTA per notch; positive scrolls up (away from the user). */
  | { kind: 'scroll-vertical'; amount: number }
  /** High resolution: WHEEL_DELTA per notch; positive scrolls right. */
  | { kind: 'scroll-horizontal'; amount: number }
  | {
      kind: 'key';
      down: boolean;
      /** The Windows virtual-key code (US layout), the low byte of the key code. */
      virtualKey: number;
      /** The whole 16-bit key code (clients set 0x8000 besides the VK). */
      keyCode: number;
      /** KeyModifier bits held when the key changed. */
      modifiers: number;
      /** Sunshine's flags (SS_KBE_FLAG_NON_NORMALIZED = 0x01); 0 from GFE-era clients. */
      flags: number;
    }
  | { kind: 'text'; text: string }
  | { kind: 'controller'; state: ControllerState }
  | {
      kind: 'controller-arrival';
      controller: number;
      type: ControllerType;
      /** LI_CCAP_* bits. */
      capabilities: number;
      /** The ControllerButton bits the physical controller has. */
      supportedButtons: number;
    }
  | { kind: 'unsupported'; what: UnsupportedInput }
  | { kind: 'malformed'; reason: string }
  | { kind: 'unknown'; magic: number; reason: string };

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** The bytes of a body and the reader for it. */
type BodyDecoder = (body: Buffer) => InputEvent;

interface Layout {
  /** The fewest body bytes (after the magic) the packet kind has. */
  bodyBytes: number;
  decode: BodyDecoder;
}

// NV_KEYBOARD_PACKET: flags u8, LE16 keyCode, modifiers u8, LE16 zero.
const keyboard = (down: boolean): Layout => ({
  bodyBytes: 6,
  decode: (b) => {
    const keyCode = b.readUInt16LE(1);
    return {
      kind: 'key',
      down,
      virtualKey: keyCode & 0xff,
      keyCode,
      modifiers: b[3] as number,
      flags: b[0] as number,
    };
  },
});

// NV_MOUSE_BUTTON_PACKET: button u8, 1..5.
const mouseButton = (down: boolean): Layout => ({
  bodyBytes: 1,
  decode: (b) => {
    const number = b[0] as number;
    const button = MOUSE_BUTTONS[number - 1];
    if (!button) return { kind: 'malformed', reason: `mouse button ${number} is not 1..5` };
    return { kind: 'mouse-button', button, down };
  },
});

// NV_MULTI_CONTROLLER_PACKET, little-endian: headerB, controllerNumber,
// activeGamepadMask, midB, buttonFlags, LT u8, RT u8, LSX, LSY, RSX, RSY,
// tailA, buttonFlags2, tailB. The constant fields are not checked: clients
// have always sent the same values, and nothing depends on them.
function decodeController(b: Buffer): InputEvent {
  const controller = b.readUInt16LE(2);
  if (controller > 15) return { kind: 'malformed', reason: `controller number ${controller} is not 0..15` };
  return {
    kind: 'controller',
    state: {
      controller,
      activeMask: b.readUInt16LE(4),
      buttons: (b.readUInt16LE(8) | (b.readUInt16LE(22) << 16)) >>> 0,
      leftTrigger: b[10] as number,
      rightTrigger: b[11] as number,
      leftStickX: b.readInt16LE(12),
      leftStickY: b.readInt16LE(14),
      rightStickX: b.readInt16LE(16),
      rightStickY: b.readInt16LE(18),
    },
  };
}

// SS_CONTROLLER_ARRIVAL_PACKET: controllerNumber u8, type u8, LE16 capabilities, LE32 supportedButtonFlags.
function decodeArrival(b: Buffer): InputEvent {
  const controller = b[0] as number;
  if (controller > 15) return { kind: 'malformed', reason: `controller number ${controller} is not 0..15` };
  return {
    kind: 'controller-arrival',
    controller,
    type: CONTROLLER_TYPES[b[1] as number] ?? 'unknown',
    capabilities: b.readUInt16LE(2),
    supportedButtons: b.readUInt32LE(4),
  };
}

// UTF-8 text: the whole body. The client sends one code point per packet,
// but nothing here depends on that.
function decodeText(b: Buffer): InputEvent {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return { kind: 'text', text: decoder.decode(b) };
  } catch {
    return { kind: 'malformed', reason: 'the text is not valid UTF-8' };
  }
}

const unsupported = (what: UnsupportedInput, bodyBytes: number): Layout => ({
  bodyBytes,
  decode: () => ({ kind: 'unsupported', what }),
});

// Body sizes are sizeof(the packed struct) - 8 (Input.h).
const LAYOUTS = new Map<number, Layout>([
  [InputMagic.keyDown, keyboard(true)],
  [InputMagic.keyUp, keyboard(false)],
  // NV_REL_MOUSE_MOVE_PACKET: BE16 deltaX, BE16 deltaY.
  [
    InputMagic.mouseMoveRelative,
    {
      bodyBytes: 4,
      decode: (b) => ({ kind: 'mouse-move-relative', dx: b.readInt16BE(0), dy: b.readInt16BE(2) }),
    },
  ],
  // NV_ABS_MOUSE_MOVE_PACKET: BE16 x, BE16 y, unused, BE16 width, BE16 height.
  [
    InputMagic.mouseMoveAbsolute,
    {
      bodyBytes: 10,
      decode: (b) => {
        const referenceWidth = b.readInt16BE(6);
        const referenceHeight = b.readInt16BE(8);
        if (referenceWidth <= 0 || referenceHeight <= 0) {
          return {
            kind: 'malformed',
            reason: `reference size ${referenceWidth}x${referenceHeight} is not positive`,
          };
        }
        return {
          kind: 'mouse-move-absolute',
          x: b.readInt16BE(0),
          y: b.readInt16BE(2),
          referenceWidth,
          referenceHeight,
        };
      },
    },
  ],
  [InputMagic.mouseButtonDown, mouseButton(true)],
  [InputMagic.mouseButtonUp, mouseButton(false)],
  // NV_SCROLL_PACKET: BE16 amount, the same again, BE16 zero.
  [
    InputMagic.scroll,
    { bodyBytes: 6, decode: (b) => ({ kind: 'scroll-vertical', amount: b.readInt16BE(0) }) },
  ],
  // SS_HSCROLL_PACKET: BE16 amount.
  [
    InputMagic.horizontalScroll,
    { bodyBytes: 2, decode: (b) => ({ kind: 'scroll-horizontal', amount: b.readInt16BE(0) }) },
  ],
  [InputMagic.multiController, { bodyBytes: 26, decode: decodeController }],
  [InputMagic.controllerArrival, { bodyBytes: 8, decode: decodeArrival }],
  [InputMagic.utf8Text, { bodyBytes: 0, decode: decodeText }],
  [InputMagic.enableHaptics, unsupported('haptics', 2)],
  [InputMagic.touch, unsupported('touch', 28)],
  [InputMagic.pen, unsupported('pen', 28)],
  [InputMagic.controllerTouch, unsupported('controller-touch', 20)],
  [InputMagic.controllerMotion, unsupported('controller-motion', 16)],
  [InputMagic.controllerBattery, unsupported('controller-battery', 4)],
]);

/** The body the header declares; a reason when the bytes cannot hold it. */
function declaredBody(bytes: Uint8Array): { magic: number; body: Buffer } | { reason: string } {
  if (bytes.length < HEADER_BYTES)
    return { reason: `an input packet is at least 8 bytes, got ${bytes.length}` };
  const packet = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const size = packet.readUInt32BE(0);
  if (size < SIZE_FIELD_BYTES) return { reason: `declared size ${size} does not cover the magic` };
  if (size + SIZE_FIELD_BYTES > packet.length) {
    return {
      reason: `declared size ${size} is larger than the ${packet.length - SIZE_FIELD_BYTES} bytes that came`,
    };
  }
  // Bytes past the declared size are ignored, as Sunshine does.
  return {
    magic: packet.readUInt32LE(SIZE_FIELD_BYTES),
    body: packet.subarray(HEADER_BYTES, size + SIZE_FIELD_BYTES),
  };
}

/** Reads one input packet (header included). Never throws. */
export function decodeInputPacket(bytes: Uint8Array): InputEvent {
  try {
    const declared = declaredBody(bytes);
    if ('reason' in declared) return { kind: 'malformed', reason: declared.reason };
    const layout = LAYOUTS.get(declared.magic);
    if (!layout) {
      return { kind: 'unknown', magic: declared.magic, reason: `unknown input magic ${hex(declared.magic)}` };
    }
    if (declared.body.length < layout.bodyBytes) {
      return {
        kind: 'malformed',
        reason: `input ${hex(declared.magic)} needs ${layout.bodyBytes} body bytes, got ${declared.body.length}`,
      };
    }
    return layout.decode(declared.body);
  } catch (error) {
    // Defence in depth: every read above is bounds-checked first.
    return { kind: 'malformed', reason: `unreadable input packet (${(error as Error).message})` };
  }
}
