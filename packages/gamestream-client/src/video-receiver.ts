// The client's video port: it pings the host's video port every 500 ms (the
// host learns where to send from that), takes the RTP datagrams, decrypts them
// when video encryption is on, and runs them through the FEC queue and the
// depacketizer. Complete frames go to `onFrame`; IDR requests and FEC status
// reports go to whoever owns the control stream. It gives up as the client
// does: 10 s without any video, or 10 s after the first packet without an IDR.
import type { Socket } from 'node:dgram';
import type { FecStatus } from '@punktfunk/protocol';
import { type MediaPinger, openUdpSocket, receiverPinger, seededDropper } from './udp.js';
import {
  type DepacketizedFrame,
  type FrameDropReason,
  type VideoCodec,
  VideoDepacketizer,
} from './video-depacketizer.js';
import { type FrameLossReason, VideoFecQueue } from './video-fec-queue.js';
import {
  decryptVideoDatagram,
  ENC_VIDEO_HEADER_BYTES,
  encryptedFrameNumber,
  isBefore32,
  MAX_RTP_HEADER_BYTES,
} from './video-packet.js';

export interface ReceivedVideoFrame {
  frameIndex: number;
  frameType: number;
  hostLatencyTenthsMs: number;
  /** The client's own check recognised an IDR (SPS first, IDR slice in the first packet). */
  idr: boolean;
  /** Annex B access unit (frame header removed). */
  data: Buffer;
  rtpTimestamp: number;
  /** Data packets Reed-Solomon had to rebuild. */
  recoveredPackets: number;
  receivedAtMs: number;
}

export interface VideoFrameRecord {
  frameIndex: number;
  /** From the frame header; null when the frame never completed. */
  frameType: number | null;
  hostLatencyTenthsMs: number | null;
  fecNeeded: boolean;
  /** The frame could not be completed (blocks unrecoverable or never arrived). */
  unrecoverable: boolean;
  delivered: boolean;
  /** Why it was not delivered. */
  reason: FrameLossReason | FrameDropReason | null;
}

export interface VideoReceiverCounters {
  datagrams: number;
  bytes: number;
  /** Datagrams thrown away by `dropRate` before processing. */
  injectedDrops: number;
  /** Datagrams of the wrong size for the negotiated packet size. */
  wrongSize: number;
  decryptFailures: number;
  /** Packets of frames or blocks already done (mostly parity that was not needed), skipped before decryption or not. */
  late: number;
  duplicates: number;
  /** Malformed packets, or a seq outside its block. */
  invalid: number;
  /** Packets whose FEC fields disagree with their block's (a host bug the client would not notice). */
  inconsistent: number;
  recoveredBlocks: number;
  recoveredPackets: number;
  unrecoverableBlocks: number;
  /** Frames the FEC queue completed. */
  framesComplete: number;
  /** Frames handed to onFrame. */
  framesDelivered: number;
  /** Complete frames the client threw away (waiting for an IDR, corrupt). */
  framesDropped: number;
  /** Frames that never completed. */
  framesLost: number;
  idrRequests: number;
  fecStatusReports: number;
  pingsSent: number;
}

export type VideoFailure = 'no-video-traffic' | 'no-video-frame';

export interface VideoReceiverOptions {
  /** The host's address and video port (RTSP SETUP `Transport: server_port=`). */
  host: string;
  port: number;
  /** X-SS-Ping-Payload from SETUP; null sends the legacy "PING". */
  pingPayload: string | null;
  /** The ANNOUNCEd packetSize (32 smaller than the client's setting when video is encrypted). */
  packetSize: number;
  /** The rikey, when video encryption was negotiated. */
  key?: Buffer | null;
  codec?: VideoCodec;
  /** Fraction of received datagrams to throw away before processing (seeded, repeatable). */
  dropRate?: number;
  seed?: number;
  pingIntervalMs?: number;
  /** Send one ping and no more until the host's first datagram (then every pingIntervalMs). */
  holdPingsUntilData?: boolean;
  noVideoTimeoutMs?: number;
  noFrameTimeoutMs?: number;
  /** Frame records kept (the oldest go first); default 100 000. */
  maxRecords?: number;
  onFrame?(frame: ReceivedVideoFrame): void;
  onFecStatus?(status: FecStatus): void;
  onIdrRequest?(reason: string): void;
  onFailure?(failure: VideoFailure): void;
}

