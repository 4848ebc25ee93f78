// The host's side of one ENet connection (the GameStream control stream):
// accept the client's CONNECT, answer VERIFY_CONNECT, acknowledge reliable
// commands, deliver reliable data in order per channel, send reliable data
// with retransmission, ping on a steady interval, time out, disconnect. No sockets and no timers:
// the owner feeds datagrams to receive(), calls service() periodically, and
// passes a clock, so every behaviour is testable with plain bytes.
import { decodeEnetDatagram, encodeEnetDatagram } from './codec.js';
import {
  type ConnectFields,
  ENET_COMMAND_FIXED_BYTES,
  ENET_HEADER_WITH_SENT_TIME_BYTES,
  ENET_PEER_ID_NONE,
  ENET_SYSTEM_CHANNEL,
  type EnetBodyOf,
  type EnetCommand,
  EnetWireError,
  enetCommandSize,
} from './wire.js';

// Limits from protocol.h: what a CONNECT may ask for is clamped into these.
const MIN_MTU = 576;
const MAX_MTU = 4096;
const MIN_WINDOW = 4096;
const MAX_WINDOW = 65536;
const MAX_CHANNELS = 255;
// ENet's reliable window: 16 windows of 4096 sequence numbers, of which 8 may be
// ahead of the next expected one. Further ahead is not acknowledged (ENet drops it too).
const RELIABLE_AHEAD_LIMIT = 7 * 4096;
/**
 * Reliable data held back until the commands before it arrive, all channels
 * together. A control stream carries small messages and waits only across a
 * lost datagram; without a bound a client could park 28,672 commands on each
 * of its channels. Past it a command is dropped unacknowledged, so the client
 * sends it again once the gap is filled.
 */
export const ENET_MAX_WAITING_BYTES = 1024 * 1024;
// Datagrams are filled as if each had the sent time in its header: those with a
// reliable command do; acknowledgement-only ones come out 2 bytes short of the MTU.
const HEADER_BYTES = ENET_HEADER_WITH_SENT_TIME_BYTES;
/**
 * Reliable commands toward a client not yet acknowledged. The host sends a
 * handful in a whole stream (the termination); a client that acknowledges
 * none of more than this many is not there, and the link ends ('overflow')
 * before the queue can grow.
 */
export const MAX_UNACKNOWLEDGED = 64;
// The most one SEND_RELIABLE can carry: no fragmentation, so the header and the
// command's own fields come out of the MTU.
const reliableRoom = (mtu: number) => mtu - HEADER_BYTES - ENET_COMMAND_FIXED_BYTES['send-reliable'];

/** The peer-level commands we send on the system channel, reliably. */
type SystemCommandBody = EnetBodyOf<'verify-connect'> | EnetBodyOf<'disconnect'> | EnetBodyOf<'ping'>;

export type EnetPeerStage =
  | 'idle'
  | 'listening'
  | 'verifying'
  | 'connected'
  | 'disconnecting'
  | 'disconnected';
export type EnetDisconnectReason = 'client' | 'host' | 'timeout' | 'overflow';

export interface EnetPeerOptions {
  /** Milliseconds on any monotonic clock. */
  now(): number;
  send(datagram: Buffer): void;
  /** Called with the CONNECT's data (GameStream: X-SS-Connect-Data); false ignores the attempt. */
  acceptConnect(data: number): boolean;
  onConnected?(): void;
  onReceive(channelId: number, data: Buffer): void;
  onDisconnect?(reason: EnetDisconnectReason, data: number): void;
  /** A datagram that was dropped, and why (malformed, wrong peer or session, out of window). */
  onDropped?(why: string): void;
  /** Our peer id as the client will address us. */
  incomingPeerId?: number;
  /** The largest MTU we accept (the client's CONNECT is clamped to it). */
  maxMtu?: number;
  /** A PING goes out this often while nothing else awaits an acknowledgement (it keeps the round trip fresh). */
  pingIntervalMs?: number;
  /** A reliable command unanswered, or silence from the client, for this long ends the connection. */
  timeoutMs?: number;
  initialRetransmitMs?: number;
}

