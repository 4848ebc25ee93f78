// The client's video FEC queue, modelled on moonlight-common-c RtpVideoQueue.c
// (read for its behaviour; this is an independent implementation): packets
// are grouped per frame and FEC block, a block is done as soon as it holds as
// many packets as it has data shards (Reed-Solomon fills the gaps), blocks of
// a frame must arrive in order, and a packet of a later block or frame while
// one is unfinished gives that one up. What it gives up is reported as lost;
// whenever recovery was needed, or a block was given up, it reports a
// SS_FRAME_FEC_STATUS for the host.
import type { FecStatus } from '@punktfunk/protocol';
import { videoParityRows } from './fec-matrices.js';
import { recoverDataShards } from './gf256.js';
import {
  clientParityCount,
  FLAG_CONTAINS_PIC_DATA,
  FLAG_EOF,
  FLAG_SOF,
  isBefore32,
  MAX_RTP_HEADER_BYTES,
  parseVideoHeader,
  type VideoPacketHeader,
} from './video-packet.js';

export type FrameLossReason =
  /** A block of a multi-block frame could not be completed before the next block or frame arrived. */
  | 'unrecoverable-block'
  /** Packets of a later block arrived while an earlier block of the frame never showed. */
  | 'missing-block'
  /** Reed-Solomon produced a packet whose flags cannot be right (a parity matrix mismatch). */
  | 'bad-recovery'
  /** No packet of the frame arrived before a later frame's. */
  | 'never-arrived';

export interface VideoFecQueueSink {
  /** Every data packet of a frame, in order; recovered ones are full size and zero padded. */
  onFrame(
    frameIndex: number,
    packets: Buffer[],
    info: { recoveredPackets: number; recoveredBlocks: number },
  ): void;
  onFramesLost(firstFrame: number, lastFrame: number, reason: FrameLossReason): void;
  onFecStatus(status: FecStatus): void;
}

export interface VideoFecQueueCounters {
  accepted: number;
  /** Packets of frames or blocks already complete or given up (mostly parity that was not needed). */
  late: number;
  duplicates: number;
  /** Too short, no data shards, or a seq outside its block. */
  invalid: number;
  /** Packets that started a block the client cannot use (a block of the frame was skipped). */
  outOfOrder: number;
  /**
   * Packets whose fecInfo or multiFecBlocks disagree with the first of their
   * block, or whose seq does not match their shard index. The client only
   * asserts this in debug builds and goes on; a host must never send it.
   */
  inconsistent: number;
  blocksComplete: number;
  recoveredBlocks: number;
  recoveredPackets: number;
  unrecoverableBlocks: number;
  badRecoveries: number;
}

interface Block {
  frameIndex: number;
  blockIndex: number;
  lastBlock: number;
  lowestSeq: number;
  dataShards: number;
  parityShards: number;
  fecPercent: number;
  shards: (Buffer | null)[];
  /** The first packet received: recovered packets copy its RTP fields, as the client does. */
  first: VideoPacketHeader;
  firstBytes: Buffer;
  receivedData: number;
  receivedParity: number;
  highestIndex: number;
}

export class VideoFecQueue {
  readonly counters: VideoFecQueueCounters = {
    accepted: 0,
    late: 0,
    duplicates: 0,
    invalid: 0,
    outOfOrder: 0,
    inconsistent: 0,
    blocksComplete: 0,
    recoveredBlocks: 0,
    recoveredPackets: 0,
    unrecoverableBlocks: 0,
    badRecoveries: 0,
  };
  /** The frame the queue waits for; frames before it are done or given up. */
  currentFrame = 1;
  private currentBlock = 0;
  private block: Block | null = null;
  private completed: Buffer[] = [];
  private frameRecoveredPackets = 0;
  private frameRecoveredBlocks = 0;
  /** The last frame already reported lost (so a gap that follows it is not reported twice). */
  private lastReportedLost = 0;

  /** `packetSize` is the ANNOUNCEd one (already 32 smaller with video encryption). */
  constructor(
    private readonly packetSize: number,
    private readonly sink: VideoFecQueueSink,
  ) {}

