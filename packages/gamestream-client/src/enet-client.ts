// The client side of one ENet 1.3 connection, as moonlight-common-c's control
// stream opens it (ControlStream.c startControlStream: enet_host_connect with
// CTRL_CHANNEL_COUNT channels and X-SS-Connect-Data, a 10 s wait for the
// connect, then enet_peer_timeout(peer, 2, 10000, 10000)). The datagram
// format is @punktfunk/protocol's codec; the host's side is its
// createEnetPeer. No fragmentation: control messages fit one datagram.
import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import {
  decodeEnetDatagram,
  ENET_PEER_ID_NONE,
  ENET_SYSTEM_CHANNEL,
  type EnetCommand,
  type EnetDatagram,
  encodeEnetDatagram,
  enetCommandSize,
} from '@punktfunk/protocol';
import { openUdpSocket } from './udp.js';

/** ControlStream.c CTRL_CHANNEL_COUNT. */
export const CTRL_CHANNEL_COUNT = 0x30;
/** The MTU of the ENet copy inside moonlight-common-c (ENET_HOST_DEFAULT_MTU). */
export const MOONLIGHT_ENET_MTU = 900;
// enet.h defaults the client puts in CONNECT; the host must echo them in VERIFY_CONNECT.
const THROTTLE_INTERVAL = 5000;
const THROTTLE_ACCELERATION = 2;
const THROTTLE_DECELERATION = 2;
const MAX_WINDOW = 65536;
const DEFAULT_ROUND_TRIP_MS = 500;
const MIN_MTU = 576;
const MAX_MTU = 4096;
const HEADER_WITH_TIME_BYTES = 4;
const SEND_RELIABLE_FIXED_BYTES = 6;
/** The client's own peer id (its one peer slot): the host addresses its datagrams to it. */
const OWN_PEER_ID = 0;

export type EnetClientState = 'connecting' | 'connected' | 'disconnecting' | 'disconnected';
export type EnetCloseReason = 'host-disconnect' | 'timeout' | 'local' | 'refused';

export interface EnetClose {
  reason: EnetCloseReason;
  /** The DISCONNECT's data (host-disconnect), else 0. */
  data: number;
}

export class EnetConnectError extends Error {
  constructor(
    readonly reason: 'timeout' | 'refused' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'EnetConnectError';
  }
}

export interface EnetClientOptions {
  host: string;
  port: number;
  /** X-SS-Connect-Data from RTSP SETUP streamid=control (0 without it). */
  connectData: number;
  channelCount?: number;
  mtu?: number;
  /** How long connect() waits for VERIFY_CONNECT; Moonlight waits 10 s. */
  connectTimeoutMs?: number;
  /** A reliable command unacknowledged this long ends the connection; Moonlight sets 10 s. */
  timeoutMs?: number;
  /** Ping the host after this much silence (ENET_PEER_PING_INTERVAL). */
  pingIntervalMs?: number;
  onReceive?(channelId: number, data: Buffer): void;
  onClose?(close: EnetClose): void;
}

export interface EnetClientCounters {
  datagramsSent: number;
  datagramsReceived: number;
  reliableSent: number;
  unsequencedSent: number;
  retransmits: number;
  acksSent: number;
  acksReceived: number;
  /** Data packets handed to onReceive. */
  delivered: number;
  /** Duplicate reliable commands (acknowledged again, not delivered twice). */
  duplicates: number;
  /** Datagrams or commands ignored: malformed, from elsewhere, wrong peer or session, fragments. */
  dropped: number;
  pingsSent: number;
  pingsReceived: number;
}

interface InFlight {
  command: EnetCommand;
  firstSentMs: number;
  lastSentMs: number;
  timeoutMs: number;
}

interface Channel {
  outgoing: number;
  incoming: number;
  waiting: Map<number, Buffer>;
}