interface InFlight {
  command: EnetCommand;
  firstSentMs: number | null;
  lastSentMs: number | null;
  retransmitMs: number;
  due: boolean;
}

interface Channel {
  outgoingReliableSequenceNumber: number;
  incomingReliableSequenceNumber: number;
  waiting: Map<number, Buffer>;
}

/** The peer's working state: owned by PeerMachine, never handed out (see EnetPeerSnapshot). */
interface EnetPeerState {
  stage: EnetPeerStage;
  outgoingPeerId: number;
  incomingSessionId: number;
  outgoingSessionId: number;
  connect: (ConnectFields & { data: number }) | null;
  mtu: number;
  channelCount: number;
  channels: Channel[];
  systemReliableSequenceNumber: number;
  inFlight: InFlight[];
  pendingAcks: EnetCommand[];
  lastReceiveMs: number;
  lastPingMs: number;
  roundTripMs: number | null;
  dropped: number;
  /** Bytes in the channels' `waiting` maps. */
  waitingBytes: number;
}

/** What an owner may read of a peer: a frozen copy, taken when `state` is read. */
export interface EnetPeerSnapshot {
  readonly stage: EnetPeerStage;
  /** The client's peer id, as we address it; ENET_PEER_ID_NONE before its CONNECT. */
  readonly outgoingPeerId: number;
  readonly incomingSessionId: number;
  readonly outgoingSessionId: number;
  /** The accepted CONNECT's fields and connect data; null before one. */
  readonly connect: Readonly<ConnectFields & { data: number }> | null;
  readonly mtu: number;
  readonly channelCount: number;
  /** Reliable commands queued or sent and not yet acknowledged. */
  readonly unacknowledged: number;
  readonly lastReceiveMs: number;
  readonly roundTripMs: number | null;
  /** Datagrams and commands dropped (each also reported to onDropped). */
  readonly dropped: number;
}

export interface EnetPeer {
  /** A frozen snapshot of the peer's state, taken on each read: read it again to see changes. */
  readonly state: EnetPeerSnapshot;
  start(): void;
  stop(): void;
  receive(datagram: Buffer): void;
  service(): void;
  sendReliable(channelId: number, data: Buffer): void;
  disconnect(data?: number): void;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Session ids as enet_protocol_handle_connect picks them: the next one, never equal to the other side's. */
function nextSessionId(requested: number, current: number): number {
  let id = ((requested === 0xff ? current : requested) + 1) & 3;
  if (id === current) id = (id + 1) & 3;
  return id;
}

export function createEnetPeer(o: EnetPeerOptions): EnetPeer {
  const cfg = {
    incomingPeerId: o.incomingPeerId ?? 0,
    maxMtu: clamp(o.maxMtu ?? 1400, MIN_MTU, MAX_MTU),
    pingIntervalMs: o.pingIntervalMs ?? 500,
    timeoutMs: o.timeoutMs ?? 10_000,
    initialRetransmitMs: o.initialRetransmitMs ?? 500,
  };
  const state: EnetPeerState = {
    stage: 'idle',
    outgoingPeerId: ENET_PEER_ID_NONE,
    incomingSessionId: 0xff,
    outgoingSessionId: 0xff,
    connect: null,
    mtu: cfg.maxMtu,
    channelCount: 0,
    channels: [],
    systemReliableSequenceNumber: 0,
    inFlight: [],
    pendingAcks: [],
    lastReceiveMs: 0,
    lastPingMs: 0,
    roundTripMs: null,
    dropped: 0,
    waitingBytes: 0,
  };
  const peer = new PeerMachine(o, cfg, state);
  return {
    get state() {
      return snapshotOf(state);
    },
    start: () => peer.start(),
    stop: () => peer.stop(),
    receive: (datagram) => peer.receive(datagram),
    service: () => peer.service(),
    sendReliable: (channelId, data) => peer.sendReliable(channelId, data),
    disconnect: (data = 0) => peer.disconnect(data),
  };
}

function snapshotOf(s: EnetPeerState): EnetPeerSnapshot {
  return Object.freeze({
    stage: s.stage,
    outgoingPeerId: s.outgoingPeerId,
    incomingSessionId: s.incomingSessionId,
    outgoingSessionId: s.outgoingSessionId,
    connect: s.connect ? Object.freeze({ ...s.connect }) : null,
    mtu: s.mtu,
    channelCount: s.channelCount,
    unacknowledged: s.inFlight.length,
    lastReceiveMs: s.lastReceiveMs,
    roundTripMs: s.roundTripMs,
    dropped: s.dropped,
  });
}

type Cfg = Required<
  Pick<EnetPeerOptions, 'incomingPeerId' | 'maxMtu' | 'pingIntervalMs' | 'timeoutMs' | 'initialRetransmitMs'>
>;

class PeerMachine {
  constructor(
    private readonly o: EnetPeerOptions,
    private readonly cfg: Cfg,
    private readonly s: EnetPeerState,
  ) {}

