// Input packets as moonlight-common-c InputStream.c builds them for a Gen 7
// host (appversion 7.1.431, control stream encrypted: the plain packet goes
// inside control message 0x0206), each on the ENet channel the client uses.
// Written from Input.h's packed structs, independently of the host's
// decoder: a client's view of the wire.
//   NV_INPUT_HEADER: BE32 size (of what follows it), LE32 magic.

/** Limelight-internal.h CTRL_CHANNEL_*. */
export const InputChannel = {
  generic: 0x00,
  keyboard: 0x02,
  mouse: 0x03,
  utf8: 0x06,
  gamepadBase: 0x10,
} as const;

export interface InputPacket {
  bytes: Buffer;
  channelId: number;
}

/** Limelight.h: BUTTON_LEFT .. BUTTON_X2. */
export type ClientMouseButton = 1 | 2 | 3 | 4 | 5;

/** Limelight.h MODIFIER_*. */
export const MODIFIER_SHIFT = 0x01;
export const MODIFIER_CTRL = 0x02;
export const MODIFIER_ALT = 0x04;
export const MODIFIER_META = 0x08;

/** Win32 virtual-key codes the tests use. */
export const VirtualKey = {
  A: 0x41,
  B: 0x42,
  LSHIFT: 0xa0,
  LCONTROL: 0xa2,
  LMENU: 0xa4,
} as const;

/** Writes a struct's fields in order; `size` is counted by the caller's layout. */
class StructWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }

  be16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    this.parts.push(b);
    return this;
  }

  le16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v & 0xffff);
    this.parts.push(b);
    return this;
  }

  le32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  /** Prepends NV_INPUT_HEADER for `magic` around the fields written. */
  packet(magic: number, channelId: number): InputPacket {
    const body = Buffer.concat(this.parts);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(4 + body.length, 0);
    header.writeUInt32LE(magic >>> 0, 4);
    return { bytes: Buffer.concat([header, body]), channelId };
  }
}

const fields = () => new StructWriter();

/** LiSendMouseMoveEvent: NV_REL_MOUSE_MOVE_PACKET, magic 0x07 (Gen 5+). */
export function mouseMoveRelative(dx: number, dy: number): InputPacket {
  return fields().be16(dx).be16(dy).packet(0x07, InputChannel.mouse);
}

/**
 * LiSendMousePositionEvent: NV_ABS_MOUSE_MOVE_PACKET, magic 0x05. The client
 * library sends its reference size minus one (a GFE rounding workaround).
 */
export function mouseMoveAbsolute(x: number, y: number, width: number, height: number): InputPacket {
  return fields()
    .be16(x)
    .be16(y)
    .be16(0)
    .be16(width - 1)
    .be16(height - 1)
    .packet(0x05, InputChannel.mouse);
}

/** LiSendMouseButtonEvent: BUTTON_ACTION_PRESS 0x07 / RELEASE 0x08, plus one on Gen 5+. */
export function mouseButton(button: ClientMouseButton, down: boolean): InputPacket {
  return fields()
    .u8(button)
    .packet((down ? 0x07 : 0x08) + 1, InputChannel.mouse);
}

/** LiSendHighResScrollEvent: NV_SCROLL_PACKET, magic 0x0a; the amount twice, then zero. */
export function scroll(amount: number): InputPacket {
  return fields().be16(amount).be16(amount).be16(0).packet(0x0a, InputChannel.mouse);
}

/** LiSendHighResHScrollEvent: SS_HSCROLL_PACKET, magic 0x55000001. */
export function horizontalScroll(amount: number): InputPacket {
  return fields().be16(amount).packet(0x55000001, InputChannel.mouse);
}

/**
 * LiSendKeyboardEvent: KEY_ACTION_DOWN 0x03 / UP 0x04 as the magic; the key
 * code as moonlight-embedded sends it (0x80 << 8 | VK).
 */
export function keyboard(virtualKey: number, down: boolean, modifiers = 0): InputPacket {
  return fields()
    .u8(0) // flags
    .le16(0x8000 | virtualKey)
    .u8(modifiers)
    .le16(0)
    .packet(down ? 0x03 : 0x04, InputChannel.keyboard);
}

/** LiSendUtf8TextEvent as the input thread sends it: one packet per code point. */
export function utf8Text(text: string): InputPacket[] {
  return Array.from(text, (codePoint) =>
    fields().raw(Buffer.from(codePoint, 'utf8')).packet(0x17, InputChannel.utf8),
  );
}

export interface ClientControllerState {
  controller: number;
  activeMask: number;
  buttons: number;
  leftTrigger: number;
  rightTrigger: number;
  leftStickX: number;
  leftStickY: number;
  rightStickX: number;
  rightStickY: number;
}

/** LiSendMultiControllerEvent: NV_MULTI_CONTROLLER_PACKET, magic 0x0c (Gen 5+). */
export function multiController(s: ClientControllerState): InputPacket {
  return fields()
    .le16(0x1a) // MC_HEADER_B
    .le16(s.controller)
    .le16(s.activeMask)
    .le16(0x14) // MC_MID_B
    .le16(s.buttons & 0xffff)
    .u8(s.leftTrigger)
    .u8(s.rightTrigger)
    .le16(s.leftStickX)
    .le16(s.leftStickY)
    .le16(s.rightStickX)
    .le16(s.rightStickY)
    .le16(0x9c) // MC_TAIL_A
    .le16(s.buttons >>> 16) // buttonFlags2 (Sunshine)
    .le16(0x55) // MC_TAIL_B
    .packet(0x0c, InputChannel.gamepadBase + s.controller);
}

/** LiSendControllerArrivalEvent: SS_CONTROLLER_ARRIVAL_PACKET, magic 0x55000004. */
export function controllerArrival(
  controller: number,
  type: number,
  capabilities: number,
  supportedButtons: number,
): InputPacket {
  return fields()
    .u8(controller)
    .u8(type)
    .le16(capabilities)
    .le32(supportedButtons)
    .packet(0x55000004, InputChannel.gamepadBase + controller);
}
