import { describe, expect, it } from 'vitest';
import { GameStreamAudioSender, GameStreamVideoSender, NativeError } from '../src/index.js';

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
    ['codec', { codec: 'av1' }],
    ['short key', { key: new Uint8Array(15) }],
    ['key as string', { key: 'k'.repeat(16) }],
    ['ssrc over 32 bits', { ssrc: 2 ** 32 }],
    ['initialSequence', { initialSequence: 65536 }],
  ])('video sender rejects %s', (_, bad) => {
    expect(code(() => new GameStreamVideoSender({ ...remote, ...(bad as object) }))).toBe('INVALID_ARGUMENT');
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
