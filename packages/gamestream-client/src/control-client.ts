// The encrypted control stream of appversion 7.1.431 with control v2, as
// moonlight-common-c ControlStream.c drives it over ENet:
//  - right after the connect: 0x0302 (the "start A" slot of the encrypted
//    generation is the IDR request, payload 00 00) then 0x0307 start B
//    (payload 00), both reliable on CTRL_CHANNEL_GENERIC;
//  - every 100 ms: the queued FEC status reports (0x5502, unsequenced, at most
//    8 waiting), then a 0x0200 ping (reliable, so ENet keeps measuring the
//    round trip) on CTRL_CHANNEL_GENERIC;
//  - on demand: 0x0302 IDR request, reliable on CTRL_CHANNEL_URGENT;
//  - input: 0x0206 carrying the plain input packet (NV_INPUT_HEADER
//    included), reliable on the input kind's channel (InputStream.c);
//  - from the host: 0x0109 termination (BE32 code; 0x80030023 = ended
//    normally), after which the client drops the connection at once.
// Every message is sealed with the rikey; the seq counts all messages sent.
import {
  ControlType,
  type FecStatus,
  openControlMessage,
  sealControlMessage,
  TERMINATION_GRACEFUL,
} from '@punktfunk/protocol';
import { EnetClient, type EnetClose } from './enet-client.js';
import type { InputPacket } from './input-packets.js';

/** ControlStream.c channel numbers (Limelight-internal.h). */
export const CTRL_CHANNEL_GENERIC = 0x00;
/** IDR and reference frame invalidation requests. */
export const CTRL_CHANNEL_URGENT = 0x01;
/** PERIODIC_PING_INTERVAL_MS. */
export const CONTROL_PING_INTERVAL_MS = 100;
/** The client's frameFecStatusQueue bound: reports beyond it are dropped until the next ping. */
const FEC_STATUS_QUEUE_LIMIT = 8;
/** The short termination message (LE16 reason) meaning "ended as intended". */
const TERMINATION_SHORT_INTENDED = 0x0100;

export type ControlEndReason = 'termination' | 'host-disconnect' | 'timeout' | 'local';

export interface ControlEnd {
  reason: ControlEndReason;
  /** The host's termination code (0x0109), null for other ends. */
  terminationCode: number | null;
  /** The host ended the stream normally (0x80030023, or the short 0x0100). */
  graceful: boolean;
}

export interface HostControlMessage {
  seq: number;
  type: number;
  payload: Buffer;
  channelId: number;
}

export interface ControlClientCounters {
  messagesSent: number;
  idrRequests: number;
  inputPackets: number;
  pings: number;
  fecStatusSent: number;
  /** Reports dropped because 8 were already waiting. */
  fecStatusOverflow: number;
  hostMessages: number;
  /** Host packets that failed to open (tag, framing). */
  badHostMessages: number;
}

export interface ControlClientOptions {
  host: string;
  port: number;
  connectData: number;
  /** The rikey from /launch. */
  key: Buffer;
  pingIntervalMs?: number;
  connectTimeoutMs?: number;
  /** ENet's timeout for unacknowledged reliable data. */
  timeoutMs?: number;
  onHostMessage?(message: HostControlMessage): void;
}

/** SS_FRAME_FEC_STATUS: uint32 + 7 × uint16 + 3 × uint8, packed, every field big-endian. */
export function encodeFecStatus(s: FecStatus): Buffer {
  const b = Buffer.alloc(21);
  b.writeUInt32BE(s.frameIndex >>> 0, 0);
  b.writeUInt16BE(s.highestReceivedSequenceNumber & 0xffff, 4);
  b.writeUInt16BE(s.nextContiguousSequenceNumber & 0xffff, 6);
  b.writeUInt16BE(s.missingPacketsBeforeHighestReceived & 0xffff, 8);
  b.writeUInt16BE(s.totalDataPackets & 0xffff, 10);
  b.writeUInt16BE(s.totalParityPackets & 0xffff, 12);
  b.writeUInt16BE(s.receivedDataPackets & 0xffff, 14);
  b.writeUInt16BE(s.receivedParityPackets & 0xffff, 16);
  b[18] = s.fecPercentage & 0xff;
  b[19] = s.multiFecBlockIndex & 0xff;
  b[20] = s.multiFecBlockCount & 0xff;
  return b;
}