/** Moonlight sizes its socket buffer for 2048 packets (VideoStream.c RTP_RECV_PACKETS_BUFFERED). */
const RECV_PACKETS_BUFFERED = 2048;
/** VideoStream.c FIRST_FRAME_TIMEOUT_SEC, for both of its checks. */
const FIRST_FRAME_TIMEOUT_MS = 10_000;

export class VideoReceiver {
  readonly counters: VideoReceiverCounters = {
    datagrams: 0,
    bytes: 0,
    injectedDrops: 0,
    wrongSize: 0,
    decryptFailures: 0,
    late: 0,
    duplicates: 0,
    invalid: 0,
    inconsistent: 0,
    recoveredBlocks: 0,
    recoveredPackets: 0,
    unrecoverableBlocks: 0,
    framesComplete: 0,
    framesDelivered: 0,
    framesDropped: 0,
    framesLost: 0,
    idrRequests: 0,
    fecStatusReports: 0,
    pingsSent: 0,
  };
  readonly records: VideoFrameRecord[] = [];
  firstPacketAtMs: number | null = null;
  firstIdrAtMs: number | null = null;
  private readonly queue: VideoFecQueue;
  private readonly depacketizer: VideoDepacketizer;
  private readonly pinger: MediaPinger;
  private drop: () => boolean;
  private readonly startedAtMs = Date.now();
  private readonly watchdog: NodeJS.Timeout;
  private readonly datagramBytes: number;
  /** Packets FEC rebuilt in the frame the depacketizer is looking at. */
  private recoveredInFrame = 0;
  /** Encrypted datagrams of frames already done, skipped before decryption (as the client does). */
  private skippedBeforeDecrypt = 0;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly o: VideoReceiverOptions,
  ) {
    this.datagramBytes = o.packetSize + MAX_RTP_HEADER_BYTES + (o.key ? ENC_VIDEO_HEADER_BYTES : 0);
    this.drop = seededDropper(o.dropRate ?? 0, o.seed ?? 1);
    this.queue = new VideoFecQueue(o.packetSize, {
      onFrame: (frameIndex, packets, info) => {
        this.counters.framesComplete++;
        this.recoveredInFrame = info.recoveredPackets;
        this.depacketizer.addFrame(frameIndex, packets);
      },
      onFramesLost: (first, last, reason) => this.framesLost(first, last, reason),
      onFecStatus: (status) => {
        this.counters.fecStatusReports++;
        o.onFecStatus?.(status);
      },
    });
    this.depacketizer = new VideoDepacketizer(o.codec ?? 'h264', {
      onFrame: (frame) => this.deliver(frame),
      onFrameDropped: (frameIndex, reason, frameType) => {
        this.counters.framesDropped++;
        this.record({
          frameIndex,
          frameType,
          hostLatencyTenthsMs: null,
          fecNeeded: this.recoveredInFrame > 0,
          unrecoverable: false,
          delivered: false,
          reason,
        });
      },
      onIdrRequest: (reason) => this.requestIdr(reason),
    });
    this.pinger = receiverPinger(socket, o, this.counters);
    socket.on('message', (datagram) => this.receive(datagram));
    this.watchdog = setInterval(() => this.checkProgress(), 100);
  }

  /** Binds a socket and starts pinging the host's video port. */
  static async open(o: VideoReceiverOptions): Promise<VideoReceiver> {
    const bytes = RECV_PACKETS_BUFFERED * (o.packetSize + MAX_RTP_HEADER_BYTES + ENC_VIDEO_HEADER_BYTES);
    const receiver = new VideoReceiver(await openUdpSocket(o.host, bytes), o);
    receiver.pinger.start();
    return receiver;
  }

  /** Pings sent before the host's first datagram arrived (1: the host answered the first); null before any. */
  get pingsBeforeFirstPacket(): number | null {
    return this.pinger.pingsBeforeData;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  /**
   * Whether a packet of any frame arrived (the client's lastSeenFrame != 0):
   * Moonlight counts a 0x80030023 termination as graceful only then.
   */
  get sawFrame(): boolean {
    return this.queue.counters.accepted > 0;
  }

  /** Whether the client would drop frames now until an IDR arrives. */
  get awaitingIdr(): boolean {
    return this.depacketizer.awaitingIdr;
  }

  /** Asks for an IDR as the client's decoder would (LiRequestIdrFrame), e.g. after a decode error. */
  /** Changes the injected loss from now on (tests: a loss burst of a few seconds mid-stream). */
  setDropRate(rate: number): void {
    this.drop = seededDropper(rate, (this.o.seed ?? 1) + this.counters.datagrams);
  }

  requestIdr(reason = 'on demand'): void {
    this.counters.idrRequests++;
    this.o.onIdrRequest?.(reason);
  }

  private receive(datagram: Buffer): void {
    if (this.closed) return;
    this.pinger.dataArrived();
    this.counters.datagrams++;
    this.counters.bytes += datagram.length;
    this.firstPacketAtMs ??= Date.now();
    if (this.drop()) {
      this.counters.injectedDrops++;
      return;
    }
    let packet = datagram;
    if (this.o.key) {
      // The frame number is in the clear: skip what is already done before paying for decryption.
      const frameNumber = encryptedFrameNumber(datagram);
      if (frameNumber !== 0 && isBefore32(frameNumber, this.queue.currentFrame)) {
        this.skippedBeforeDecrypt++;
        this.counters.late++;
        return;
      }
      const plain = decryptVideoDatagram(datagram, this.o.key);
      if (!plain) {
        this.counters.decryptFailures++;
        return;
      }
      packet = plain;
    }
    if (datagram.length !== this.datagramBytes) this.counters.wrongSize++;
    this.queue.add(packet);
    const q = this.queue.counters;
    this.counters.late = q.late + q.outOfOrder + this.skippedBeforeDecrypt;
    this.counters.duplicates = q.duplicates;
    this.counters.invalid = q.invalid;
    this.counters.inconsistent = q.inconsistent;
    this.counters.recoveredBlocks = q.recoveredBlocks;
    this.counters.recoveredPackets = q.recoveredPackets;
    this.counters.unrecoverableBlocks = q.unrecoverableBlocks;
  }

  private deliver(frame: DepacketizedFrame): void {
    this.counters.framesDelivered++;
    if (frame.idr) this.firstIdrAtMs ??= Date.now();
    this.record({
      frameIndex: frame.frameIndex,
      frameType: frame.frameType,
      hostLatencyTenthsMs: frame.hostLatencyTenthsMs,
      fecNeeded: this.recoveredInFrame > 0,
      unrecoverable: false,
      delivered: true,
      reason: null,
    });
    this.o.onFrame?.({
      frameIndex: frame.frameIndex,
      frameType: frame.frameType,
      hostLatencyTenthsMs: frame.hostLatencyTenthsMs,
      idr: frame.idr,
      data: frame.data,
      rtpTimestamp: frame.rtpTimestamp,
      recoveredPackets: this.recoveredInFrame,
      receivedAtMs: Date.now(),
    });
  }

  private framesLost(first: number, last: number, reason: FrameLossReason): void {
    const count = ((last - first) >>> 0) + 1;
    this.counters.framesLost += count;
    // A huge jump (a host restarting its frame numbers) is one event, not a million records.
    for (let i = 0; i < Math.min(count, 1000); i++) {
      this.record({
        frameIndex: (first + i) >>> 0,
        frameType: null,
        hostLatencyTenthsMs: null,
        fecNeeded: reason === 'unrecoverable-block' || reason === 'bad-recovery',
        unrecoverable: true,
        delivered: false,
        reason,
      });
    }
    this.depacketizer.framesLost();
  }

  private record(r: VideoFrameRecord): void {
    this.records.push(r);
    const max = this.o.maxRecords ?? 100_000;
    if (this.records.length > max) this.records.splice(0, this.records.length - max);
  }

  private checkProgress(): void {
    const now = Date.now();
    const noVideo = this.o.noVideoTimeoutMs ?? FIRST_FRAME_TIMEOUT_MS;
    const noFrame = this.o.noFrameTimeoutMs ?? FIRST_FRAME_TIMEOUT_MS;
    if (this.firstPacketAtMs === null && now - this.startedAtMs >= noVideo) {
      this.fail('no-video-traffic');
    } else if (
      this.firstPacketAtMs !== null &&
      this.firstIdrAtMs === null &&
      now - this.firstPacketAtMs >= noFrame
    ) {
      this.fail('no-video-frame');
    }
  }

  private fail(failure: VideoFailure): void {
    clearInterval(this.watchdog);
    this.o.onFailure?.(failure);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.pinger.stop();
    this.socket.close();
  }
}
