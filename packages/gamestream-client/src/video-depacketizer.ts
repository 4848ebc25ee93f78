// Frames back from their data packets, with the decisions of moonlight-common-c
// VideoDepacketizer.c (read for its behaviour; independent code): the packets
// of a frame must continue the stream's packet index, the first one carries
// the frame header (0x01, LE16 host processing latency in 0.1 ms, frame type,
// LE16 last packet's payload length, 0, 0), and after any loss the client
// throws frames away until an IDR arrives. As in the real client (without
// reference frame invalidation), the IDR request goes out at the end of the
// first complete frame after a loss, and an IDR counts only when the first
// packet starts (after AUD/SEI) with SPS (VPS for HEVC) and holds the start
// of an IDR slice.
import { FLAG_SOF, isBefore24, isBefore32, parseVideoHeader } from './video-packet.js';

export type VideoCodec = 'h264' | 'hevc' | 'av1';

export interface DepacketizedFrame {
  frameIndex: number;
  /** From the frame header: 1 P, 2 IDR, 4 intra refresh, 5 P after reference invalidation. */
  frameType: number;
  hostLatencyTenthsMs: number;
  /** Whether the client's own bitstream check sees an IDR (what ends its wait after a loss). */
  idr: boolean;
  /** Annex B (or AV1 OBUs), trimmed to the header's last payload length when that is valid. */
  data: Buffer;
  rtpTimestamp: number;
  /** The header's last payload length fits the last packet (the client trims non-H.264/HEVC codecs with it). */
  lastPayloadLengthValid: boolean;
}

export type FrameDropReason = 'waiting-for-idr' | 'corrupt' | 'bad-header';

export interface DepacketizerSink {
  onFrame(frame: DepacketizedFrame): void;
  onFrameDropped(frameIndex: number, reason: FrameDropReason, frameType: number | null): void;
  onIdrRequest(reason: string): void;
}

/** After this many frames dropped in a row the client asks for an IDR whatever else happened. */
const CONSECUTIVE_DROP_LIMIT = 120;

export class VideoDepacketizer {
  private nextFrameNumber = 1;
  /** streamPacketIndex of the last packet taken; starts so that any first index is "next". */
  private lastPacketInStream = 0xffffff;
  private waitingForIdr = true;
  private waitingForNextSuccessfulFrame = false;
  private consecutiveDrops = 0;

  constructor(
    private readonly codec: VideoCodec,
    private readonly sink: DepacketizerSink,
  ) {}

  get awaitingIdr(): boolean {
    return this.waitingForIdr;
  }

  /** The FEC queue gave frames up (notifyFrameLost): only an IDR can follow now. */
  framesLost(): void {
    this.dropFrameState();
  }

  /** A complete frame's data packets, in order. */
  addFrame(frameIndex: number, packets: Buffer[]) {
    if (isBefore32(frameIndex, this.nextFrameNumber)) return;
    const headers = packets.map((p) => parseVideoHeader(p));
    for (const h of headers) {
      if (!h) return this.drop(frameIndex, 'corrupt', null);
      const next = (this.lastPacketInStream + 1) & 0xffffff;
      if (isBefore24(h.streamPacketIndex, next) || (!(h.flags & FLAG_SOF) && h.streamPacketIndex !== next)) {
        return this.corrupt(frameIndex);
      }
      this.lastPacketInStream = h.streamPacketIndex;
    }
    if (isBefore32(this.nextFrameNumber, frameIndex)) {
      // Frames in between never completed.
      this.waitingForNextSuccessfulFrame = true;
      this.dropFrameState();
    }
    const payloads = packets.map((p, i) => p.subarray((headers[i]?.nvOffset ?? 12) + 16));
    const frame = this.readFrame(frameIndex, payloads, headers[0]?.timestamp ?? 0);
    this.nextFrameNumber = (frameIndex + 1) >>> 0;
    if (!frame) return this.drop(frameIndex, 'bad-header', null);
    if (frame.idr) {
      this.waitingForIdr = false;
      this.waitingForNextSuccessfulFrame = false;
    }
    if (this.waitingForIdr) {
      // Asking while the network is still losing frames only adds to the congestion:
      // the client waits for one complete frame first.
      if (this.waitingForNextSuccessfulFrame) this.sink.onIdrRequest('frame loss');
      this.waitingForNextSuccessfulFrame = false;
      return this.drop(frameIndex, 'waiting-for-idr', frame.frameType);
    }
    this.consecutiveDrops = 0;
    this.sink.onFrame(frame);
  }