/** What the periodic ping carries: LE16 4, LE32 0, then two bytes the client never sets. */
const PING_PAYLOAD = Buffer.from([0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);

export class ControlClient {
  readonly counters: ControlClientCounters = {
    messagesSent: 0,
    idrRequests: 0,
    inputPackets: 0,
    pings: 0,
    fecStatusSent: 0,
    fecStatusOverflow: 0,
    hostMessages: 0,
    badHostMessages: 0,
  };
  readonly ended: Promise<ControlEnd>;
  private resolveEnded!: (end: ControlEnd) => void;
  private enet!: EnetClient;
  private nextSeq = 0;
  private fecQueue: FecStatus[] = [];
  private pingTimer: NodeJS.Timeout | null = null;
  private end: ControlEnd | null = null;

  private constructor(private readonly o: ControlClientOptions) {
    if (o.key.length !== 16) throw new RangeError(`the control key is 16 bytes, got ${o.key.length}`);
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Connects ENet, sends the start messages and starts the periodic ping. */
  static async connect(o: ControlClientOptions): Promise<ControlClient> {
    const client = new ControlClient(o);
    client.enet = await EnetClient.connect({
      host: o.host,
      port: o.port,
      connectData: o.connectData,
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      onReceive: (channelId, data) => client.onHostPacket(channelId, data),
      onClose: (close) => client.onEnetClose(close),
    });
    client.sendMessage(ControlType.idrRequest, Buffer.from([0, 0]), CTRL_CHANNEL_GENERIC);
    client.sendMessage(ControlType.startB, Buffer.from([0]), CTRL_CHANNEL_GENERIC);
    client.tick();
    client.pingTimer = setInterval(() => client.tick(), o.pingIntervalMs ?? CONTROL_PING_INTERVAL_MS);
    return client;
  }

  /** Smoothed ENet round trip (what Moonlight shows as network latency), ms. */
  get roundTripMs(): number {
    return this.enet.roundTripMs;
  }

  get roundTripVarianceMs(): number {
    return this.enet.roundTripVarianceMs;
  }

  /** The ENet link's raw side, for fuzzers: its last datagrams, and sending bytes as they are. */
  get enetRaw(): Pick<EnetClient, 'recentDatagrams' | 'sendRaw'> {
    return this.enet;
  }

  /** Delays every ENet acknowledgement by `ms` from now on (0: at once), as a slower network would. */
  delayAcks(ms: number): void {
    this.enet.ackDelayMs = ms;
  }

  get enetCounters() {
    return this.enet.counters;
  }

  get connected(): boolean {
    return this.end === null && this.enet.state === 'connected';
  }

  /** LiRequestIdrFrame: the decoder or the depacketizer needs an IDR. */
  requestIdr(): void {
    if (!this.connected) return;
    this.counters.idrRequests++;
    this.sendMessage(ControlType.idrRequest, Buffer.from([0, 0]), CTRL_CHANNEL_URGENT);
  }

  /**
   * sendInputPacketOnControlStream: an input packet from input-packets.ts on
   * its channel, or raw bytes (anything, for hostile tests) on the generic one.
   */
  sendInput(packet: InputPacket | Buffer): void {
    if (!this.connected) return;
    const { bytes, channelId } = Buffer.isBuffer(packet)
      ? { bytes: packet, channelId: CTRL_CHANNEL_GENERIC }
      : packet;
    this.counters.inputPackets++;
    this.sendMessage(ControlType.input, bytes, channelId);
  }

  /** Queued like the client's connectionSendFrameFecStatus; goes out before the next ping. */
  queueFecStatus(status: FecStatus): void {
    if (this.fecQueue.length >= FEC_STATUS_QUEUE_LIMIT) {
      this.counters.fecStatusOverflow++;
      return;
    }
    this.fecQueue.push(status);
  }

  /** Graceful stop (ENet disconnect after everything in flight is acknowledged). */
  async stop(): Promise<ControlEnd> {
    this.stopPings();
    if (this.end === null) {
      this.finish({ reason: 'local', terminationCode: null, graceful: false });
      await this.enet.disconnect(0);
    }
    return this.ended;
  }

  /** Seals and sends one control message; public for hostile tests (any type, any payload). */
  sendMessage(type: number, payload: Buffer, channelId: number, reliable = true): void {
    const sealed = sealControlMessage(this.o.key, 'client', this.nextSeq, { type, payload });
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.counters.messagesSent++;
    // The client falls back to channel 0 when the host granted fewer channels.
    const channel = channelId < this.enet.channelCount ? channelId : CTRL_CHANNEL_GENERIC;
    if (reliable) this.enet.sendReliable(channel, sealed);
    else this.enet.sendUnsequenced(channel, sealed);
  }

  private tick() {
    if (!this.connected) return this.stopPings();
    for (const status of this.fecQueue.splice(0)) {
      this.counters.fecStatusSent++;
      this.sendMessage(ControlType.fecStatus, encodeFecStatus(status), CTRL_CHANNEL_GENERIC, false);
    }
    this.counters.pings++;
    this.sendMessage(ControlType.ping, PING_PAYLOAD, CTRL_CHANNEL_GENERIC);
  }

  private onHostPacket(channelId: number, packet: Buffer): void {
    let message: HostControlMessage;
    try {
      const opened = openControlMessage(this.o.key, 'host', packet);
      message = { seq: opened.seq, type: opened.type, payload: opened.payload, channelId };
    } catch {
      this.counters.badHostMessages++;
      return;
    }
    this.counters.hostMessages++;
    this.o.onHostMessage?.(message);
    if (message.type === ControlType.termination) this.onTermination(message.payload);
  }

  private onTermination(payload: Buffer): void {
    let code: number;
    let graceful: boolean;
    if (payload.length >= 4) {
      code = payload.readUInt32BE(0);
      graceful = code === TERMINATION_GRACEFUL;
    } else {
      code = payload.length >= 2 ? payload.readUInt16LE(0) : 0;
      graceful = code === TERMINATION_SHORT_INTENDED;
    }
    // The client does not wait for the host's DISCONNECT after this (GFE sends none for 10 s).
    this.stopPings();
    this.finish({ reason: 'termination', terminationCode: code, graceful });
    this.enet.disconnectNow(0);
  }

  private onEnetClose(close: EnetClose): void {
    this.stopPings();
    const reason: ControlEndReason =
      close.reason === 'host-disconnect'
        ? 'host-disconnect'
        : close.reason === 'timeout'
          ? 'timeout'
          : 'local';
    this.finish({ reason, terminationCode: null, graceful: false });
  }

  private finish(end: ControlEnd): void {
    if (this.end) return;
    this.end = end;
    this.resolveEnded(end);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
