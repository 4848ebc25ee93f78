// A small GameStream client for the tests: a UDP socket on 127.0.0.1 that
// collects datagrams, plus parsers for the video and audio packets as
// moonlight-common-c reads them (Video.h, RtpAudioQueue.h).
import { createDecipheriv } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

export class UdpCollector {
  readonly socket: Socket;
  readonly datagrams: Buffer[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg) => this.datagrams.push(msg));
  }

  static async open(): Promise<UdpCollector> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 16 * 2 ** 20 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpCollector(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Waits until `count` datagrams arrived in total (or throws after timeoutMs). */
  async waitFor(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.datagrams.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.datagrams.length} of ${count} datagrams`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.datagrams.splice(0, count);
  }

  close(): void {
    this.socket.close();
  }
}

export interface VideoPacket {
  rtpHeader: number;
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  extension: number;
  streamPacketIndex: number;
  frameIndex: number;
  flags: number;
  extraFlags: number;
  multiFecFlags: number;
  multiFecBlocks: number;
  dataShards: number;
  shardIndex: number;
  fecPct: number;
  payload: Buffer;
}

export function parseVideo(p: Buffer): VideoPacket {
  const fecInfo = p.readUInt32LE(28);
  return {
    rtpHeader: p[0]!,
    payloadType: p[1]!,
    seq: p.readUInt16BE(2),
    timestamp: p.readUInt32BE(4),
    ssrc: p.readUInt32BE(8),
    extension: p.readUInt32BE(12),
    streamPacketIndex: p.readUInt32LE(16),
    frameIndex: p.readUInt32LE(20),
    flags: p[24]!,
    extraFlags: p[25]!,
    multiFecFlags: p[26]!,
    multiFecBlocks: p[27]!,
    dataShards: fecInfo >>> 22,
    shardIndex: (fecInfo & 0x3ff000) >>> 12,
    fecPct: (fecInfo & 0xff0) >>> 4,
    payload: p.subarray(32),
  };
}

/** ENC_VIDEO_HEADER (iv[12], LE32 frameNumber, tag[16]) then AES-128-GCM of the packet. */
export function decryptVideo(datagram: Buffer, key: Uint8Array): { frameNumber: number; packet: Buffer } {
  const decipher = createDecipheriv('aes-128-gcm', key, datagram.subarray(0, 12));
  decipher.setAuthTag(datagram.subarray(16, 32));
  const packet = Buffer.concat([decipher.update(datagram.subarray(32)), decipher.final()]);
  return { frameNumber: datagram.readUInt32LE(12), packet };
}

export interface ReassembledFrame {
  frameType: number;
  hostLatency: number;
  data: Buffer;
}

/**
 * Puts a frame's data packets (all of them, no loss) back together the way
 * VideoDepacketizer.c does: frame header on the first, the last trimmed to
 * the header's last payload length.
 */
export function reassemble(packets: VideoPacket[]): ReassembledFrame {
  const data = packets
    .filter((p) => p.shardIndex < p.dataShards)
    .sort((a, b) => a.streamPacketIndex - b.streamPacketIndex);
  const first = data[0]!.payload;
  if (first[0] !== 0x01) throw new Error('frame header type is not 0x01');
  const lastPayload = first.readUInt16LE(4);
  const parts = data.map((p, i) => {
    const end = i === data.length - 1 ? lastPayload : p.payload.length;
    return p.payload.subarray(i === 0 ? 8 : 0, end);
  });
  return { frameType: first[3]!, hostLatency: first.readUInt16LE(1), data: Buffer.concat(parts) };
}

/** GF(2^8) with 0x11d, bit by bit: an independent check of the audio parity. */
export function gfMul(a: number, b: number): number {
  let product = 0;
  let x = a;
  for (let bit = 0; bit < 8; bit++) {
    if (b & (1 << bit)) product ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return product;
}

export const AUDIO_PARITY_MATRIX = [
  [0x77, 0x40, 0x38, 0x0e],
  [0xc7, 0xa7, 0x0d, 0x6c],
] as const;

/** AES-128-CBC, PKCS#7, IV = BE32(keyId + seq) then 12 zero bytes. */
export function decryptAudio(body: Buffer, key: Uint8Array, keyId: number, seq: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE((keyId + seq) >>> 0, 0);
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