  /** One decrypted packet; false when the queue did not take it. */
  add(packet: Buffer): boolean {
    const h = parseVideoHeader(packet);
    if (!h || h.dataShards === 0) return this.refuse('invalid');
    if (!this.current(h)) return this.refuse('late');
    if (!this.block || this.block.frameIndex !== h.frameIndex || this.block.blockIndex !== h.blockIndex) {
      if (!this.startBlock(h, packet)) return this.refuse('outOfOrder');
    }
    const block = this.block as Block;
    const index = (h.seq - block.lowestSeq) & 0xffff;
    if (index >= block.shards.length) return this.refuse('invalid');
    if (block.shards[index]) return this.refuse('duplicates');
    if (!consistent(block, h, index)) this.counters.inconsistent++;
    block.shards[index] = packet;
    if (index < block.dataShards) block.receivedData++;
    else block.receivedParity++;
    if (index > block.highestIndex || block.highestIndex < 0) block.highestIndex = index;
    this.counters.accepted++;
    if (block.receivedData + block.receivedParity >= block.dataShards) this.completeBlock(block);
    return true;
  }

  private refuse(why: 'late' | 'duplicates' | 'invalid' | 'outOfOrder'): false {
    this.counters[why]++;
    return false;
  }

  /** Not a frame before the current one, nor a block before the current block. */
  private current(h: VideoPacketHeader): boolean {
    if (isBefore32(h.frameIndex, this.currentFrame)) return false;
    return !(h.frameIndex === this.currentFrame && h.blockIndex < this.currentBlock);
  }

  /** A packet of a block other than the pending one: give the pending one up, check the order, start anew. */
  private startBlock(h: VideoPacketHeader, packet: Buffer): boolean {
    const pending = this.block;
    if (pending && pending.receivedData + pending.receivedParity > 0) {
      this.counters.unrecoverableBlocks++;
      this.sink.onFecStatus(this.fecStatus(pending));
      this.block = null;
      if (pending.lastBlock !== 0 && pending.frameIndex === h.frameIndex) {
        // A later block of the same frame: this frame cannot be finished, skip to the next one.
        this.loseFrames(pending.frameIndex, pending.frameIndex, 'unrecoverable-block');
        this.currentFrame = pending.frameIndex + 1;
        this.currentBlock = 0;
        this.resetFrame();
        return false;
      }
      this.loseFrames(pending.frameIndex, pending.frameIndex, 'unrecoverable-block');
    }
    const expectedBlock = this.currentFrame === h.frameIndex ? this.currentBlock : 0;
    if (h.blockIndex !== expectedBlock) {
      this.block = null;
      this.resetFrame();
      this.loseFrames(this.currentFrame, h.frameIndex, 'missing-block');
      this.currentFrame = h.frameIndex + 1;
      this.currentBlock = 0;
      return false;
    }
    if (this.currentFrame !== h.frameIndex) {
      this.resetFrame();
      this.loseFrames(this.currentFrame, h.frameIndex - 1, 'never-arrived');
      this.currentFrame = h.frameIndex;
    }
    const parityShards = clientParityCount(h.dataShards, h.fecPercent);
    this.block = {
      frameIndex: h.frameIndex,
      blockIndex: h.blockIndex,
      lastBlock: h.lastBlock,
      lowestSeq: (h.seq - h.shardIndex) & 0xffff,
      dataShards: h.dataShards,
      parityShards,
      fecPercent: h.fecPercent,
      shards: new Array(h.dataShards + parityShards).fill(null),
      first: h,
      firstBytes: packet,
      receivedData: 0,
      receivedParity: 0,
      highestIndex: -1,
    };
    this.currentBlock = h.blockIndex;
    return true;
  }

  /** Forgets the blocks of the frame under way. */
  private resetFrame(): void {
    this.completed = [];
    this.frameRecoveredPackets = 0;
    this.frameRecoveredBlocks = 0;
  }

  /** Reports frames first..last lost, skipping what was reported already. */
  private loseFrames(first: number, last: number, reason: FrameLossReason): void {
    let from = first;
    if (!isBefore32(this.lastReportedLost, from)) from = (this.lastReportedLost + 1) >>> 0;
    if (isBefore32(last, from)) return;
    this.lastReportedLost = last;
    this.sink.onFramesLost(from, last, reason);
  }

  private completeBlock(block: Block): void {
    this.block = null;
    const missing = block.dataShards - block.receivedData;
    if (missing > 0) {
      if (!this.recover(block)) {
        this.counters.badRecoveries++;
        this.counters.unrecoverableBlocks++;
        this.resetFrame();
        this.loseFrames(block.frameIndex, block.frameIndex, 'bad-recovery');
        this.currentFrame = block.frameIndex + 1;
        this.currentBlock = 0;
        return;
      }
      this.counters.recoveredBlocks++;
      this.counters.recoveredPackets += missing;
      this.frameRecoveredBlocks++;
      this.frameRecoveredPackets += missing;
      this.sink.onFecStatus(this.fecStatus(block));
    }
    this.counters.blocksComplete++;
    for (let i = 0; i < block.dataShards; i++) this.completed.push(block.shards[i] as Buffer);
    if (block.blockIndex < block.lastBlock) {
      this.currentBlock = block.blockIndex + 1;
      return;
    }
    const packets = this.completed;
    const info = { recoveredPackets: this.frameRecoveredPackets, recoveredBlocks: this.frameRecoveredBlocks };
    this.resetFrame();
    this.currentFrame = (block.frameIndex + 1) >>> 0;
    this.currentBlock = 0;
    this.sink.onFrame(block.frameIndex, packets, info);
  }

