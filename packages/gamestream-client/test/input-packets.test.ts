// The test client's input encoder (written from Input.h as a client) and the
// host's decoder (written from the same header, separately) agree on every
// kind the e2e test sends; the channels are the ones InputStream.c uses.
import { decodeInputPacket } from '@punktfunk/protocol';
import { describe, expect, it } from 'vitest';
import {
  controllerArrival,
  horizontalScroll,
  keyboard,
  MODIFIER_SHIFT,
  mouseButton,
  mouseMoveAbsolute,
  mouseMoveRelative,
  multiController,
  scroll,
  utf8Text,
  VirtualKey,
} from '../src/input-packets.js';

describe('input packets: encoder and decoder agree', () => {
  it('mouse: relative on channel 3, absolute with the reference sent as size - 1, buttons down and up', () => {
    expect(mouseMoveRelative(-3, 9).channelId).toBe(3);
    expect(decodeInputPacket(mouseMoveRelative(-3, 9).bytes)).toEqual({
      kind: 'mouse-move-relative',
      dx: -3,
      dy: 9,
    });
    expect(decodeInputPacket(mouseMoveAbsolute(10, 20, 1920, 1080).bytes)).toEqual({
      kind: 'mouse-move-absolute',
      x: 10,
      y: 20,
      referenceWidth: 1919,
      referenceHeight: 1079,
    });
    expect(decodeInputPacket(mouseButton(3, true).bytes)).toEqual({
      kind: 'mouse-button',
      button: 'right',
      down: true,
    });
    expect(decodeInputPacket(mouseButton(5, false).bytes)).toEqual({
      kind: 'mouse-button',
      button: 'x2',
      down: false,
    });
  });

  it('scroll, both axes', () => {
    expect(decodeInputPacket(scroll(-360).bytes)).toEqual({ kind: 'scroll-vertical', amount: -360 });
    expect(decodeInputPacket(horizontalScroll(120).bytes)).toEqual({
      kind: 'scroll-horizontal',
      amount: 120,
    });
  });

  it('keyboard on channel 2, with the 0x8000 moonlight-embedded sets', () => {
    const packet = keyboard(VirtualKey.A, true, MODIFIER_SHIFT);
    expect(packet.channelId).toBe(2);
    expect(decodeInputPacket(packet.bytes)).toEqual({
      kind: 'key',
      down: true,
      virtualKey: 0x41,
      keyCode: 0x8041,
      modifiers: MODIFIER_SHIFT,
      flags: 0,
    });
  });

  it('text: one packet per code point on channel 6', () => {
    const packets = utf8Text('a€😀');
    expect(packets.map((p) => p.channelId)).toEqual([6, 6, 6]);
    expect(packets.map((p) => decodeInputPacket(p.bytes))).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'text', text: '€' },
      { kind: 'text', text: '😀' },
    ]);
  });

  it('controllers on channel 0x10 + n', () => {
    const state = {
      controller: 1,
      activeMask: 0b11,
      buttons: 0x201000,
      leftTrigger: 9,
      rightTrigger: 250,
      leftStickX: -100,
      leftStickY: 100,
      rightStickX: 32767,
      rightStickY: -32768,
    };
    const packet = multiController(state);
    expect(packet.channelId).toBe(0x11);
    expect(decodeInputPacket(packet.bytes)).toEqual({ kind: 'controller', state });
    expect(decodeInputPacket(controllerArrival(1, 1, 0x3, 0xffff).bytes)).toEqual({
      kind: 'controller-arrival',
      controller: 1,
      type: 'xbox',
      capabilities: 0x3,
      supportedButtons: 0xffff,
    });
  });
});
