// One GameStream video datagram as the client reads it (Video.h): an RTP
// header (12 bytes, 4 more with the extension flag 0x10), NV_VIDEO_PACKET
// (16 bytes, little-endian), then payload. With video encryption the
// datagram is ENC_VIDEO_HEADER (iv[12], LE32 frameNumber, tag[16]) followed
// by the AES-128-GCM ciphertext of that packet.
import { createDecipheriv } from 'node:crypto';

export const RTP_FLAG_EXTENSION = 0x10;
export const NV_HEADER_BYTES = 16;
export const ENC_VIDEO_HEADER_BYTES = 32;
/** The receive size is packetSize + MAX_RTP_HEADER_SIZE: the 16-byte RTP header with extension. */
export const MAX_RTP_HEADER_BYTES = 16;

export const FLAG_CONTAINS_PIC_DATA = 0x1;
export const FLAG_EOF = 0x2;
export const FLAG_SOF = 0x4;

export interface VideoPacketHeader {
  rtpFlags: number;
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  /** Where NV_VIDEO_PACKET starts: 12, or 16 with the RTP extension flag. */
  nvOffset: number;
  /** streamPacketIndex >> 8, 24 bits. */
  streamPacketIndex: number;
  frameIndex: number;
  flags: number;
  multiFecFlags: number;
  blockIndex: number;
  lastBlock: number;
  dataShards: number;
  shardIndex: number;
  fecPercent: number;
}

/** Null when the datagram is too short to hold the headers (the client rejects it). */
export function parseVideoHeader(packet: Buffer): VideoPacketHeader | null {
  if (packet.length < 12) return null;
  const rtpFlags = packet[0] as number;
  const nvOffset = rtpFlags & RTP_FLAG_EXTENSION ? 16 : 12;
  if (packet.length < nvOffset + NV_HEADER_BYTES) return null;
  const fecInfo = packet.readUInt32LE(nvOffset + 12);
  const multiFecBlocks = packet[nvOffset + 11] as number;
  return {
    rtpFlags,
    payloadType: (packet[1] as number) & 0x7f,
    seq: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    nvOffset,
    streamPacketIndex: (packet.readUInt32LE(nvOffset) >>> 8) & 0xffffff,
    frameIndex: packet.readUInt32LE(nvOffset + 4),
    flags: packet[nvOffset + 8] as number,
    multiFecFlags: packet[nvOffset + 10] as number,
    blockIndex: (multiFecBlocks >> 4) & 0x3,
    lastBlock: (multiFecBlocks >> 6) & 0x3,
    dataShards: fecInfo >>> 22,
    shardIndex: (fecInfo >>> 12) & 0x3ff,
    fecPercent: (fecInfo >>> 4) & 0xff,
  };
}

/** The parity count the client derives from fecInfo: ceil(data × pct / 100). */
export function clientParityCount(dataShards: number, fecPercent: number): number {
  return Math.floor((dataShards * fecPercent + 99) / 100);
}

/** The frame number in the clear part of an encrypted datagram (0 = unknown). */
export function encryptedFrameNumber(datagram: Buffer): number {
  return datagram.length >= ENC_VIDEO_HEADER_BYTES ? datagram.readUInt32LE(12) : 0;
}

/** The inner packet of an encrypted datagram, or null when it fails authentication. */
export function decryptVideoDatagram(datagram: Buffer, key: Buffer): Buffer | null {
  if (datagram.length < ENC_VIDEO_HEADER_BYTES + 12) return null;
  try {
    const decipher = createDecipheriv('aes-128-gcm', key, datagram.subarray(0, 12));
    decipher.setAuthTag(datagram.subarray(16, 32));
    return Buffer.concat([decipher.update(datagram.subarray(ENC_VIDEO_HEADER_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

/** a comes before b in 16-bit sequence space. */
export function isBefore16(a: number, b: number): boolean {
  return ((a - b) & 0xffff) > 0x7fff;
}

/** a comes before b in 24-bit sequence space. */
export function isBefore24(a: number, b: number): boolean {
  return ((a - b) & 0xffffff) > 0x7fffff;
}

/** a comes before b in 32-bit sequence space. */
export function isBefore32(a: number, b: number): boolean {
  return (a - b) >>> 0 > 0x7fffffff;
}