  private corrupt(frameIndex: number): void {
    this.nextFrameNumber = (frameIndex + 1) >>> 0;
    this.drop(frameIndex, 'corrupt', null);
    this.sink.onIdrRequest('corrupt frame');
  }

  private drop(frameIndex: number, reason: FrameDropReason, frameType: number | null): void {
    this.dropFrameState();
    this.sink.onFrameDropped(frameIndex, reason, frameType);
  }

  private dropFrameState(): void {
    this.waitingForIdr = true;
    this.consecutiveDrops++;
    if (this.consecutiveDrops === CONSECUTIVE_DROP_LIMIT) {
      this.consecutiveDrops = 0;
      this.sink.onIdrRequest('consecutive drop limit');
    }
  }

  private readFrame(frameIndex: number, payloads: Buffer[], rtpTimestamp: number): DepacketizedFrame | null {
    const first = payloads[0];
    if (!first || first.length < 8) return null;
    // 7.1.431 (in [7.1.415, 7.1.446)): 0x01 means an 8-byte header, 0x81 a 24-byte one.
    const headerBytes = first[0] === 0x01 ? 8 : first[0] === 0x81 ? 24 : 0;
    if (headerBytes === 0 || first.length < headerBytes) return null;
    const frameType = first[3] as number;
    const lastPayloadLength = first.readUInt16LE(4);
    const last = payloads.length - 1;
    const lastStart = last === 0 ? headerBytes : 0;
    const lastPayloadLengthValid =
      lastPayloadLength > lastStart && lastPayloadLength <= (payloads[last] as Buffer).length;
    const parts = payloads.map((p, i) => {
      const end = i === last && lastPayloadLengthValid ? lastPayloadLength : p.length;
      return p.subarray(i === 0 ? headerBytes : 0, end);
    });
    const firstPacketData = parts[0] as Buffer;
    return {
      frameIndex,
      frameType,
      hostLatencyTenthsMs: first.readUInt16LE(1),
      idr: this.codec === 'av1' ? frameType === 2 : startsIdr(firstPacketData, this.codec),
      data: Buffer.concat(parts),
      rtpTimestamp,
      lastPayloadLengthValid,
    };
  }
}

// ---- Annex B, as far as the client looks into it ----

const H264 = { sei: 6, sps: 7, aud: 9 };
const HEVC = { vps: 32, aud: 35, sei: 39 };

/** Length of the start code at `offset` (3 or 4), or 0. Needs a NAL type byte after it, as the client does. */
function startCodeAt(b: Buffer, offset: number): number {
  const left = b.length - offset;
  if (left <= 3 || b[offset] !== 0 || b[offset + 1] !== 0) return 0;
  if (b[offset + 2] === 1) return 3;
  if (b[offset + 2] === 0 && left > 4 && b[offset + 3] === 1) return 4;
  return 0;
}

function nalTypeAt(b: Buffer, offset: number, codec: 'h264' | 'hevc'): number | null {
  const start = startCodeAt(b, offset);
  if (start === 0) return null;
  const byte = b[offset + start] as number;
  return codec === 'h264' ? byte & 0x1f : (byte & 0x7e) >> 1;
}

/** From a NAL start (or anywhere), the offset of the next start code, or the end. */
function nextNal(b: Buffer, offset: number): number {
  let at = offset + (startCodeAt(b, offset) || 0);
  while (at < b.length && startCodeAt(b, at) === 0) at++;
  return at;
}

function isIdrSlice(type: number | null, codec: 'h264' | 'hevc'): boolean {
  if (type === null) return false;
  return codec === 'h264' ? type === 5 : type >= 16 && type <= 21;
}

/** The client's IDR test on the first packet's data (processRtpPayload's first-packet and slow path). */
export function startsIdr(firstPacketData: Buffer, codec: 'h264' | 'hevc'): boolean {
  const b = firstPacketData;
  const aud = codec === 'h264' ? H264.aud : HEVC.aud;
  const sei = codec === 'h264' ? H264.sei : HEVC.sei;
  const parameterSet = codec === 'h264' ? H264.sps : HEVC.vps;
  let at = startCodeAt(b, 0) ? 0 : nextNal(b, 0);
  if (nalTypeAt(b, at, codec) === aud) at = nextNal(b, at);
  while (at < b.length && nalTypeAt(b, at, codec) === sei) at = nextNal(b, at);
  if (nalTypeAt(b, at, codec) !== parameterSet) return false;
  while (at < b.length) {
    const type = nalTypeAt(b, at, codec);
    if (isIdrSlice(type, codec)) return true;
    at = nextNal(b, at);
  }
  return false;
}