// What recentDatagrams keeps.
const RECENT_DATAGRAMS = 64;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export class EnetClient {
  readonly counters: EnetClientCounters = {
    datagramsSent: 0,
    datagramsReceived: 0,
    reliableSent: 0,
    unsequencedSent: 0,
    retransmits: 0,
    acksSent: 0,
    acksReceived: 0,
    delivered: 0,
    duplicates: 0,
    dropped: 0,
    pingsSent: 0,
    pingsReceived: 0,
  };
  state: EnetClientState = 'connecting';
  /** Smoothed round trip as ENet keeps it (peer->roundTripTime), ms. */
  roundTripMs = DEFAULT_ROUND_TRIP_MS;
  roundTripVarianceMs = 0;
  /** The latest single measurement; null before the first acknowledgement. */
  lastRoundTripMs: number | null = null;
  mtu: number;
  channelCount: number;
  /** Holds every acknowledgement back this long (tests: a longer round trip as the host measures it). */
  ackDelayMs = 0;
  readonly closed: Promise<EnetClose>;
  /** The last datagrams sent, as they went out: what a fuzzer mutates. */
  readonly recentDatagrams: Buffer[] = [];
  private resolveClosed!: (close: EnetClose) => void;
  private connectWaiter: { resolve(): void; reject(error: Error): void } | null = null;
  private readonly connectId = randomBytes(4).readUInt32BE(0);
  private readonly epochMs = performance.now();
  private readonly timer: NodeJS.Timeout;
  private outgoingPeerId = ENET_PEER_ID_NONE;
  private incomingSessionId = 0xff;
  private outgoingSessionId = 0xff;
  private systemSequence = 0;
  private unsequencedGroup = 0;
  private channels: Channel[];
  private inFlight: InFlight[] = [];
  private pendingAcks: EnetCommand[] = [];
  private connectStartedMs: number;
  private lastReceiveMs: number;
  private lastPingMs = 0;
  private lingerUntilMs: number | null = null;
  private disconnectData = 0;
  private disconnectSent = false;
  private sendsInFlight = 0;
  private socketClosed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly o: EnetClientOptions,
  ) {
    this.mtu = clamp(o.mtu ?? MOONLIGHT_ENET_MTU, MIN_MTU, MAX_MTU);
    this.channelCount = clamp(o.channelCount ?? CTRL_CHANNEL_COUNT, 1, 255);
    this.channels = Array.from({ length: this.channelCount }, () => ({
      outgoing: 0,
      incoming: 0,
      waiting: new Map<number, Buffer>(),
    }));
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.connectStartedMs = this.now();
    this.lastReceiveMs = this.connectStartedMs;
    socket.on('message', (bytes, from) => this.receive(bytes, from));
    this.timer = setInterval(() => this.service(), 5);
  }

  /**
   * Sends `bytes` as they are from this client's own socket, so the host
   * takes them for the connected client's: for fuzzers.
   */
  sendRaw(bytes: Buffer): void {
    if (!this.socketClosed) this.socket.send(bytes, this.o.port, this.o.host);
  }

  /** Opens a socket, sends CONNECT and resolves once the host's VERIFY_CONNECT arrived (and was acknowledged). */
  static async connect(o: EnetClientOptions): Promise<EnetClient> {
    const client = new EnetClient(await openUdpSocket(o.host, 1 << 18), o);
    await new Promise<void>((resolve, reject) => {
      client.connectWaiter = { resolve, reject };
      client.sendConnect();
    });
    return client;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  /** Reliable, in order on its channel, retransmitted until acknowledged. */
  sendReliable(channelId: number, data: Buffer): void {
    const channel = this.usableChannel(channelId, data, SEND_RELIABLE_FIXED_BYTES);
    channel.outgoing = (channel.outgoing + 1) & 0xffff;
    const command: EnetCommand = {
      type: 'send-reliable',
      acknowledge: true,
      unsequenced: false,
      channelId,
      reliableSequenceNumber: channel.outgoing,
      data: Buffer.from(data),
    };
    this.counters.reliableSent++;
    this.transmitReliable(command);
  }

  /** Unsequenced (ENET_PACKET_FLAG_UNSEQUENCED): sent once, no acknowledgement, no order. */
  sendUnsequenced(channelId: number, data: Buffer): void {
    this.usableChannel(channelId, data, 8);
    this.unsequencedGroup = (this.unsequencedGroup + 1) & 0xffff;
    this.counters.unsequencedSent++;
    this.transmit([
      {
        type: 'send-unsequenced',
        acknowledge: false,
        unsequenced: true,
        channelId,
        reliableSequenceNumber: 0,
        unsequencedGroup: this.unsequencedGroup,
        data: Buffer.from(data),
      },
    ]);
  }

  /**
   * Graceful end (enet_peer_disconnect_later, as Moonlight's stop does): waits
   * until what is in flight is acknowledged, sends DISCONNECT and waits for
   * its acknowledgement, for at most lingerMs in all.
   */
  disconnect(data = 0, lingerMs = 2000): Promise<EnetClose> {
    if (this.state === 'connected') {
      this.state = 'disconnecting';
      this.disconnectData = data;
      this.lingerUntilMs = this.now() + lingerMs;
      this.service();
    } else if (this.state === 'connecting') {
      this.disconnectNow(data);
    }
    return this.closed;
  }

  /** Abortive end (enet_peer_disconnect_now): one unacknowledged DISCONNECT, then closed. */
  disconnectNow(data = 0): void {
    if (this.state === 'disconnected') return;
    this.transmit([
      {
        type: 'disconnect',
        acknowledge: false,
        unsequenced: true,
        channelId: ENET_SYSTEM_CHANNEL,
        reliableSequenceNumber: 0,
        data,
      },
    ]);
    this.finish('local', 0);
  }

  /** A method, so TypeScript does not keep a narrowing across calls that may close. */
  private isClosed(): boolean {
    return this.state === 'disconnected';
  }

  /** Data is still taken (and acknowledged) until our DISCONNECT is out, as in ENet's disconnect-later state. */
  private receiving(): boolean {
    return this.state === 'connected' || (this.state === 'disconnecting' && !this.disconnectSent);
  }

  private now(): number {
    return Math.floor(performance.now() - this.epochMs) + 1;
  }

  private usableChannel(channelId: number, data: Buffer, fixedBytes: number): Channel {
    if (this.state !== 'connected')
      throw new Error(`cannot send on an ENet connection that is ${this.state}`);
    const channel = this.channels[channelId];
    if (!channel) throw new RangeError(`channel ${channelId} does not exist (${this.channelCount} channels)`);
    const room = this.mtu - HEADER_WITH_TIME_BYTES - fixedBytes;
    if (data.length > room)
      throw new RangeError(`${data.length} bytes do not fit one datagram (at most ${room})`);
    return channel;
  }

  private sendConnect(): void {
    this.systemSequence = (this.systemSequence + 1) & 0xffff;
    this.transmitReliable({
      type: 'connect',
      acknowledge: true,
      unsequenced: false,
      channelId: ENET_SYSTEM_CHANNEL,
      reliableSequenceNumber: this.systemSequence,
      outgoingPeerId: OWN_PEER_ID,
      incomingSessionId: this.incomingSessionId,
      outgoingSessionId: this.outgoingSessionId,
      mtu: this.mtu,
      windowSize: MAX_WINDOW,
      channelCount: this.channelCount,
      incomingBandwidth: 0,
      outgoingBandwidth: 0,
      packetThrottleInterval: THROTTLE_INTERVAL,
      packetThrottleAcceleration: THROTTLE_ACCELERATION,
      packetThrottleDeceleration: THROTTLE_DECELERATION,
      connectId: this.connectId,
      data: this.o.connectData >>> 0,
    });
  }

  private sendSystem(type: 'ping' | 'disconnect', data = 0): void {
    this.systemSequence = (this.systemSequence + 1) & 0xffff;
    const common = {
      acknowledge: true,
      unsequenced: false,
      channelId: ENET_SYSTEM_CHANNEL,
      reliableSequenceNumber: this.systemSequence,
    };
    this.transmitReliable(type === 'ping' ? { type, ...common } : { type, ...common, data });
  }

  private transmitReliable(command: EnetCommand): void {
    const now = this.now();
    // ENet's first retransmission timeout: round trip + 4 × variance, doubling after each try.
    const timeoutMs = Math.max(1, this.roundTripMs + 4 * this.roundTripVarianceMs);
    this.inFlight.push({ command, firstSentMs: now, lastSentMs: now, timeoutMs });
    this.transmit([command]);
  }

  /** One datagram: pending acknowledgements first, then `commands`, split at the MTU. */
  private transmit(commands: EnetCommand[]): void {
    const all = [...this.pendingAcks.splice(0), ...commands];
    let batch: EnetCommand[] = [];
    let size = HEADER_WITH_TIME_BYTES;
    for (const command of all) {
      const bytes = enetCommandSize(command);
      if (batch.length > 0 && size + bytes > this.mtu) {
        this.sendDatagram(batch);
        batch = [];
        size = HEADER_WITH_TIME_BYTES;
      }
      batch.push(command);
      size += bytes;
    }
    if (batch.length > 0) this.sendDatagram(batch);
  }

  private sendDatagram(commands: EnetCommand[]): void {
    const connected = this.outgoingPeerId !== ENET_PEER_ID_NONE;
    const datagram: EnetDatagram = {
      peerId: this.outgoingPeerId,
      sessionId: connected ? this.outgoingSessionId & 3 : 0,
      sentTime: commands.some((c) => c.acknowledge) ? this.now() & 0xffff : null,
      commands,
    };
    for (const c of commands) if (c.type === 'acknowledge') this.counters.acksSent++;
    this.counters.datagramsSent++;
    this.sendsInFlight++;
    const bytes = encodeEnetDatagram(datagram);
    this.recentDatagrams.push(bytes);
    if (this.recentDatagrams.length > RECENT_DATAGRAMS) this.recentDatagrams.shift();
    this.socket.send(bytes, this.o.port, this.o.host, () => {
      this.sendsInFlight--;
      if (this.sendsInFlight === 0 && this.state === 'disconnected') this.closeSocket();
    });
  }

  private receive(bytes: Buffer, from: RemoteInfo) {
    if (this.state === 'disconnected') return;
    if (from.port !== this.o.port) return void this.counters.dropped++;
    let datagram: EnetDatagram;
    try {
      datagram = decodeEnetDatagram(bytes);
    } catch {
      return void this.counters.dropped++;
    }
    if (datagram.peerId !== OWN_PEER_ID) return void this.counters.dropped++;
    if (this.state !== 'connecting' && datagram.sessionId !== (this.incomingSessionId & 3)) {
      return void this.counters.dropped++;
    }
    this.counters.datagramsReceived++;
    this.lastReceiveMs = this.now();
    for (const command of datagram.commands) {
      if (this.isClosed()) return;
      this.handle(command, datagram.sentTime ?? 0);
    }
    if (this.pendingAcks.length > 0 && !this.isClosed()) this.transmit([]);
  }

  private queueAck(command: EnetCommand, sentTime: number): void {
    const ack: EnetCommand = {
      type: 'acknowledge',
      acknowledge: false,
      unsequenced: false,
      channelId: command.channelId,
      reliableSequenceNumber: command.reliableSequenceNumber,
      receivedReliableSequenceNumber: command.reliableSequenceNumber,
      receivedSentTime: sentTime,
    };
    if (this.ackDelayMs <= 0) return void this.pendingAcks.push(ack);
    // A slower path to the host, for tests: the acknowledgement leaves later, on its own.
    setTimeout(() => {
      if (this.isClosed()) return;
      this.pendingAcks.push(ack);
      this.transmit([]);
    }, this.ackDelayMs);
  }

  private handle(command: EnetCommand, sentTime: number) {
    switch (command.type) {
      case 'acknowledge':
        return this.onAcknowledge(
          command.channelId,
          command.receivedReliableSequenceNumber,
          command.receivedSentTime,
        );
      case 'verify-connect':
        return this.onVerifyConnect(command, sentTime);
      case 'send-reliable':
        return this.onReliable(command, command.data, sentTime);
      case 'send-unreliable':
      case 'send-unsequenced':
        if (!this.receiving() || !this.channels[command.channelId]) return void this.counters.dropped++;
        this.counters.delivered++;
        return this.o.onReceive?.(command.channelId, command.data);
      case 'disconnect':
        if (command.acknowledge) this.queueAck(command, sentTime);
        if (this.pendingAcks.length > 0) this.transmit([]);
        return this.finish('host-disconnect', command.data);
      case 'ping':
        this.counters.pingsReceived++;
        if (this.receiving()) this.queueAck(command, sentTime);
        return;
      case 'send-fragment':
      case 'send-unreliable-fragment':
      case 'connect':
        // Not acknowledged: acknowledging data we cannot deliver would hide the loss.
        return void this.counters.dropped++;
      default:
        if (command.acknowledge) this.queueAck(command, sentTime);
    }
  }

  private onAcknowledge(channelId: number, sequence: number, receivedSentTime: number): void {
    const index = this.inFlight.findIndex(
      (f) => f.command.channelId === channelId && f.command.reliableSequenceNumber === sequence,
    );
    if (index < 0) return; // late duplicate
    const [acked] = this.inFlight.splice(index, 1) as [InFlight];
    this.counters.acksReceived++;
    this.updateRoundTrip(Math.max(1, (this.now() - receivedSentTime) & 0xffff));
    if (acked.command.type === 'disconnect') this.finish('local', 0);
  }

  /** ENet's smoothing (enet_protocol_handle_acknowledge), so the number matches what Moonlight shows. */
  private updateRoundTrip(sample: number): void {
    if (this.lastRoundTripMs === null) {
      this.roundTripMs = sample;
      this.roundTripVarianceMs = Math.floor((sample + 1) / 2);
    } else {
      this.roundTripVarianceMs -= Math.floor((this.roundTripVarianceMs + 3) / 4);
      const diff = Math.abs(sample - this.roundTripMs);
      this.roundTripVarianceMs += Math.floor((diff + 3) / 4);
      this.roundTripMs += (sample >= this.roundTripMs ? 1 : -1) * Math.floor((diff + 7) / 8);
    }
    this.lastRoundTripMs = sample;
  }

  private onVerifyConnect(c: Extract<EnetCommand, { type: 'verify-connect' }>, sentTime: number) {
    this.queueAck(c, sentTime);
    if (this.state !== 'connecting') return; // a repeat: our acknowledgement was lost
    if (
      c.packetThrottleInterval !== THROTTLE_INTERVAL ||
      c.packetThrottleAcceleration !== THROTTLE_ACCELERATION ||
      c.packetThrottleDeceleration !== THROTTLE_DECELERATION ||
      c.connectId !== this.connectId ||
      c.channelCount < 1 ||
      c.channelCount > 255
    ) {
      this.pendingAcks = [];
      return this.failConnect(
        'refused',
        'VERIFY_CONNECT does not echo the CONNECT (throttle values or connect id)',
      );
    }
    this.inFlight = this.inFlight.filter((f) => f.command.type !== 'connect');
    this.outgoingPeerId = c.outgoingPeerId;
    this.incomingSessionId = c.incomingSessionId;
    this.outgoingSessionId = c.outgoingSessionId;
    this.mtu = Math.min(this.mtu, clamp(c.mtu, MIN_MTU, MAX_MTU));
    this.channelCount = Math.min(this.channelCount, c.channelCount);
    this.channels = this.channels.slice(0, this.channelCount);
    this.state = 'connected';
    // Acknowledge at once, so the host is connected before our first message reaches it.
    this.transmit([]);
    const waiter = this.connectWaiter;
    this.connectWaiter = null;
    waiter?.resolve();
  }

  private onReliable(command: EnetCommand, data: Buffer, sentTime: number) {
    const channel = this.channels[command.channelId];
    if (!this.receiving() || !channel) return void this.counters.dropped++;
    this.queueAck(command, sentTime);
    const ahead = (command.reliableSequenceNumber - channel.incoming) & 0xffff;
    if (ahead === 0 || ahead >= 0x8000 || channel.waiting.has(command.reliableSequenceNumber)) {
      return void this.counters.duplicates++;
    }
    channel.waiting.set(command.reliableSequenceNumber, data);
    for (;;) {
      const next = (channel.incoming + 1) & 0xffff;
      const ready = channel.waiting.get(next);
      if (!ready) break;
      channel.waiting.delete(next);
      channel.incoming = next;
      this.counters.delivered++;
      this.o.onReceive?.(command.channelId, ready);
      if (!this.receiving()) break;
    }
  }

  /** Retransmissions, timeouts, pings and the linger of a graceful disconnect. */
  private service() {
    if (this.state === 'disconnected') return;
    const now = this.now();
    const connectTimeout = this.o.connectTimeoutMs ?? 10_000;
    if (this.state === 'connecting' && now - this.connectStartedMs >= connectTimeout) {
      return this.failConnect(
        'timeout',
        `no VERIFY_CONNECT from ${this.o.host}:${this.o.port} within ${connectTimeout} ms`,
      );
    }
    if (this.lingerUntilMs !== null && now >= this.lingerUntilMs) return this.finish('local', 0);
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const due: EnetCommand[] = [];
    for (const f of this.inFlight) {
      if (now - f.lastSentMs < f.timeoutMs) continue;
      if (this.state !== 'connecting' && now - f.firstSentMs >= timeoutMs) return this.finish('timeout', 0);
      f.lastSentMs = now;
      f.timeoutMs *= 2;
      this.counters.retransmits++;
      due.push(f.command);
    }
    if (due.length > 0) this.transmit(due);
    if (this.state === 'disconnecting' && this.inFlight.length === 0 && !this.disconnectSent) {
      // Everything acknowledged: now the DISCONNECT, and wait for its acknowledgement.
      this.disconnectSent = true;
      this.sendSystem('disconnect', this.disconnectData);
      return;
    }
    const pingEvery = this.o.pingIntervalMs ?? 500;
    if (
      this.state === 'connected' &&
      this.inFlight.length === 0 &&
      now - this.lastReceiveMs >= pingEvery &&
      now - this.lastPingMs >= pingEvery
    ) {
      this.lastPingMs = now;
      this.counters.pingsSent++;
      this.sendSystem('ping');
    }
  }

  private closeSocket(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    this.socket.close();
  }

  private failConnect(reason: 'timeout' | 'refused', message: string): void {
    const waiter = this.connectWaiter;
    this.connectWaiter = null;
    this.finish(reason, 0);
    waiter?.reject(new EnetConnectError(reason, message));
  }

  private finish(reason: EnetCloseReason, data: number): void {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    clearInterval(this.timer);
    this.inFlight = [];
    this.pendingAcks = [];
    // A datagram handed to the socket just now (a last acknowledgement, a DISCONNECT) still goes out.
    if (this.sendsInFlight === 0) this.closeSocket();
    const waiter = this.connectWaiter;
    this.connectWaiter = null;
    waiter?.reject(
      new EnetConnectError('closed', `the connection closed (${reason}) before it was verified`),
    );
    const close = { reason, data };
    this.o.onClose?.(close);
    this.resolveClosed(close);
  }
}
