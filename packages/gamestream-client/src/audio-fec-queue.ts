// The client's audio queue, modelled on moonlight-common-c RtpAudioQueue.c
// (read for its behaviour; independent code). Audio comes in blocks of 4 data
// packets (RTP pt 97, base seq a multiple of 4) and 2 FEC packets (pt 127,
// header {shardIndex, 97, BE16 baseSeq, BE32 baseTimestamp, BE32 ssrc}) whose
// parity uses a fixed matrix over the (encrypted) payloads. In-order data is
// passed on at once; a block with a gap waits for any 4 of its 6 packets and
// is rebuilt; once a later block has started, a block that cannot be rebuilt
// is given up and its missing packets come out as null (the decoder conceals
// them). The first block seen is skipped so the queue starts on a boundary.
import { AUDIO_DATA_SHARDS, AUDIO_PARITY_ROWS, AUDIO_PARITY_SHARDS } from './fec-matrices.js';
import { recoverDataShards } from './gf256.js';
import { isBefore16 } from './video-packet.js';

export const RTP_PT_AUDIO = 97;
export const RTP_PT_AUDIO_FEC = 127;
const RTP_HEADER_BYTES = 12;
const FEC_HEADER_BYTES = 12;

export interface AudioPacketOut {
  seq: number;
  /** RTP timestamp in ms (the host's clock: packet duration per packet). */
  timestamp: number;
  /** The payload as sent (still encrypted when audio encryption is on); null: lost, conceal it. */
  payload: Buffer | null;
  recovered: boolean;
}

export interface AudioFecQueueCounters {
  dataPackets: number;
  fecPackets: number;
  /** Too short, unknown payload type, bad FEC header. */
  invalid: number;
  /** Packets of blocks already done, and duplicates. */
  late: number;
  recoveredPackets: number;
  unrecoverableBlocks: number;
  /** Packets passed on as null (lost and not rebuilt). */
  lostPackets: number;
  /** A block whose packets differ in size: the client then turns FEC off and passes data straight on. */
  sizeMismatches: number;
}

interface Block {
  base: number;
  baseTimestamp: number;
  blockSize: number;
  data: (Buffer | null)[];
  parity: (Buffer | null)[];
  dataReceived: number;
  parityReceived: number;
  complete: boolean;
  recovered: boolean[];
  nextIndex: number;
  allowDiscontinuity: boolean;
}

export class AudioFecQueue {
  readonly counters: AudioFecQueueCounters = {
    dataPackets: 0,
    fecPackets: 0,
    invalid: 0,
    late: 0,
    recoveredPackets: 0,
    unrecoverableBlocks: 0,
    lostPackets: 0,
    sizeMismatches: 0,
  };
  private blocks: Block[] = [];
  private nextSeq = 0;
  private oldestBase = 0;
  private synchronized = false;
  private fecOff = false;

  constructor(
    private readonly packetDurationMs: number,
    private readonly emit: (packet: AudioPacketOut) => void,
  ) {}

  add(packet: Buffer): void {
    if (packet.length < RTP_HEADER_BYTES) return void this.counters.invalid++;
    const payloadType = (packet[1] as number) & 0x7f;
    if (payloadType === RTP_PT_AUDIO) this.counters.dataPackets++;
    else if (payloadType === RTP_PT_AUDIO_FEC) this.counters.fecPackets++;
    if (this.fecOff) {
      if (payloadType === RTP_PT_AUDIO) this.emitData(packet);
      return;
    }
    const block = this.blockFor(packet, payloadType);
    if (!block) return;
    if (payloadType === RTP_PT_AUDIO) {
      const seq = packet.readUInt16BE(2);
      const index = (seq - block.base) & 0xffff;
      if (block.data[index]) return void this.counters.late++;
      block.data[index] = packet.subarray(RTP_HEADER_BYTES);
      block.dataReceived++;
      if (seq === this.nextSeq && block === this.blocks[0]) {
        // The common case: the next packet in order goes straight on.
        this.takeNext(block);
        this.drain();
        return;
      }
    } else {
      const shard = packet[RTP_HEADER_BYTES] as number;
      if (block.parity[shard]) return void this.counters.late++;
      block.parity[shard] = packet.subarray(RTP_HEADER_BYTES + FEC_HEADER_BYTES);
      block.parityReceived++;
    }
    this.tryComplete(block);
    if (!this.headReady()) this.handleMissing();
    this.drain();
  }

