import { describe, expect, it } from 'vitest';
import {
  GameStreamAudioSender,
  GameStreamVideoSender,
  NativeError,
  validateGameStreamAudioOptions,
  validateGameStreamVideoOptions,
} from '../src/index.js';

const remote = { remoteHost: '127.0.0.1', remotePort: 9 };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof NativeError ? e.code : 'not a NativeError';
  }
  return undefined;
}

describe('GameStream senders: validation and lifecycle', () => {
  it.each([
    ['host name', { remoteHost: 'localhost' }],
    ['port 0', { remotePort: 0 }],
    ['packetSize too small', { packetSize: 100 }],
    ['packetSize not integer', { packetSize: 1392.5 }],
    ['fecPercent over 255', { fecPercent: 256 }],
    ['negative minRequiredFecPackets', { minRequiredFecPackets: -1 }],
    ['codec', { codec: 'vp9' }],
    ['short key', { key: new Uint8Array(15) }],
    ['key as string', { key: 'k'.repeat(16) }],
    ['ssrc over 32 bits', { ssrc: 2 ** 32 }],
    ['initialSequence', { initialSequence: 65536 }],
  ])('video sender rejects %s', (_, bad) => {
    expect(code(() => new GameStreamVideoSender({ ...remote, ...(bad as object) }))).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['remoteHost without remotePort', { remotePort: undefined }, /remoteHost and remotePort go together/],
    ['remotePort without remoteHost', { remoteHost: undefined }, /remoteHost and remotePort go together/],
    ['localHost as a name', { localHost: 'localhost' }, /localHost must be a numeric IPv4 or IPv6 address/],
    ['localPort over 65535', { localPort: 65536 }, /localPort must be in 0\.\.65535/],
    ['negative localPort', { localPort: -1 }, /localPort must be in 0\.\.65535/],
    ['fractional localPort', { localPort: 1.5 }, /localPort must be an integer/],
    ['pingPayload of 15', { pingPayload: 'A'.repeat(15) }, /pingPayload must be 16 printable ASCII/],
    ['pingPayload of 17', { pingPayload: 'A'.repeat(17) }, /pingPayload must be 16 printable ASCII/],
    ['pingPayload not ASCII', { pingPayload: 'é'.repeat(16) }, /pingPayload must be 16 printable ASCII/],
    ['pingPayload with a control character', { pingPayload: `${'A'.repeat(15)}\n` }, /pingPayload/],
    ['pingPayload as bytes', { pingPayload: new Uint8Array(16) }, /pingPayload/],
  ])('both senders reject %s with a message naming the option', (_, bad, message) => {
    for (const Sender of [GameStreamVideoSender, GameStreamAudioSender]) {
      const options = { ...remote, ...(bad as object) };
      expect(code(() => new Sender(options))).toBe('INVALID_ARGUMENT');
      expect(() => new Sender(options)).toThrow(message);
    }
  });

  it('rejects bad connectTo arguments before the native call; closed senders say CLOSED', () => {
    for (const tx of [new GameStreamVideoSender({}), new GameStreamAudioSender({})]) {
      expect(code(() => tx.connectTo('localhost', 5000))).toBe('INVALID_ARGUMENT');
      expect(code(() => tx.connectTo('127.0.0.1', 0))).toBe('INVALID_ARGUMENT');
      expect(code(() => tx.connectTo('127.0.0.1', 70000))).toBe('INVALID_ARGUMENT');
      expect(code(() => tx.connectTo(5000 as unknown as string, 5000))).toBe('INVALID_ARGUMENT');
      expect(tx.connected).toBe(false);
      tx.close();
      expect(code(() => tx.connectTo('127.0.0.1', 5000))).toBe('CLOSED');
      expect(code(() => tx.pollPings())).toBe('CLOSED');
      expect(code(() => tx.connected)).toBe('CLOSED');
    }
  });

  it('the native side checks the ping options too (the facade bypassed)', async () => {
    const { addon } = await import('../src/binding.js');
    // Complete options as the facade would pass them (the native side requires
    // every field), each case then changing what it checks.
    // Raw: the cases pass what the typed constructors would not accept.
    type RawSender = new (o: object) => { close(): void };
    const senders: [RawSender, object][] = [
      [addon.GameStreamVideoSender as RawSender, validateGameStreamVideoOptions({})],
      [addon.GameStreamAudioSender as RawSender, validateGameStreamAudioOptions({})],
    ];
    for (const [Native, complete] of senders) {
      expect(code(() => new Native({ ...complete, pingPayload: 'short' }))).toBe('INVALID_ARGUMENT');
      expect(code(() => new Native({ ...complete, localHost: 'not an address' }))).toBe('INVALID_ARGUMENT');
      expect(code(() => new Native({ ...complete, localPort: 70000 }))).toBe('INVALID_ARGUMENT');
      expect(code(() => new Native({ ...complete, remoteHost: '127.0.0.1' }))).toBe('INVALID_ARGUMENT');
      expect(
        code(() => new Native({ ...complete, localHost: '0.0.0.0', remoteHost: '::1', remotePort: 9 })),
      ).toBe('INVALID_ARGUMENT');
      const unconnected = new Native(complete);
      unconnected.close();
    }
  });

  it.each([
    ['packetDurationMs 20', { packetDurationMs: 20 }],
    ['bitrate too low', { bitrateBps: 100 }],
    ['toneHz 0', { toneHz: 0 }],
    ['keyId negative', { keyId: -1 }],
    ['long key', { key: new Uint8Array(32) }],
  ])('audio sender rejects %s', (_, bad) => {
    expect(code(() => new GameStreamAudioSender({ ...remote, ...(bad as object) }))).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad sendFrame arguments before the native call, and works after', () => {
    const tx = new GameStreamVideoSender(remote);
    const data = new Uint8Array([0, 0, 0, 1, 0x41, 1, 2, 3]);
    expect(code(() => tx.sendFrame(new Uint8Array(0), 1, 1, 0, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.sendFrame(data, 0, 1, 0, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.sendFrame(data, 1, 3 as 1, 0, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.sendFrame(data, 1, 1, -5, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.sendFrame(data, 1, 1, 0, 2 ** 32))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.setFecPercent(300))).toBe('INVALID_ARGUMENT');
    expect(tx.sendFrame(data, 1, 1, 0, 0).packets).toBe(3); // 1 data + the 2 minimum parity
    tx.close();
    expect(code(() => tx.sendFrame(data, 2, 1, 0, 0))).toBe('CLOSED');
  });

  it('an oversized frame is a NativeError, not a crash', () => {
    const tx = new GameStreamVideoSender({ ...remote, packetSize: 256 });
    expect(code(() => tx.sendFrame(new Uint8Array(4 * 255 * 240), 1, 1, 0, 0))).toBe('INVALID_ARGUMENT');
    tx.close();
  });

  it('audio: bad counts are rejected, closed senders say CLOSED', () => {
    const tx = new GameStreamAudioSender(remote);
    expect(code(() => tx.sendTone(-1))).toBe('INVALID_ARGUMENT');
    expect(code(() => tx.sendTone(1.5))).toBe('INVALID_ARGUMENT');
    expect(tx.sendTone(4).fecPackets).toBe(2);
    tx.close();
    expect(code(() => tx.sendTone(1))).toBe('CLOSED');
  });
});
