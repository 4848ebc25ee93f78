// The client's audio port: pings the host's audio port every 500 ms (Moonlight
// starts this right after RTSP SETUP of the audio stream, before PLAY),
// skips the first 500 ms of audio as the client does, runs the rest through
// the FEC queue, decrypts AES-128-CBC payloads (IV = BE32(rikeyid + seq), then
// 12 zero bytes) and hands Opus packets on; lost ones come as null so the
// caller can conceal them. With `decode`, it also runs them through the
// addon's Opus decoder and hands on PCM.
import { createDecipheriv } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { OpusDecoder, type OpusLayoutOptions } from '@punktfunk/native';
import { AudioFecQueue, type AudioPacketOut, RTP_PT_AUDIO } from './audio-fec-queue.js';
import { type MediaPinger, openUdpSocket, receiverPinger, seededDropper } from './udp.js';

export interface OpusPacket {
  seq: number;
  timestamp: number;
  /** Decrypted Opus; null for a packet that was lost and not rebuilt. */
  opus: Buffer | null;
  recovered: boolean;
}

export interface AudioReceiverCounters {
  datagrams: number;
  bytes: number;
  injectedDrops: number;
  /** Data packets thrown away at the start (the client's 500 ms resync). */
  skippedAtStart: number;
  dataPackets: number;
  fecPackets: number;
  invalid: number;
  late: number;
  recoveredPackets: number;
  unrecoverableBlocks: number;
  /** Packets handed on as lost. */
  lostPackets: number;
  /** Opus packets handed on. */
  delivered: number;
  decryptFailures: number;
  /** PCM samples per channel out of the decoder (concealment included). */
  decodedSamples: number;
  pingsSent: number;
}

export interface AudioReceiverOptions {
  host: string;
  /** The host's audio port (SETUP streamid=audio `Transport: server_port=`). */
  port: number;
  pingPayload: string | null;
  /** x-nv-aqos.packetDuration. */
  packetDurationMs: number;
  /** The Opus layout to decode with (from DESCRIBE's surround-params); stereo when absent. */
  layout?: OpusLayoutOptions;
  /** The rikey, when audio encryption is on (x-nv-general.featureFlags & 0x20). */
  key?: Buffer | null;
  /** rikeyid as uint32: the base of the CBC IV. */
  keyId?: number;
  /** Audio to skip at the start; the client skips 500 ms. */
  skipInitialMs?: number;
  dropRate?: number;
  seed?: number;
  pingIntervalMs?: number;
  /** Send one ping and no more until the host's first datagram (then every pingIntervalMs). */
  holdPingsUntilData?: boolean;
  onOpus?(packet: OpusPacket): void;
  /** Decode with @punktfunk/native's OpusDecoder (in `layout`) and hand on interleaved PCM; lost packets are concealed. */
  decode?: boolean;
  onPcm?(pcm: Int16Array, packet: OpusPacket): void;
}

/** The client's receive poll; a silence this long after data means the host has no backlog to skip. */
const RECEIVE_POLL_MS = 100;
const SAMPLE_RATE_PER_MS = 48;

export class AudioReceiver {
  readonly counters: AudioReceiverCounters = {
    datagrams: 0,
    bytes: 0,
    injectedDrops: 0,
    skippedAtStart: 0,
    dataPackets: 0,
    fecPackets: 0,
    invalid: 0,
    late: 0,
    recoveredPackets: 0,
    unrecoverableBlocks: 0,
    lostPackets: 0,
    delivered: 0,
    decryptFailures: 0,
    decodedSamples: 0,
    pingsSent: 0,
  };
  firstPacketAtMs: number | null = null;
  private readonly queue: AudioFecQueue;
  private readonly pinger: MediaPinger;
  private readonly drop: () => boolean;
  private readonly decoder: OpusDecoder | null;
  private packetsToSkip: number;
  private lastDatagramAtMs = 0;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly o: AudioReceiverOptions,
  ) {
    this.drop = seededDropper(o.dropRate ?? 0, o.seed ?? 1);
    this.packetsToSkip = Math.floor((o.skipInitialMs ?? 500) / o.packetDurationMs);
    this.queue = new AudioFecQueue(o.packetDurationMs, (packet) => this.deliver(packet));
    this.decoder = o.decode ? new OpusDecoder(o.layout ?? { channels: 2 }) : null;
    this.pinger = receiverPinger(socket, o, this.counters);
    socket.on('message', (datagram) => this.receive(datagram));
  }

  static async open(o: AudioReceiverOptions): Promise<AudioReceiver> {
    const receiver = new AudioReceiver(await openUdpSocket(o.host, 1 << 20), o);
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

  /** The host's audio port this receiver pings. */
  get hostPort(): number {
    return this.o.port;
  }

  private receive(datagram: Buffer): void {
    if (this.closed) return;
    const now = Date.now();
    this.pinger.dataArrived();
    this.counters.datagrams++;
    this.counters.bytes += datagram.length;
    if (this.firstPacketAtMs === null) this.firstPacketAtMs = now;
    else if (now - this.lastDatagramAtMs >= RECEIVE_POLL_MS) this.packetsToSkip = 0;
    this.lastDatagramAtMs = now;
    if (this.drop()) {
      this.counters.injectedDrops++;
      return;
    }
    if (this.packetsToSkip > 0) {
      // Only data packets count towards the skipped time.
      if (datagram.length >= 2 && ((datagram[1] as number) & 0x7f) === RTP_PT_AUDIO) {
        this.packetsToSkip--;
        this.counters.skippedAtStart++;
      }
      return;
    }
    this.queue.add(datagram);
    const q = this.queue.counters;
    Object.assign(this.counters, {
      dataPackets: q.dataPackets,
      fecPackets: q.fecPackets,
      invalid: q.invalid,
      late: q.late,
      recoveredPackets: q.recoveredPackets,
      unrecoverableBlocks: q.unrecoverableBlocks,
      lostPackets: q.lostPackets,
    });
  }

  private deliver(packet: AudioPacketOut): void {
    let opus = packet.payload;
    if (opus && this.o.key) {
      opus = this.decrypt(opus, packet.seq);
      if (!opus) return;
    }
    const out: OpusPacket = {
      seq: packet.seq,
      timestamp: packet.timestamp,
      opus,
      recovered: packet.recovered,
    };
    if (opus) this.counters.delivered++;
    this.o.onOpus?.(out);
    if (this.decoder) {
      const pcm = opus
        ? this.decoder.decode(opus)
        : this.decoder.decodeLost(this.o.packetDurationMs * SAMPLE_RATE_PER_MS);
      this.counters.decodedSamples += pcm.length / this.decoder.channels;
      this.o.onPcm?.(pcm, out);
    }
  }

  private decrypt(body: Buffer, seq: number): Buffer | null {
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(((this.o.keyId ?? 0) + seq) >>> 0, 0);
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.o.key as Buffer, iv);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      this.counters.decryptFailures++;
      return null;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pinger.stop();
    this.socket.close();
    this.decoder?.close();
  }
}
