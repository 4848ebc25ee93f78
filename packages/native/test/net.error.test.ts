import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  liveHandles,
  MediaReceiver,
  type MediaReceiverOptions,
  MediaSender,
  type MediaSenderOptions,
} from '../src/index.js';
import { errorOf } from './support/native-error.js';

const key = randomBytes(16);
const salt = randomBytes(4);
const open: { close(): void }[] = [];

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function drain(rx: MediaReceiver): number {
  let frames = 0;
  for (let quiet = 0; quiet < 8; ) {
    const got = rx.poll(25).frames.length;
    frames += got;
    quiet = got === 0 ? quiet + 1 : 0;
  }
  return frames;
}

describe('hostile and broken input on the receiver', () => {
  it('a sender with the wrong key: every datagram fails authentication, no frames', () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    const tx = new MediaSender({
      remoteHost: '127.0.0.1',
      remotePort: rx.localPort,
      key: randomBytes(16),
      salt,
    });
    open.push(rx, tx);
    let packets = 0;
    for (let i = 0; i < 5; i++) packets += tx.sendFrame(randomBytes(10_000), i, i === 0, 0).packets;
    expect(drain(rx)).toBe(0);
    const c = rx.counters();
    expect(c.authFailures).toBe(packets);
    expect(c.framesCompleted).toBe(0);
  });

  it('a wrong salt fails authentication too (it is part of the nonce)', () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    const tx = new MediaSender({
      remoteHost: '127.0.0.1',
      remotePort: rx.localPort,
      key,
      salt: randomBytes(4),
    });
    open.push(rx, tx);
    const { packets } = tx.sendFrame(randomBytes(3000), 0, true, 0);
    expect(drain(rx)).toBe(0);
    expect(rx.counters().authFailures).toBe(packets);
  });

  it('truncated and garbage datagrams from node:dgram are counted, and the receiver keeps working', async () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    open.push(rx);
    // Capture real datagrams to truncate and corrupt.
    const tap = createSocket('udp4');
    await new Promise<void>((resolve) => tap.bind(0, '127.0.0.1', resolve));
    const captured: Buffer[] = [];
    tap.on('message', (m) => captured.push(m));
    const toTap = new MediaSender({ remoteHost: '127.0.0.1', remotePort: tap.address().port, key, salt });
    open.push(toTap);
    const frame = randomBytes(20_000);
    const { packets, parityPackets } = toTap.sendFrame(frame, 5, true, 0);
    while (captured.length < packets) await new Promise((r) => setTimeout(r, 5));

    const send = (b: Buffer) =>
      new Promise<void>((resolve, reject) =>
        tap.send(b, rx.localPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    const junk = [
      Buffer.alloc(0),
      Buffer.from([1]),
      randomBytes(31),
      randomBytes(48),
      randomBytes(1248),
      randomBytes(3000),
      ...captured.map((d) => d.subarray(0, d.length - 1)),
      ...captured.map((d) => d.subarray(0, 40)),
      ...captured.map((d) => {
        const bad = Buffer.from(d);
        bad[12] = (bad[12] ?? 0) ^ 0xff; // a header byte: the AAD no longer verifies
        return bad;
      }),
    ];
    for (const b of junk) await send(b);
    expect(drain(rx)).toBe(0);
    let c = rx.counters();
    expect(c.datagrams).toBe(junk.length);
    expect(c.malformed + c.authFailures).toBe(junk.length);
    expect(c.framesCompleted).toBe(0);

    // The real datagrams still make a frame afterwards.
    for (const d of captured) await send(d);
    const got = rx.poll(1000).frames;
    expect(got.length).toBe(1);
    expect(got[0]?.data.equals(frame)).toBe(true);
    // Replaying them is counted as late, not delivered twice. (The parity
    // datagrams of the first delivery were late already: the data shards had
    // completed the frame before them.)
    for (const d of captured) await send(d);
    expect(drain(rx)).toBe(0);
    c = rx.counters();
    expect(c.late).toBe(parityPackets + captured.length);
    tap.close();
  });
});

