// The whole video path of the client against the host's real sender over
// UDP: pings, (decryption,) FEC, reassembly, the wait for an IDR after a lost
// frame, and libx264 frames decoded again by the addon with the drawn frame
// counter read back.
import { randomBytes } from 'node:crypto';
import {
  FrameCapture,
  GAMESTREAM_FRAME_TYPES,
  GameStreamVideoSender,
  VideoDecoder,
  VideoEncoder,
} from '@punktfunk/native';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVideoHeader } from '../src/video-packet.js';
import { type ReceivedVideoFrame, VideoReceiver } from '../src/video-receiver.js';
import { LossyRelay } from './support/test-udp.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** An access unit the client takes for an IDR: SPS, PPS, then an IDR slice. */
function syntheticIdr(bytes: number): Buffer {
  const head = Buffer.from([
    0, 0, 0, 1, 0x67, 0x42, 0, 0x1f, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 0, 1, 0x65,
  ]);
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
}

function syntheticP(bytes: number): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 1, 0x41]), randomBytes(bytes - 5)]);
}

describe('VideoReceiver ← GameStreamVideoSender over UDP', () => {
  it('pings the host port, then delivers frames byte for byte through AES-GCM and 3 % loss', async () => {
    const key = randomBytes(16);
    const frames: ReceivedVideoFrame[] = [];
    const pingSink = await LossyRelay.open(() => false); // stands in for the host's video port, sees the pings
    const receiver = await VideoReceiver.open({
      host: '127.0.0.1',
      port: pingSink.port,
      pingPayload: '0123456789abcdef',
      packetSize: 1360,
      key,
      dropRate: 0.03,
      seed: 9,
      onFrame: (f) => frames.push(f),
    });
    open.push(pingSink, receiver);
    await until('the first ping', () => pingSink.seen.length >= 1);
    const ping = pingSink.seen[0]?.datagram as Buffer;
    expect(ping).toHaveLength(20);
    expect(ping.subarray(0, 16).toString()).toBe('0123456789abcdef');
    expect(ping.readUInt32BE(16)).toBe(1);

    const tx = new GameStreamVideoSender({
      remoteHost: '127.0.0.1',
      remotePort: receiver.localPort,
      packetSize: 1360,
      key,
    });
    open.push(tx);
    const sent: Buffer[] = [];
    for (let i = 1; i <= 30; i++) {
      const data = i === 1 ? syntheticIdr(30_000) : syntheticP(2_000 + ((i * 7919) % 40_000));
      sent.push(data);
      tx.sendFrame(data, i, i === 1 ? GAMESTREAM_FRAME_TYPES.idr : GAMESTREAM_FRAME_TYPES.p, 2_540, i * 1500);
      await sleep(1);
    }
    await until('30 frames', () => receiver.counters.framesComplete + receiver.counters.framesLost >= 30);
    const c = receiver.counters;
    expect(c.injectedDrops).toBeGreaterThan(0);
    expect(c.recoveredPackets).toBeGreaterThan(0);
    expect(c.decryptFailures).toBe(0);
    expect(c.wrongSize).toBe(0);
    expect(c.inconsistent).toBe(0);
    // Whatever arrived complete is exactly what was sent, with the header's fields.
    expect(frames.length).toBeGreaterThanOrEqual(25);
    for (const f of frames) {
      expect(f.data.equals(sent[f.frameIndex - 1] as Buffer)).toBe(true);
      expect(f.hostLatencyTenthsMs).toBe(25);
      expect(f.frameType).toBe(f.frameIndex === 1 ? 2 : 1);
      expect(f.idr).toBe(f.frameIndex === 1);
    }
    expect(receiver.records.filter((r) => r.fecNeeded && r.delivered).length).toBeGreaterThan(0);
  });

  it('after a lost frame: drops frames, asks for an IDR once one frame came through, resumes at the IDR', async () => {
    // A relay that loses every packet of frame 12 on its way to the client.
    const relay = await LossyRelay.open((_, d) => parseVideoHeader(d)?.frameIndex === 12);
    const frames: ReceivedVideoFrame[] = [];
    let idrWanted = false;
    const receiver = await VideoReceiver.open({
      host: '127.0.0.1',
      port: relay.port,
      pingPayload: null,
      packetSize: 1392,
      onFrame: (f) => frames.push(f),
      onIdrRequest: () => {
        idrWanted = true;
      },
    });
    relay.target = receiver.localPort;
    const tx = new GameStreamVideoSender({ remoteHost: '127.0.0.1', remotePort: relay.port });
    open.push(relay, receiver, tx);
    let idrsSent = 0;
    for (let i = 1; i <= 25; i++) {
      const idr = i === 1 || idrWanted;
      if (idr && i > 1) idrsSent++;
      idrWanted = false;
      tx.sendFrame(idr ? syntheticIdr(8000) : syntheticP(6000), i, idr ? 2 : 1, 0, i * 1500);
      await until(
        `frame ${i} handled`,
        // A frame lost whole is only known lost when the next one arrives.
        () => receiver.counters.framesComplete + receiver.counters.framesLost >= (i === 12 ? 11 : i),
      );
    }
    expect(receiver.counters.idrRequests).toBe(1);
    expect(idrsSent).toBe(1);
    const delivered = frames.map((f) => f.frameIndex);
    // 12 lost; 13 completes and triggers the request; 14 is the IDR.
    expect(delivered).toEqual([...Array(25).keys()].map((i) => i + 1).filter((i) => i !== 12 && i !== 13));
    const records = new Map(receiver.records.map((r) => [r.frameIndex, r]));
    expect(records.get(12)).toMatchObject({ unrecoverable: true, delivered: false, reason: 'never-arrived' });
    expect(records.get(13)).toMatchObject({ delivered: false, reason: 'waiting-for-idr', frameType: 1 });
    expect(frames.find((f) => f.frameIndex === 14)?.idr).toBe(true);
    expect(receiver.counters).toMatchObject({ framesLost: 1, framesDropped: 1, framesDelivered: 23 });
  });

  it('carries libx264 frames that decode to the drawn counters, recovering loss and re-syncing on IDRs', async () => {
    const width = 640;
    const height = 360;
    const encoder = new VideoEncoder(
      { codec: 'h264', backend: 'software', width, height, fps: 60, bitrateKbps: 6000 },
      null,
    );
    const capture = new FrameCapture({ width, height, pixelFormat: encoder.info.pixelFormat });
    const decoder = new VideoDecoder({ codec: 'h264' });
    open.push(encoder, capture, decoder);
    const decoded: { frameIndex: number; counter: number | null }[] = [];
    let idrWanted = false;
    // Loses all of frame 40 on the way, and the receiver drops 4 % of the rest itself.
    const relay = await LossyRelay.open((_, d) => parseVideoHeader(d)?.frameIndex === 40);
    const receiver = await VideoReceiver.open({
      host: '127.0.0.1',
      port: relay.port,
      pingPayload: null,
      packetSize: 1024,
      dropRate: 0.04,
      seed: 1234,
      onFrame: (f) => {
        for (const out of decoder.decode(f.data).frames)
          decoded.push({ frameIndex: f.frameIndex, counter: out.frameCounter });
      },
      onIdrRequest: () => {
        idrWanted = true;
      },
    });
    relay.target = receiver.localPort;
    const tx = new GameStreamVideoSender({
      remoteHost: '127.0.0.1',
      remotePort: relay.port,
      packetSize: 1024,
    });
    open.push(relay, receiver, tx);
    for (let i = 1; i <= 90; i++) {
      capture.capture();
      encoder.submit(capture, idrWanted);
      idrWanted = false;
      const out = encoder.collect();
      if (!out.data) throw new Error('the encoder held a frame back');
      tx.sendFrame(out.data, i, out.keyframe ? 2 : 1, 1000, i * 1500);
      // Random loss can make any frame unrecoverable, which shows only with the next one.
      await until(
        `frame ${i - 1}`,
        () => receiver.counters.framesComplete + receiver.counters.framesLost >= i - 1,
      );
      await sleep(2);
    }
    // The counter drawn into capture n (from 0) is frame n + 1.
    for (const d of decoded) expect(d.counter).toBe(d.frameIndex - 1);
    expect(decoded.length).toBe(receiver.counters.framesDelivered);
    expect(receiver.counters.recoveredPackets).toBeGreaterThan(0);
    expect(receiver.counters.idrRequests).toBeGreaterThanOrEqual(1);
    expect(decoded.some((d) => d.frameIndex === 40)).toBe(false);
    expect(decoded.length).toBeGreaterThan(60);
  });
});
