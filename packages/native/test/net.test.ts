import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MediaReceiver,
  type MediaReceiverOptions,
  MediaSender,
  type MediaSenderOptions,
  monotonicUs,
  type ReceivedFrame,
} from '../src/index.js';

const key = randomBytes(16);
const salt = randomBytes(4);
const open: { close(): void }[] = [];

function pair(sender: Partial<MediaSenderOptions> = {}, receiver: Partial<MediaReceiverOptions> = {}) {
  const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt, ...receiver });
  const tx = new MediaSender({ remoteHost: '127.0.0.1', remotePort: rx.localPort, key, salt, ...sender });
  open.push(rx, tx);
  return { rx, tx };
}

/** Polls until `count` frames arrived or the receiver stays quiet for a while. */
function collect(rx: MediaReceiver, into: ReceivedFrame[], count: number): void {
  for (let quiet = 0; into.length < count && quiet < 20; ) {
    const got = rx.poll(25).frames;
    into.push(...got);
    quiet = got.length === 0 ? quiet + 1 : 0;
  }
}

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

describe('MediaSender → MediaReceiver over UDP on 127.0.0.1', () => {
  it('frames of random sizes, several over one FEC block, arrive byte-exact and in order', () => {
    const { rx, tx } = pair({ shardBytes: 1200, fecPercent: 20, spreadUs: 2000 });
    // 128 shards x 1200 bytes = 153600 bytes per block.
    const sizes = [1, 1199, 1200, 1201, 153_600, 153_601, 400_000];
    for (let i = 0; i < 33; i++) sizes.push(1 + Math.floor(Math.random() * 250_000));
    const sent = sizes.map((n) => randomBytes(n));
    const received: ReceivedFrame[] = [];
    sent.forEach((data, i) => {
      const before = monotonicUs();
      const r = tx.sendFrame(data, 1000 + i, i === 0, before);
      const dataPackets = Math.ceil(data.length / 1200);
      expect(r.packets - r.parityPackets).toBe(dataPackets);
      expect(r.parityPackets).toBeGreaterThanOrEqual(Math.ceil(dataPackets * 0.2));
      expect(r.wireBytes).toBe(r.packets * (1200 + 48));
      expect(r.unsent).toBe(0);
      expect(r.lastPacketMonoUs).toBeGreaterThanOrEqual(before);
      expect(r.lastPacketMonoUs).toBeLessThanOrEqual(monotonicUs());
      received.push(...rx.poll(0).frames);
    });
    collect(rx, received, sent.length);
    expect(received.map((f) => f.frameIndex)).toEqual(sent.map((_, i) => 1000 + i));
    received.forEach((f, i) => {
      expect(f.data.equals(sent[i]!)).toBe(true);
      expect(f.keyframe).toBe(i === 0);
      expect(f.recoveredByFec).toBe(false);
      expect(f.receivedMonoUs).toBeGreaterThanOrEqual(f.captureStartUs);
    });
    const counters = rx.counters();
    expect(counters.framesCompleted).toBe(sent.length);
    expect(counters.framesLost).toBe(0);
    expect(counters.authFailures).toBe(0);
  });

  it('with 5 % injected loss and 20 % FEC, frames are recovered byte-exact', () => {
    const { rx, tx } = pair({ fecPercent: 20, spreadUs: 1000 }, { dropRate: 0.05, dropSeed: 42 });
    const frames = 200;
    const sent: Buffer[] = [];
    const received: ReceivedFrame[] = [];
    for (let i = 0; i < frames; i++) {
      sent.push(randomBytes(20_000 + Math.floor(Math.random() * 40_000)));
      tx.sendFrame(sent[i]!, i, false, i);
      received.push(...rx.poll(0).frames);
    }
    collect(rx, received, frames);
    const c = rx.counters();
    for (const f of received) expect(f.data.equals(sent[f.frameIndex]!)).toBe(true);
    expect(c.dropped).toBeGreaterThan(0);
    // A 17..50-datagram block with 20 % parity survives 5 % loss almost always.
    expect(c.fecRecoveredFrames).toBeGreaterThan(frames / 4);
    expect(received.filter((f) => f.recoveredByFec).length).toBe(c.fecRecoveredFrames);
    expect(c.framesCompleted).toBe(received.length);
    expect(received.length).toBeGreaterThanOrEqual(frames * 0.9);
    expect(c.framesCompleted + c.framesLost).toBeLessThanOrEqual(frames);
  });

  it('setFecPercent changes the parity of the next frame', () => {
    const { rx, tx } = pair({ fecPercent: 0 });
    const data = randomBytes(12_000);
    expect(tx.sendFrame(data, 0, true, 0).parityPackets).toBe(0);
    tx.setFecPercent(50);
    expect(tx.sendFrame(data, 1, false, 0).parityPackets).toBe(5);
    const received: ReceivedFrame[] = [];
    collect(rx, received, 2);
    expect(received.map((f) => f.frameIndex)).toEqual([0, 1]);
  });

  it('works over IPv6 loopback into a dual-stack receiver', () => {
    const rx = new MediaReceiver({ key, salt });
    const tx = new MediaSender({ remoteHost: '::1', remotePort: rx.localPort, key, salt });
    open.push(rx, tx);
    const data = randomBytes(5000);
    tx.sendFrame(data, 7, true, 1);
    const received: ReceivedFrame[] = [];
    collect(rx, received, 1);
    expect(received[0]?.data.equals(data)).toBe(true);
  });
});

interface NetWorkerReport {
  received: number[];
  exact: boolean;
}

function runWorker(data: object): Promise<{ report: NetWorkerReport; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/net-worker.mjs', import.meta.url), { workerData: data });
    let report: NetWorkerReport | undefined;
    worker.on('message', (m: NetWorkerReport) => (report = m));
    worker.on('error', reject);
    worker.on('exit', (exitCode) =>
      report
        ? resolve({ report, exitCode })
        : reject(new Error(`worker exited ${exitCode} without a report`)),
    );
  });
}

describe('the media sender and receiver in worker_threads', () => {
  it('two workers stream at once, each gets its own frames, and both exit cleanly', async () => {
    const [a, b] = await Promise.all([
      runWorker({ frames: 40, frameBytes: 30_000, closeExplicitly: true }),
      runWorker({ frames: 40, frameBytes: 90_000, closeExplicitly: false }),
    ]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    expect(a.report.received).toEqual([...Array(40).keys()]);
    expect(b.report.received).toEqual([...Array(40).keys()]);
    expect(a.report.exact && b.report.exact).toBe(true);
  });

  it('a receiver on the main thread gets frames from a sender in a worker', async () => {
    const rx = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });
    open.push(rx);
    const done = runWorker({ frames: 10, frameBytes: 50_000, remotePort: rx.localPort, key, salt });
    const { exitCode } = await done;
    expect(exitCode).toBe(0);
    const received: ReceivedFrame[] = [];
    collect(rx, received, 10);
    expect(received.map((f) => f.frameIndex)).toEqual([...Array(10).keys()]);
    expect(received.every((f) => f.data.length === 50_000 && f.data[0] === f.frameIndex)).toBe(true);
  });
});