  start() {
    if (this.s.stage !== 'idle') throw new Error(`an ENet peer starts once (it is ${this.s.stage})`);
    this.s.stage = 'listening';
    this.s.lastReceiveMs = this.o.now();
  }

  stop() {
    this.s.stage = 'disconnected';
    this.s.inFlight = [];
    this.s.pendingAcks = [];
    for (const channel of this.s.channels) channel.waiting.clear();
    this.s.waitingBytes = 0;
  }

  private drop(why: string) {
    this.s.dropped += 1;
    this.o.onDropped?.(why);
  }

  receive(bytes: Buffer) {
    if (this.s.stage === 'idle' || this.s.stage === 'disconnected')
      return this.drop(`datagram while ${this.s.stage}`);
    let datagram: ReturnType<typeof decodeEnetDatagram>;
    try {
      datagram = decodeEnetDatagram(bytes);
    } catch (error) {
      return this.drop(error instanceof EnetWireError ? error.message : String(error));
    }
    if (datagram.peerId === ENET_PEER_ID_NONE) {
      if (datagram.commands[0]?.type !== 'connect')
        return this.drop('a datagram without a peer id must be a CONNECT');
    } else if (this.s.stage === 'listening' || datagram.peerId !== this.cfg.incomingPeerId) {
      return this.drop(`datagram for peer ${datagram.peerId}, not ours`);
    } else if (datagram.sessionId !== this.s.incomingSessionId) {
      return this.drop(`datagram of session ${datagram.sessionId}, ours is ${this.s.incomingSessionId}`);
    }
    this.s.lastReceiveMs = this.o.now();
    for (const command of datagram.commands) {
      if (this.ended()) break;
      this.handle(command, datagram.sentTime ?? 0);
    }
    this.flush();
  }

  private ended(): boolean {
    return this.s.stage === 'disconnected';
  }

  private queueAck(command: EnetCommand, sentTime: number) {
    this.s.pendingAcks.push({
      type: 'acknowledge',
      acknowledge: false,
      unsequenced: false,
      channelId: command.channelId,
      reliableSequenceNumber: command.reliableSequenceNumber,
      receivedReliableSequenceNumber: command.reliableSequenceNumber,
      receivedSentTime: sentTime,
    });
  }

