// The client's Reed-Solomon against the host's real packetizer: frames go
// through GameStreamVideoSender to a UDP socket here, packets are taken away,
// and what this client rebuilds must be what the host sent. If the host's
// parity rows differed from rs.c's, every recovery below would fail.
import { randomBytes } from 'node:crypto';
import {
  GAMESTREAM_FRAME_TYPES,
  GameStreamVideoSender,
  type GameStreamVideoSenderOptions,
} from '@punktfunk/native';
import { afterEach, describe, expect, it } from 'vitest';
import { videoParityRows } from '../src/fec-matrices.js';
import { encodeParity, gfInv, gfMul, invertMatrix, recoverDataShards } from '../src/gf256.js';
import { type FrameLossReason, VideoFecQueue } from '../src/video-fec-queue.js';
import {
  clientParityCount,
  decryptVideoDatagram,
  parseVideoHeader,
  type VideoPacketHeader,
} from '../src/video-packet.js';
import { subsetsUpTo, testRandom, UdpCollector } from './support/test-udp.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** GF(2^8) multiplication bit by bit, as a reference for the table. */
function slowMul(a: number, b: number): number {
  let product = 0;
  let x = a;
  for (let bit = 0; bit < 8; bit++) {
    if (b & (1 << bit)) product ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return product;
}

interface SentPacket {
  bytes: Buffer;
  h: VideoPacketHeader;
}

interface SentFrame {
  frameIndex: number;
  blocks: SentPacket[][];
}

async function sendFrames(sizes: number[], options: Partial<GameStreamVideoSenderOptions> = {}) {
  const rx = await UdpCollector.open();
  const tx = new GameStreamVideoSender({ remoteHost: '127.0.0.1', remotePort: rx.port, ...options });
  open.push(rx, tx);
  const frames: SentFrame[] = [];
  for (const [i, size] of sizes.entries()) {
    const data = randomBytes(size);
    data.set([0, 0, 0, 1, 0x41].slice(0, size));
    const report = tx.sendFrame(data, i + 1, GAMESTREAM_FRAME_TYPES.p, 2500, i * 1500);
    const datagrams = await rx.take(report.packets);
    const packets = datagrams
      .map((d) => (options.key ? (decryptVideoDatagram(d, Buffer.from(options.key)) as Buffer) : d))
      .map((bytes) => ({ bytes, h: parseVideoHeader(bytes) as VideoPacketHeader }))
      .sort(
        (a, b) => ((a.h.seq - report.firstSequence) & 0xffff) - ((b.h.seq - report.firstSequence) & 0xffff),
      );
    const blocks: SentPacket[][] = [];
    for (const p of packets) {
      blocks[p.h.blockIndex] ??= [];
      blocks[p.h.blockIndex]?.push(p);
    }
    frames.push({ frameIndex: i + 1, blocks });
  }
  return { frames, packetSize: options.packetSize ?? 1392 };
}

/** Bytes a parity packet does not cover (the host writes them after computing parity). */
function rewrittenByHost(offset: number, nv: number): boolean {
  if (offset < 12) return true; // RTP flags, payload type, seq, timestamp, ssrc
  if (offset >= nv + 4 && offset < nv + 8) return true; // frameIndex
  if (offset === nv + 11) return true; // multiFecBlocks
  return offset >= nv + 12 && offset < nv + 16; // fecInfo
}

function expectCoveredBytesEqual(rebuilt: Uint8Array, original: Buffer, nv: number): void {
  let mismatches = 0;
  for (let i = 0; i < original.length; i++) {
    if (!rewrittenByHost(i, nv) && rebuilt[i] !== original[i]) mismatches++;
  }
  expect(mismatches).toBe(0);
}

/** Raw recovery of one block with the packets at `lost` (shard indexes) taken away. */
function recoverBlock(block: SentPacket[], lost: number[], shardBytes: number) {
  const h = block[0]?.h as VideoPacketHeader;
  const parity = clientParityCount(h.dataShards, h.fecPercent);
  expect(block).toHaveLength(h.dataShards + parity);
  const shards: (Uint8Array | null)[] = block.map((p, i) => (lost.includes(i) ? null : p.bytes));
  return { rebuilt: recoverDataShards(videoParityRows(h.dataShards, parity), shards, shardBytes), shards, h };
}

describe('GF(2^8) and the solver on their own', () => {
  it('multiplies like the bitwise definition and inverts every non-zero element', () => {
    const random = testRandom(7);
    for (let n = 0; n < 5000; n++) {
      const a = Math.floor(random() * 256);
      const b = Math.floor(random() * 256);
      expect(gfMul(a, b)).toBe(slowMul(a, b));
    }
    for (let a = 1; a < 256; a++) expect(gfMul(a, gfInv(a))).toBe(1);
    expect(invertMatrix([[0]])).toBeNull();
  });

  it('recovers any ≤ parity erasures of random data with the rs.c rows, and refuses one more', () => {
    const data = Array.from({ length: 6 }, () => randomBytes(32));
    const rows = videoParityRows(6, 3);
    const parity = encodeParity(rows, data, 32);
    for (const lost of subsetsUpTo(9, 3)) {
      const shards: (Uint8Array | null)[] = [...data, ...parity].map((s, i) => (lost.includes(i) ? null : s));
      const rebuilt = recoverDataShards(rows, shards, 32);
      expect(rebuilt).toEqual(lost.filter((i) => i < 6));
      for (let i = 0; i < 6; i++)
        expect(Buffer.from(shards[i] as Uint8Array).equals(data[i] as Buffer)).toBe(true);
    }
    const fourLost = [...data, ...parity].map((s, i) => (i < 4 ? null : s));
    expect(recoverDataShards(rows, fourLost, 32)).toBeNull();
  });
});

describe("recovery of the host packetizer's blocks (GameStreamVideoSender over UDP)", () => {
  it('rebuilds every pattern of up to `parity` lost packets of small frames, byte for byte', async () => {
    // 1 byte: 1 data + 2 parity (minRequiredFecPackets); 20 kB: 15 data + 3 parity (20 %).
    const { frames, packetSize } = await sendFrames([1, 20_000], {
      fecPercent: 20,
      minRequiredFecPackets: 2,
    });
    const shardBytes = packetSize + 16;
    const shapes: string[] = [];
    for (const frame of frames) {
      const block = frame.blocks[0] as SentPacket[];
      const { dataShards, fecPercent } = (block[0] as SentPacket).h;
      const parity = clientParityCount(dataShards, fecPercent);
      shapes.push(`${dataShards}+${parity}`);
      let patterns = 0;
      for (const lost of subsetsUpTo(block.length, parity)) {
        const { rebuilt, shards, h } = recoverBlock(block, lost, shardBytes);
        expect(rebuilt).toEqual(lost.filter((i) => i < dataShards));
        for (const i of rebuilt ?? [])
          expectCoveredBytesEqual(shards[i] as Uint8Array, block[i]?.bytes as Buffer, h.nvOffset);
        patterns++;
      }
      expect(patterns).toBeGreaterThan(block.length);
    }
    expect(shapes).toEqual(['1+2', '15+3']);
  });

  it('rebuilds random losses of exactly `parity` packets in each block of a 2-block frame; one more fails', async () => {
    const { frames, packetSize } = await sendFrames([400_000], { fecPercent: 10, minRequiredFecPackets: 2 });
    const blocks = (frames[0] as SentFrame).blocks;
    expect(blocks).toHaveLength(2);
    const random = testRandom(11);
    for (const block of blocks) {
      const { dataShards, fecPercent } = (block[0] as SentPacket).h;
      const parity = clientParityCount(dataShards, fecPercent);
      for (let round = 0; round < 6; round++) {
        const lost = [...block.keys()].sort(() => random() - 0.5).slice(0, parity);
        const { rebuilt, shards, h } = recoverBlock(block, lost, packetSize + 16);
        expect(rebuilt?.length).toBe(lost.filter((i) => i < dataShards).length);
        for (const i of rebuilt ?? [])
          expectCoveredBytesEqual(shards[i] as Uint8Array, block[i]?.bytes as Buffer, h.nvOffset);
      }
      const tooMany = [...Array(parity + 1).keys()];
      expect(recoverBlock(block, tooMany, packetSize + 16).rebuilt).toBeNull();
    }
  });

  it('the FEC queue hands on exactly the packets the host sent, across blocks, frames and encryption', async () => {
    const key = randomBytes(16);
    for (const options of [{}, { key, packetSize: 1360 }]) {
      const { frames, packetSize } = await sendFrames([1, 3000, 20_000, 400_000, 1376], {
        fecPercent: 20,
        minRequiredFecPackets: 2,
        ...options,
      });
      const delivered = new Map<number, Buffer[]>();
      const lostFrames: number[] = [];
      const queue = new VideoFecQueue(packetSize, {
        onFrame: (frameIndex, packets) => delivered.set(frameIndex, packets),
        onFramesLost: (first, last) => lostFrames.push(first, last),
        onFecStatus: () => {},
      });
      const random = testRandom(3);
      for (const frame of frames) {
        for (const block of frame.blocks) {
          const h = (block[0] as SentPacket).h;
          const parity = clientParityCount(h.dataShards, h.fecPercent);
          // Lose up to `parity` packets of the block, data packets preferred.
          const lost = new Set([...block.keys()].sort(() => random() - 0.5).slice(0, parity));
          for (const [i, p] of block.entries()) if (!lost.has(i)) queue.add(p.bytes);
        }
      }
      expect(lostFrames).toEqual([]);
      expect(queue.counters.inconsistent).toBe(0);
      expect(queue.counters.recoveredPackets).toBeGreaterThan(0);
      for (const frame of frames) {
        const sentData = frame.blocks.flatMap((b) => b.filter((p) => p.h.shardIndex < p.h.dataShards));
        const got = delivered.get(frame.frameIndex) as Buffer[];
        expect(got.map((p) => p.toString('hex'))).toEqual(sentData.map((p) => p.bytes.toString('hex')));
      }
    }
  });

  it('gives a frame up, with a FEC status for the host, when a block lost more than its parity', async () => {
    const { frames, packetSize } = await sendFrames([20_000, 400_000, 5000]);
    const lost: [number, number, FrameLossReason][] = [];
    const delivered: number[] = [];
    const statuses: { frameIndex: number; received: number; total: number }[] = [];
    const queue = new VideoFecQueue(packetSize, {
      onFrame: (frameIndex) => delivered.push(frameIndex),
      onFramesLost: (first, last, reason) => lost.push([first, last, reason]),
      onFecStatus: (s) =>
        statuses.push({
          frameIndex: s.frameIndex,
          received: s.receivedDataPackets + s.receivedParityPackets,
          total: s.totalDataPackets,
        }),
    });
    for (const frame of frames) {
      for (const [b, block] of frame.blocks.entries()) {
        const h = (block[0] as SentPacket).h;
        const parity = clientParityCount(h.dataShards, h.fecPercent);
        // Frame 1: one packet too many lost. Frame 2: block 1 loses one too many.
        const tooMany = frame.frameIndex === 1 || (frame.frameIndex === 2 && b === 1) ? parity + 1 : 0;
        for (const [i, p] of block.entries()) if (i >= tooMany) queue.add(p.bytes);
      }
    }
    expect(delivered).toEqual([3]);
    expect(lost).toEqual([
      [1, 1, 'unrecoverable-block'],
      [2, 2, 'unrecoverable-block'],
    ]);
    expect(queue.counters.unrecoverableBlocks).toBe(2);
    expect(statuses.map((s) => s.frameIndex)).toEqual([1, 2]);
    for (const s of statuses) expect(s.received).toBe(s.total - 1);
  });
});