describe('bad media options are rejected in TypeScript before native code runs', () => {
  const goodSender: MediaSenderOptions = { remoteHost: '127.0.0.1', remotePort: 50000, key, salt };
  const senderCases: [string, Record<string, unknown>, RegExp][] = [
    ['port too large', { remotePort: 65536 }, /remotePort must be in 1\.\.65535, got 65536/],
    ['port zero', { remotePort: 0 }, /remotePort must be in 1\.\.65535/],
    ['port as string', { remotePort: '5000' }, /remotePort must be an integer/],
    ['host name', { remoteHost: 'localhost' }, /remoteHost must be a numeric IPv4 or IPv6 address/],
    ['key of 24 bytes', { key: randomBytes(24) }, /key must be 16 or 32 bytes, got 24/],
    ['key as string', { key: 'secret' }, /key must be a Uint8Array/],
    ['salt of 8 bytes', { salt: randomBytes(8) }, /salt must be 4 bytes, got 8/],
    ['tiny shards', { shardBytes: 255 }, /shardBytes must be in 256\.\.1400, got 255/],
    ['jumbo shards', { shardBytes: 1401 }, /shardBytes must be in 256\.\.1400/],
    ['fec over 100', { fecPercent: 101 }, /fecPercent must be in 0\.\.100/],
    ['negative fec', { fecPercent: -1 }, /fecPercent must be in 0\.\.100/],
    ['block of 255', { maxDataShardsPerBlock: 255 }, /maxDataShardsPerBlock must be in 1\.\.254/],
    ['negative spread', { spreadUs: -1 }, /spreadUs must be in 0\.\.100000/],
    ['zero burst', { burstPackets: 0 }, /burstPackets must be in 1\.\.1024/],
  ];
  for (const [name, change, message] of senderCases) {
    it(`sender: ${name}`, () => {
      const before = liveHandles();
      const error = errorOf(() => new MediaSender({ ...goodSender, ...change } as MediaSenderOptions));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^invalid media sender options: /);
      expect(error.message).toMatch(message);
      expect(liveHandles()).toBe(before);
    });
  }

  const goodReceiver: MediaReceiverOptions = { key, salt };
  const receiverCases: [string, Record<string, unknown>, RegExp][] = [
    ['port over 65535', { localPort: 70000 }, /localPort must be in 0\.\.65535/],
    ['drop rate over 1', { dropRate: 1.5 }, /dropRate must be a number in 0\.\.1/],
    ['NaN drop rate', { dropRate: Number.NaN }, /dropRate must be a number in 0\.\.1/],
    ['fractional seed', { dropSeed: 0.5 }, /dropSeed must be an integer/],
    ['no key', { key: undefined }, /key must be a Uint8Array/],
    ['salt of 3 bytes', { salt: randomBytes(3) }, /salt must be 4 bytes/],
    ['window of 0', { windowFrames: 0 }, /windowFrames must be in 1\.\.1024/],
    ['bad address', { localAddress: '0.0.0.0.0' }, /localAddress must be a numeric IPv4 or IPv6 address/],
  ];
  for (const [name, change, message] of receiverCases) {
    it(`receiver: ${name}`, () => {
      const error = errorOf(() => new MediaReceiver({ ...goodReceiver, ...change } as MediaReceiverOptions));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^invalid media receiver options: /);
      expect(error.message).toMatch(message);
    });
  }

  it('sendFrame arguments, setFecPercent, and use after close', () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    const tx = new MediaSender({ ...goodSender, remotePort: rx.localPort });
    open.push(rx);
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(0), 0, true, 0)).message).toMatch(/non-empty Uint8Array/);
    expect(errorOf(() => tx.sendFrame('abc' as unknown as Uint8Array, 0, true, 0)).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(9), -1, true, 0)).message).toMatch(/frameIndex/);
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(9), 2 ** 32, true, 0)).message).toMatch(/frameIndex/);
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(9), 0, 1 as unknown as boolean, 0)).message).toMatch(
      /keyframe/,
    );
    expect(errorOf(() => tx.setFecPercent(200)).code).toBe('INVALID_ARGUMENT');
    // Over the native frame limit (255 blocks x 128 shards x 1200 bytes).
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(40_000_000), 0, true, 0)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => rx.poll(-1)).code).toBe('INVALID_ARGUMENT');
    tx.close();
    expect(errorOf(() => tx.sendFrame(Buffer.alloc(9), 0, true, 0)).code).toBe('CLOSED');
  });

  it('a port already bound is a NETWORK_FAILED error with the reason', () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    open.push(rx);
    const error = errorOf(
      () => new MediaReceiver({ localAddress: '127.0.0.1', localPort: rx.localPort, key, salt }),
    );
    expect(error.code).toBe('NETWORK_FAILED');
    expect(error.message).toMatch(/bind 127\.0\.0\.1 port \d+: Address already in use/);
  });
});