  private handle(command: EnetCommand, sentTime: number) {
    if (command.type === 'connect') return this.onConnect(command, sentTime);
    if (this.s.stage === 'listening') return this.drop(`${command.type} before CONNECT`);
    switch (command.type) {
      case 'acknowledge':
        return this.onAcknowledge(
          command.channelId,
          command.receivedReliableSequenceNumber,
          command.receivedSentTime,
        );
      case 'send-reliable':
        return this.onReliable(command, command.data, sentTime);
      case 'send-unreliable':
      case 'send-unsequenced':
        return this.onUnreliable(command, command.data);
      case 'disconnect':
        if (command.acknowledge) this.queueAck(command, sentTime);
        this.flush();
        return this.finish('client', command.data);
      case 'send-fragment':
      case 'send-unreliable-fragment':
        // Control messages fit one datagram; reassembly is not implemented.
        return this.drop(`${command.type} is not supported`);
      default:
        // ping, bandwidth-limit, throttle-configure: nothing to do beyond the acknowledgement.
        if (command.acknowledge) this.queueAck(command, sentTime);
    }
  }

  private onConnect(c: Extract<EnetCommand, { type: 'connect' }>, sentTime: number) {
    if (this.s.stage !== 'listening') {
      // A repeated CONNECT (our VERIFY_CONNECT got lost): acknowledge, the verify is retransmitted.
      if (this.s.connect?.connectId === c.connectId) this.queueAck(c, sentTime);
      else this.drop('CONNECT from a second client');
      return;
    }
    if (!this.o.acceptConnect(c.data)) return this.drop(`CONNECT with data ${c.data} refused`);
    const s = this.s;
    // Only the CONNECT's own fields: the command header is not part of the connection.
    const {
      type: _type,
      acknowledge: _ack,
      unsequenced: _unseq,
      channelId: _ch,
      reliableSequenceNumber: _seq,
      ...fields
    } = c;
    s.connect = fields;
    s.outgoingPeerId = c.outgoingPeerId;
    s.outgoingSessionId = nextSessionId(c.incomingSessionId, s.outgoingSessionId);
    s.incomingSessionId = nextSessionId(c.outgoingSessionId, s.incomingSessionId);
    s.mtu = clamp(c.mtu, MIN_MTU, this.cfg.maxMtu);
    s.channelCount = clamp(c.channelCount, 1, MAX_CHANNELS);
    s.channels = Array.from({ length: s.channelCount }, () => ({
      outgoingReliableSequenceNumber: 0,
      incomingReliableSequenceNumber: 0,
      waiting: new Map<number, Buffer>(),
    }));
    s.waitingBytes = 0;
    s.stage = 'verifying';
    this.queueAck(c, sentTime);
    this.queueSystem({
      type: 'verify-connect',
      outgoingPeerId: this.cfg.incomingPeerId,
      incomingSessionId: s.outgoingSessionId,
      outgoingSessionId: s.incomingSessionId,
      mtu: s.mtu,
      windowSize: clamp(c.windowSize, MIN_WINDOW, MAX_WINDOW),
      channelCount: s.channelCount,
      incomingBandwidth: 0,
      outgoingBandwidth: 0,
      // The client refuses a VERIFY_CONNECT whose throttle values or connect id differ from its CONNECT.
      packetThrottleInterval: c.packetThrottleInterval,
      packetThrottleAcceleration: c.packetThrottleAcceleration,
      packetThrottleDeceleration: c.packetThrottleDeceleration,
      connectId: c.connectId,
    });
  }

  private queueSystem(body: SystemCommandBody) {
    this.s.systemReliableSequenceNumber = (this.s.systemReliableSequenceNumber + 1) & 0xffff;
    const command: EnetCommand = {
      ...body,
      acknowledge: true,
      unsequenced: false,
      channelId: ENET_SYSTEM_CHANNEL,
      reliableSequenceNumber: this.s.systemReliableSequenceNumber,
    };
    this.s.inFlight.push({
      command,
      firstSentMs: null,
      lastSentMs: null,
      retransmitMs: this.cfg.initialRetransmitMs,
      due: true,
    });
  }

