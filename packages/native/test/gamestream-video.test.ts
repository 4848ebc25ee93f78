import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FrameCapture,
  GAMESTREAM_FRAME_TYPES,
  GameStreamVideoSender,
  type GameStreamVideoSenderOptions,
  VideoEncoder,
} from '../src/index.js';
import {
  decryptVideo,
  parseVideo,
  reassemble,
  UdpCollector,
  type VideoPacket,
} from './gamestream-receiver.js';

const open: { close(): void }[] = [];

async function setup(options: Partial<GameStreamVideoSenderOptions> = {}) {
  const rx = await UdpCollector.open();
  const tx = new GameStreamVideoSender({ remoteHost: '127.0.0.1', remotePort: rx.port, ...options });
  open.push(rx, tx);
  return { rx, tx };
}

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** A random access unit that starts like a P slice. */
function frame(bytes: number): Buffer {
  const data = randomBytes(bytes);
  data.set([0, 0, 0, 1, 0x41].slice(0, bytes));
  return data;
}

/** Header checks every frame must pass, data and parity packets alike. */
function checkFrame(packets: VideoPacket[], frameIndex: number, firstSequence: number, rtpTimestamp: number) {
  const byBlock = new Map<number, VideoPacket[]>();
  packets.forEach((p, i) => {
    expect(p.rtpHeader).toBe(0x90);
    expect(p.seq).toBe((firstSequence + i) & 0xffff);
    expect(p.timestamp).toBe(rtpTimestamp);
    expect(p.extension).toBe(0);
    expect(p.frameIndex).toBe(frameIndex);
    const block = (p.multiFecBlocks >> 4) & 3;
    byBlock.set(block, [...(byBlock.get(block) ?? []), p]);
  });
  let streamIndex = packets[0]!.streamPacketIndex >>> 8;
  for (const [block, members] of byBlock) {
    const dataShards = members[0]!.dataShards;
    // The client derives the parity count from fecInfo: it must match what was sent.
    expect(members.length).toBe(dataShards + Math.floor((dataShards * members[0]!.fecPct + 99) / 100));
    members.forEach((p, i) => {
      expect(p.shardIndex).toBe(i);
      expect(p.dataShards).toBe(dataShards);
      expect((p.multiFecBlocks >> 6) & 3).toBe(byBlock.size - 1);
      if (i < dataShards) {
        expect(p.streamPacketIndex >>> 8).toBe(streamIndex++);
        expect(p.multiFecFlags).toBe(0x10);
        expect(p.extraFlags).toBe(0);
        expect(p.flags).toBe(0x1 | (i === 0 ? 0x4 : 0) | (i === dataShards - 1 ? 0x2 : 0));
      }
    });
    expect(block).toBeLessThan(4);
  }
}

describe('GameStreamVideoSender → a UDP client on 127.0.0.1', () => {
  it('sends packetSize + 16 byte datagrams with the headers Moonlight checks, frames reassemble exactly', async () => {
    const { rx, tx } = await setup({
      packetSize: 1392,
      fecPercent: 20,
      minRequiredFecPackets: 2,
      initialSequence: 65000,
    });
    expect(tx.datagramBytes).toBe(1408);
    let rtpTimestamp = 1234;
    const sizes = [21_000, 42_000, 1, 1376, 400_000];
    for (const [i, bytes] of sizes.entries()) {
      const data = frame(bytes);
      const report = tx.sendFrame(data, i + 1, GAMESTREAM_FRAME_TYPES.p, 3456, rtpTimestamp);
      expect(report.unsent).toBe(0);
      expect(report.wireBytes).toBe(report.packets * 1408);
      expect(report.parityPackets).toBeGreaterThanOrEqual(2 * report.blocks);
      expect(report.blocks).toBe(bytes === 400_000 ? 2 : 1);
      const datagrams = await rx.waitFor(report.packets);
      for (const d of datagrams) expect(d.length).toBe(1408);
      const packets = datagrams
        .map(parseVideo)
        .sort(
          (a, b) => ((a.seq - report.firstSequence) & 0xffff) - ((b.seq - report.firstSequence) & 0xffff),
        );
      checkFrame(packets, i + 1, report.firstSequence, rtpTimestamp);
      const got = reassemble(packets);
      expect(got.frameType).toBe(1);
      expect(got.hostLatency).toBe(35); // 3456 µs in 0.1 ms units, rounded
      expect(got.data.equals(data)).toBe(true);
      rtpTimestamp += 1500; // 60 fps on the 90 kHz clock
    }
  });

  it('encrypts with AES-GCM behind iv || frameNumber || tag when given the rikey', async () => {
    const key = randomBytes(16);
    // The client advertises a packetSize 32 bytes smaller when it asks for encryption.
    const { rx, tx } = await setup({ packetSize: 1360, key });
    expect(tx.datagramBytes).toBe(1360 + 16 + 32);
    const data = frame(42_000);
    const report = tx.sendFrame(data, 7, GAMESTREAM_FRAME_TYPES.p, 0, 90_000);
    expect(report.wireBytes).toBe(report.packets * 1408);
    const datagrams = await rx.waitFor(report.packets);
    const ivs = new Set<string>();
    const packets = datagrams.map((d) => {
      expect(d.length).toBe(1408);
      ivs.add(d.subarray(0, 12).toString('hex'));
      const { frameNumber, packet } = decryptVideo(d, key);
      expect(frameNumber).toBe(7);
      return parseVideo(packet);
    });
    expect(ivs.size).toBe(datagrams.length); // never an IV twice under one key
    packets.sort((a, b) => a.seq - b.seq);
    checkFrame(packets, 7, report.firstSequence, 90_000);
    expect(reassemble(packets).data.equals(data)).toBe(true);
  });

  it('sends real libx264 output: the IDR reaches the client starting with SPS', async () => {
    const { rx, tx } = await setup({ packetSize: 1024 });
    const encoder = new VideoEncoder(
      { codec: 'h264', backend: 'software', width: 640, height: 360, fps: 60, bitrateKbps: 4000 },
      null,
    );
    const capture = new FrameCapture({ width: 640, height: 360, pixelFormat: encoder.info.pixelFormat });
    open.push(encoder, capture);
    let frameIndex = 1;
    let idrs = 0;
    for (let i = 0; i < 6; i++) {
      capture.capture();
      encoder.submit(capture, i === 3);
      const out = encoder.collect();
      if (!out.data) continue;
      const type = out.keyframe ? GAMESTREAM_FRAME_TYPES.idr : GAMESTREAM_FRAME_TYPES.p;
      const report = tx.sendFrame(out.data, frameIndex, type, 1000, frameIndex * 1500);
      const packets = (await rx.waitFor(report.packets)).map(parseVideo).sort((a, b) => a.seq - b.seq);
      checkFrame(packets, frameIndex, report.firstSequence, frameIndex * 1500);
      const got = reassemble(packets);
      expect(got.frameType).toBe(type);
      if (out.keyframe) {
        idrs++;
        expect([...got.data.subarray(0, 5)]).toEqual([0, 0, 0, 1, 0x67]);
        if (idrs === 1) expect(report.strippedBytes).toBeGreaterThan(0);
        expect(got.data.length).toBe(out.data.length - report.strippedBytes);
      } else {
        expect(got.data.equals(out.data)).toBe(true);
      }
      frameIndex++;
    }
    expect(idrs).toBe(2);
  });
});