  /** The block a packet belongs to (made if new), or null when the packet is refused. */
  private blockFor(packet: Buffer, payloadType: number): Block | null {
    let base: number;
    let baseTimestamp: number;
    let blockSize: number;
    if (payloadType === RTP_PT_AUDIO) {
      const seq = packet.readUInt16BE(2);
      base = seq - (seq % AUDIO_DATA_SHARDS);
      baseTimestamp = (packet.readUInt32BE(4) - (seq - base) * this.packetDurationMs) >>> 0;
      blockSize = packet.length - RTP_HEADER_BYTES;
    } else if (payloadType === RTP_PT_AUDIO_FEC) {
      if (packet.length < RTP_HEADER_BYTES + FEC_HEADER_BYTES) return this.invalid();
      const shard = packet[RTP_HEADER_BYTES] as number;
      base = packet.readUInt16BE(RTP_HEADER_BYTES + 2);
      baseTimestamp = packet.readUInt32BE(RTP_HEADER_BYTES + 4);
      blockSize = packet.length - RTP_HEADER_BYTES - FEC_HEADER_BYTES;
      if (shard >= AUDIO_PARITY_SHARDS || base % AUDIO_DATA_SHARDS !== 0) return this.invalid();
    } else {
      return this.invalid();
    }
    if (!this.synchronized) {
      // Start on the next block boundary, so a block already under way is not reported lost.
      this.synchronized = true;
      this.nextSeq = this.oldestBase = (base + AUDIO_DATA_SHARDS) & 0xffff;
      return null;
    }
    if (isBefore16(base, this.oldestBase)) {
      this.counters.late++;
      return null;
    }
    let at = 0;
    for (; at < this.blocks.length; at++) {
      const existing = this.blocks[at] as Block;
      if (existing.base === base) {
        if (existing.blockSize !== blockSize) {
          this.counters.sizeMismatches++;
          this.fecOff = true;
          return null;
        }
        if (existing.complete) this.counters.late++;
        return existing.complete ? null : existing;
      }
      if (isBefore16(base, existing.base)) break;
    }
    const block: Block = {
      base,
      baseTimestamp,
      blockSize,
      data: [null, null, null, null],
      parity: [null, null],
      dataReceived: 0,
      parityReceived: 0,
      complete: false,
      recovered: [false, false, false, false],
      nextIndex: 0,
      allowDiscontinuity: false,
    };
    this.blocks.splice(at, 0, block);
    return block;
  }

  private invalid(): null {
    this.counters.invalid++;
    return null;
  }

  private tryComplete(block: Block): void {
    if (block.complete || block.dataReceived + block.parityReceived < AUDIO_DATA_SHARDS) return;
    if (block.dataReceived < AUDIO_DATA_SHARDS) {
      const shards: (Uint8Array | null)[] = [...block.data, ...block.parity];
      const rebuilt = recoverDataShards(AUDIO_PARITY_ROWS, shards, block.blockSize);
      if (!rebuilt) return;
      for (const i of rebuilt) {
        block.data[i] = Buffer.from(shards[i] as Uint8Array);
        block.recovered[i] = true;
      }
      this.counters.recoveredPackets += rebuilt.length;
    }
    block.complete = true;
  }

  private headReady(): boolean {
    const head = this.blocks[0];
    if (!head) return false;
    if (head.allowDiscontinuity) return true;
    return head.data[head.nextIndex] !== null && ((head.base + head.nextIndex) & 0xffff) === this.nextSeq;
  }

  private handleMissing(): void {
    const head = this.blocks[0];
    if (!head) return;
    if (isBefore16(this.nextSeq, head.base)) {
      // A whole block before this one never showed: play on from here.
      this.nextSeq = this.oldestBase = head.base;
      return;
    }
    // Wait for a packet of a later block before giving this one up.
    if (this.blocks.length < 2) return;
    this.counters.unrecoverableBlocks++;
    head.allowDiscontinuity = true;
  }

  private drain(): void {
    while (this.headReady()) {
      const head = this.blocks[0] as Block;
      const missing = head.data[head.nextIndex] === null;
      if (missing) {
        this.counters.lostPackets++;
        this.emit({
          seq: (head.base + head.nextIndex) & 0xffff,
          timestamp: (head.baseTimestamp + head.nextIndex * this.packetDurationMs) >>> 0,
          payload: null,
          recovered: false,
        });
        this.advance(head);
      } else {
        this.takeNext(head);
      }
    }
  }

  /** Passes on the head block's next packet and moves past it. */
  private takeNext(head: Block): void {
    const i = head.nextIndex;
    this.emit({
      seq: (head.base + i) & 0xffff,
      timestamp: (head.baseTimestamp + i * this.packetDurationMs) >>> 0,
      payload: head.data[i] as Buffer,
      recovered: head.recovered[i] as boolean,
    });
    this.advance(head);
  }

  private advance(head: Block): void {
    head.nextIndex++;
    this.nextSeq = (this.nextSeq + 1) & 0xffff;
    if (head.nextIndex === AUDIO_DATA_SHARDS) {
      this.blocks.shift();
      this.oldestBase = (head.base + AUDIO_DATA_SHARDS) & 0xffff;
    }
  }

  private emitData(packet: Buffer): void {
    this.emit({
      seq: packet.readUInt16BE(2),
      timestamp: packet.readUInt32BE(4),
      payload: packet.subarray(RTP_HEADER_BYTES),
      recovered: false,
    });
  }
}