  private onAcknowledge(channelId: number, sequence: number, receivedSentTime: number) {
    const index = this.s.inFlight.findIndex(
      (f) =>
        f.command.channelId === channelId &&
        f.command.reliableSequenceNumber === sequence &&
        f.lastSentMs !== null,
    );
    if (index < 0) return; // a late duplicate acknowledgement
    const [acked] = this.s.inFlight.splice(index, 1) as [InFlight];
    this.s.roundTripMs = this.roundTrip(acked, receivedSentTime);
    if (acked.command.type === 'verify-connect' && this.s.stage === 'verifying') {
      this.s.stage = 'connected';
      this.o.onConnected?.();
    } else if (acked.command.type === 'disconnect') {
      this.finish('host', acked.command.data);
    }
  }

  /**
   * From our own clock when the command went out once (sub-millisecond with a
   * fine clock such as performance.now()); after a retransmission, which copy
   * was acknowledged is unknown, so from the echoed 16-bit sent time (whole ms).
   */
  private roundTrip(acked: InFlight, receivedSentTime: number): number {
    const now = this.o.now();
    const sentOnce = acked.firstSentMs !== null && acked.firstSentMs === acked.lastSentMs;
    if (sentOnce) return Math.max(0, now - (acked.lastSentMs as number));
    return (Math.floor(now) - receivedSentTime) & 0xffff;
  }

  private channel(channelId: number): Channel | null {
    if (this.s.stage !== 'connected') {
      this.drop(`data while ${this.s.stage}`);
      return null;
    }
    const channel = this.s.channels[channelId];
    if (!channel) this.drop(`data on channel ${channelId}, the connection has ${this.s.channelCount}`);
    return channel ?? null;
  }

  private onReliable(command: EnetCommand, data: Buffer, sentTime: number) {
    const channel = this.channel(command.channelId);
    if (!channel) return;
    const ahead = (command.reliableSequenceNumber - channel.incomingReliableSequenceNumber) & 0xffff;
    if (ahead === 0 || ahead >= 0x8000) return this.queueAck(command, sentTime); // already delivered
    if (ahead > RELIABLE_AHEAD_LIMIT)
      return this.drop(`reliable ${command.reliableSequenceNumber} is outside the window`);
    const held = channel.waiting.get(command.reliableSequenceNumber);
    if (!held && ahead > 1 && this.s.waitingBytes + data.length > ENET_MAX_WAITING_BYTES)
      return this.drop(`the reorder queue is full (${this.s.waitingBytes} bytes wait for earlier commands)`);
    this.queueAck(command, sentTime);
    if (!held) {
      // A copy: `data` is a view into the whole datagram, which would stay alive with it.
      channel.waiting.set(command.reliableSequenceNumber, Buffer.from(data));
      this.s.waitingBytes += data.length;
    }
    for (;;) {
      const next = (channel.incomingReliableSequenceNumber + 1) & 0xffff;
      const ready = channel.waiting.get(next);
      if (!ready) break;
      channel.waiting.delete(next);
      this.s.waitingBytes -= ready.length;
      channel.incomingReliableSequenceNumber = next;
      this.o.onReceive(command.channelId, ready);
      if (this.s.stage !== 'connected') break;
    }
  }

  private onUnreliable(command: EnetCommand, data: Buffer) {
    const channel = this.channel(command.channelId);
    if (!channel) return;
    // Unreliable data belongs after the reliable command it names; older is stale.
    if (
      command.type === 'send-unreliable' &&
      command.reliableSequenceNumber !== channel.incomingReliableSequenceNumber
    ) {
      return this.drop('unreliable data out of step with the reliable stream');
    }
    this.o.onReceive(command.channelId, data);
  }

