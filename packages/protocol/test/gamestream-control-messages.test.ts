// Encrypted control messages (control v2) with plain bytes: the layout, the
// IV, each client message the host reads, each host message, every way a
// packet can be wrong.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ControlMessageError,
  ControlType,
  controlIv,
  createControlCipher,
  decodeClientControlMessage,
  encodeHostControlMessage,
  openControlMessage,
  sealControlMessage,
  TERMINATION_GRACEFUL,
} from '../src/index.js';

const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

function fails(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ControlMessageError);
    expect((error as ControlMessageError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a ControlMessageError');
}

/** What moonlight-common-c would put on the wire, built by hand from the layout. */
function clientPacket(seq: number, type: number, payload: Buffer, key = KEY): Buffer {
  const plain = Buffer.alloc(4 + payload.length);
  plain.writeUInt16LE(type, 0);
  plain.writeUInt16LE(payload.length, 2);
  payload.copy(plain, 4);
  const iv = Buffer.alloc(12);
  iv.writeUInt32LE(seq, 0);
  iv.write('CC', 10, 'latin1');
  const cipher = createCipheriv('aes-128-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const head = Buffer.alloc(8);
  head.writeUInt16LE(1, 0);
  head.writeUInt16LE(4 + 16 + body.length, 2);
  head.writeUInt32LE(seq, 4);
  return Buffer.concat([head, cipher.getAuthTag(), body]);
}

describe('control v2 framing', () => {
  it('builds the IV from seq and direction', () => {
    expect(controlIv(0x01020304, 'client').toString('hex')).toBe('040302010000000000004343');
    expect(controlIv(7, 'host').toString('hex')).toBe('070000000000000000004843');
  });

  it('opens what the client seals, byte for byte as laid out', () => {
    const packet = clientPacket(5, ControlType.idrRequest, Buffer.alloc(0));
    expect(
      sealControlMessage(KEY, 'client', 5, { type: ControlType.idrRequest, payload: Buffer.alloc(0) }),
    ).toEqual(packet);
    expect(openControlMessage(KEY, 'client', packet)).toEqual({
      seq: 5,
      type: 0x0302,
      payload: Buffer.alloc(0),
    });
  });

  it('round-trips host messages, and a host packet does not open as a client one', () => {
    const sealed = sealControlMessage(
      KEY,
      'host',
      9,
      encodeHostControlMessage({ kind: 'termination', code: TERMINATION_GRACEFUL }),
    );
    expect(sealed.readUInt16LE(0)).toBe(1);
    expect(sealed.readUInt16LE(2)).toBe(sealed.length - 4);
    const opened = openControlMessage(KEY, 'host', sealed);
    expect(opened.type).toBe(0x0109);
    expect(opened.payload.toString('hex')).toBe('80030023');
    fails(() => openControlMessage(KEY, 'client', sealed), 'bad-tag', /fails authentication/);
  });

  it('names every malformed packet', () => {
    const good = clientPacket(1, ControlType.ping, Buffer.from('ping'));
    fails(() => openControlMessage(KEY, 'client', good.subarray(0, 27)), 'truncated', /at least 28 bytes/);
    const wrongType = Buffer.from(good);
    wrongType.writeUInt16LE(2, 0);
    fails(() => openControlMessage(KEY, 'client', wrongType), 'bad-header', /not 0x0001/);
    const wrongLength = Buffer.from(good);
    wrongLength.writeUInt16LE(good.length, 2);
    fails(() => openControlMessage(KEY, 'client', wrongLength), 'bad-length', /does not match/);
    fails(
      () => openControlMessage(KEY, 'client', good.subarray(0, good.length - 1)),
      'bad-length',
      /does not match/,
    );
    const flipped = Buffer.from(good);
    flipped[good.length - 1] = (flipped[good.length - 1] as number) ^ 1;
    fails(() => openControlMessage(KEY, 'client', flipped), 'bad-tag', /authentication/);
    const badTag = Buffer.from(good);
    badTag[8] = (badTag[8] as number) ^ 1;
    fails(() => openControlMessage(KEY, 'client', badTag), 'bad-tag', /authentication/);
    fails(() => openControlMessage(randomBytes(16), 'client', good), 'bad-tag', /wrong key/);
    // Encrypted fine, but the inner length lies.
    const inner = Buffer.alloc(6);
    inner.writeUInt16LE(0x0200, 0);
    inner.writeUInt16LE(9, 2);
    const iv = controlIv(3, 'client');
    const c = createCipheriv('aes-128-gcm', KEY, iv);
    const body = Buffer.concat([c.update(inner), c.final()]);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(1, 0);
    head.writeUInt16LE(20 + body.length, 2);
    head.writeUInt32LE(3, 4);
    fails(
      () => openControlMessage(KEY, 'client', Buffer.concat([head, c.getAuthTag(), body])),
      'bad-length',
      /says 9 payload bytes, carries 2/,
    );
    expect(() => openControlMessage(Buffer.alloc(15), 'client', good)).toThrow(/16 bytes/);
  });
});

describe('client messages', () => {
  const decode = (type: number, payload = Buffer.alloc(0)) => decodeClientControlMessage({ type, payload });

  it('reads IDR request, start B, ping, input', () => {
    expect(decode(0x0302)).toEqual({ kind: 'idr-request' });
    expect(decode(0x0307, Buffer.alloc(16))).toEqual({ kind: 'start-b' });
    expect(decode(0x0200, Buffer.from('ab'))).toEqual({ kind: 'ping', payload: Buffer.from('ab') });
    expect(decode(0x0206, Buffer.of(1, 2, 3))).toEqual({ kind: 'input', payload: Buffer.of(1, 2, 3) });
  });

  it('reads the FEC status (21 big-endian bytes)', () => {
    const p = Buffer.alloc(21);
    p.writeUInt32BE(300, 0);
    p.writeUInt16BE(100, 4);
    p.writeUInt16BE(90, 6);
    p.writeUInt16BE(2, 8);
    p.writeUInt16BE(10, 10);
    p.writeUInt16BE(3, 12);
    p.writeUInt16BE(8, 14);
    p.writeUInt16BE(3, 16);
    p.set([20, 1, 2], 18);
    expect(decode(0x5502, p)).toEqual({
      kind: 'fec-status',
      status: {
        frameIndex: 300,
        highestReceivedSequenceNumber: 100,
        nextContiguousSequenceNumber: 90,
        missingPacketsBeforeHighestReceived: 2,
        totalDataPackets: 10,
        totalParityPackets: 3,
        receivedDataPackets: 8,
        receivedParityPackets: 3,
        fecPercentage: 20,
        multiFecBlockIndex: 1,
        multiFecBlockCount: 2,
      },
    });
    fails(() => decode(0x5502, Buffer.alloc(20)), 'bad-payload', /21 bytes, got 20/);
  });

  it('reads a reference frame invalidation range', () => {
    const p = Buffer.alloc(24);
    p.writeBigInt64LE(40n, 0);
    p.writeBigInt64LE(44n, 8);
    expect(decode(0x0301, p)).toEqual({
      kind: 'invalidate-reference-frames',
      firstFrame: 40n,
      lastFrame: 44n,
    });
    fails(() => decode(0x0301, Buffer.alloc(15)), 'bad-payload', /needs 16 bytes/);
  });

  it('refuses an unknown type by number', () => {
    fails(() => decode(0x1234), 'unknown-type', /0x1234/);
  });
});

describe('host messages', () => {
  it('encodes termination (BE32), rumble and HDR mode', () => {
    expect(encodeHostControlMessage({ kind: 'termination', code: TERMINATION_GRACEFUL })).toEqual({
      type: 0x0109,
      payload: Buffer.from('80030023', 'hex'),
    });
    const rumble = encodeHostControlMessage({
      kind: 'rumble',
      controller: 1,
      lowFrequency: 0x1234,
      highFrequency: 0xffff,
    });
    expect(rumble.type).toBe(0x010b);
    expect(rumble.payload.toString('hex')).toBe('0000000001003412ffff');
    expect(encodeHostControlMessage({ kind: 'hdr-mode', enabled: true }).payload).toEqual(Buffer.of(1));
  });
});

describe('control cipher (the host side over one key)', () => {
  it('seals with increasing seq, opens client packets, and wipes the key when stopped', () => {
    const cipher = createControlCipher(KEY);
    const first = cipher.seal({ kind: 'termination', code: TERMINATION_GRACEFUL });
    const second = cipher.seal({ kind: 'termination', code: TERMINATION_GRACEFUL });
    expect(openControlMessage(KEY, 'host', first).seq).toBe(0);
    expect(openControlMessage(KEY, 'host', second).seq).toBe(1);
    expect(cipher.open(clientPacket(0, 0x0302, Buffer.alloc(0)))).toEqual({ kind: 'idr-request' });
    // Different ENet channels may reorder messages: an older seq still opens.
    expect(cipher.open(clientPacket(7, 0x0200, Buffer.alloc(0))).kind).toBe('ping');
    expect(cipher.open(clientPacket(6, 0x0307, Buffer.alloc(0))).kind).toBe('start-b');
    fails(() => cipher.open(clientPacket(8, 0x0999, Buffer.alloc(0))), 'unknown-type', /0x0999/);
    cipher.stop();
    expect(() => cipher.seal({ kind: 'termination', code: 0 })).toThrow(/stopped/);
  });
});