  /** Rebuilds the block's missing data packets; false when a rebuilt packet fails the client's sanity checks. */
  private recover(block: Block): boolean {
    // The client zero-pads every shard to its receive size, packetSize + 16.
    const shardBytes = this.packetSize + MAX_RTP_HEADER_BYTES;
    const shards = block.shards.map((s) => (s ? padTo(s, shardBytes) : null));
    const rebuilt = recoverDataShards(
      videoParityRows(block.dataShards, block.parityShards),
      shards,
      shardBytes,
    );
    if (!rebuilt) return false;
    for (const i of rebuilt) {
      const packet = Buffer.from(shards[i] as Uint8Array);
      this.rewriteRecoveredHeader(block, packet, i);
      if (!recoveredFlagsSane(packet[block.first.nvOffset + 8] as number, i, block.dataShards)) return false;
      block.shards[i] = packet;
    }
    return true;
  }

  /**
   * Parity packets carry their own RTP header, frameIndex, multiFecBlocks and
   * fecInfo, written after the parity was computed, so those bytes of a
   * rebuilt packet are noise. The client rewrites the RTP flags, seq,
   * timestamp, ssrc, frameIndex and multiFecBlocks; this also restores the
   * payload type and fecInfo (which the client never reads again), so a
   * rebuilt packet equals the one the host sent, byte for byte.
   */
  private rewriteRecoveredHeader(block: Block, packet: Buffer, index: number): void {
    block.firstBytes.copy(packet, 0, 0, 2); // RTP flags and payload type
    packet.writeUInt16BE((block.lowestSeq + index) & 0xffff, 2);
    block.firstBytes.copy(packet, 4, 4, 12); // timestamp and ssrc
    const nv = block.first.nvOffset;
    packet.writeUInt32LE(block.frameIndex >>> 0, nv + 4);
    packet[nv + 11] = ((block.lastBlock << 2) | block.blockIndex) << 4;
    const fecInfo = (block.dataShards << 22) | (index << 12) | (block.fecPercent << 4);
    packet.writeUInt32LE(fecInfo >>> 0, nv + 12);
  }

  private fecStatus(block: Block): FecStatus {
    let contiguous = 0;
    while (contiguous < block.shards.length && block.shards[contiguous]) contiguous++;
    const received = block.receivedData + block.receivedParity;
    return {
      frameIndex: block.frameIndex >>> 0,
      highestReceivedSequenceNumber:
        block.highestIndex < 0 ? 0 : (block.lowestSeq + block.highestIndex) & 0xffff,
      nextContiguousSequenceNumber: (block.lowestSeq + contiguous) & 0xffff,
      missingPacketsBeforeHighestReceived: Math.max(0, block.highestIndex + 1 - received),
      totalDataPackets: block.dataShards,
      totalParityPackets: block.parityShards,
      receivedDataPackets: block.receivedData,
      receivedParityPackets: block.receivedParity,
      fecPercentage: block.fecPercent,
      multiFecBlockIndex: block.blockIndex,
      multiFecBlockCount: block.lastBlock + 1,
    };
  }
}

function consistent(block: Block, h: VideoPacketHeader, index: number): boolean {
  return (
    h.dataShards === block.dataShards &&
    h.fecPercent === block.fecPercent &&
    h.lastBlock === block.lastBlock &&
    h.shardIndex === index
  );
}

function padTo(packet: Buffer, bytes: number): Uint8Array {
  if (packet.length >= bytes) return packet.subarray(0, bytes);
  const padded = new Uint8Array(bytes);
  padded.set(packet);
  return padded;
}

/** RtpVideoQueue.c's checks on a rebuilt packet: SOF first, EOF last, picture data between, no other bits. */
function recoveredFlagsSane(flags: number, index: number, dataShards: number): boolean {
  if (flags & ~(FLAG_SOF | FLAG_EOF | FLAG_CONTAINS_PIC_DATA)) return false;
  if (index === 0 && !(flags & FLAG_SOF)) return false;
  if (index === dataShards - 1 && !(flags & FLAG_EOF)) return false;
  if (index > 0 && index < dataShards - 1 && !(flags & FLAG_CONTAINS_PIC_DATA)) return false;
  return true;
}