  sendReliable(channelId: number, data: Buffer) {
    if (this.s.stage !== 'connected') throw new Error(`cannot send on an ENet peer that is ${this.s.stage}`);
    const channel = this.s.channels[channelId];
    if (!channel)
      throw new RangeError(`channel ${channelId} does not exist (the connection has ${this.s.channelCount})`);
    const room = reliableRoom(this.s.mtu);
    if (data.length > room)
      throw new RangeError(
        `${data.length} bytes do not fit one datagram (at most ${room}; no fragmentation)`,
      );
    if (this.s.inFlight.length >= MAX_UNACKNOWLEDGED) return this.finish('overflow', 0);
    channel.outgoingReliableSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
    const command: EnetCommand = {
      type: 'send-reliable',
      acknowledge: true,
      unsequenced: false,
      channelId,
      reliableSequenceNumber: channel.outgoingReliableSequenceNumber,
      data: Buffer.from(data),
    };
    this.s.inFlight.push({
      command,
      firstSentMs: null,
      lastSentMs: null,
      retransmitMs: this.cfg.initialRetransmitMs,
      due: true,
    });
    this.flush();
  }

  disconnect(data: number) {
    if (this.s.stage === 'connected' || this.s.stage === 'verifying') {
      this.s.inFlight = this.s.inFlight.filter((f) => f.lastSentMs !== null);
      this.queueSystem({ type: 'disconnect', data });
      this.s.stage = 'disconnecting';
      this.flush();
    } else if (this.s.stage !== 'disconnecting' && this.s.stage !== 'disconnected') {
      this.finish('host', data);
    }
  }

  service() {
    const s = this.s;
    if (s.stage === 'idle' || s.stage === 'disconnected' || s.stage === 'listening') return;
    const now = this.o.now();
    for (const f of s.inFlight) {
      if (f.firstSentMs === null || f.lastSentMs === null) continue;
      if (now - f.firstSentMs >= this.cfg.timeoutMs) return this.finish('timeout', 0);
      if (now - f.lastSentMs >= f.retransmitMs) {
        f.due = true;
        f.retransmitMs = Math.min(f.retransmitMs * 2, this.cfg.timeoutMs);
      }
    }
    if (now - s.lastReceiveMs >= this.cfg.timeoutMs) return this.finish('timeout', 0);
    // A steady ping, however busy the client is: the host sends no reliable data of
    // its own mid-stream, so without it the round trip would stay the handshake's.
    const pingDue = now - s.lastPingMs >= this.cfg.pingIntervalMs;
    if (s.stage === 'connected' && s.inFlight.length === 0 && pingDue) {
      s.lastPingMs = now;
      this.queueSystem({ type: 'ping' });
    }
    this.flush();
  }

  private finish(reason: EnetDisconnectReason, data: number) {
    if (this.s.stage === 'disconnected') return;
    this.stop();
    this.o.onDisconnect?.(reason, data);
  }

  /** Sends what is waiting: acknowledgements first, then reliable commands that are due, in datagrams of at most the MTU. */
  private flush() {
    const now = this.o.now();
    const acks = this.s.pendingAcks.splice(0);
    const due = this.s.inFlight.filter((f) => f.due);
    let batch: EnetCommand[] = [];
    let size = HEADER_BYTES;
    let reliable = false;
    const emit = () => {
      if (batch.length === 0) return;
      const sessionId = this.s.outgoingSessionId === 0xff ? 0 : this.s.outgoingSessionId;
      const sentTime = reliable ? now & 0xffff : null;
      this.o.send(
        encodeEnetDatagram({ peerId: this.s.outgoingPeerId, sessionId, sentTime, commands: batch }),
      );
      batch = [];
      size = HEADER_BYTES;
      reliable = false;
    };
    const add = (command: EnetCommand) => {
      if (size + enetCommandSize(command) > this.s.mtu) emit();
      batch.push(command);
      size += enetCommandSize(command);
      reliable ||= command.acknowledge;
    };
    for (const ack of acks) add(ack);
    for (const f of due) {
      add(f.command);
      f.due = false;
      f.firstSentMs ??= now;
      f.lastSentMs = now;
    }
    emit();
  }
}
