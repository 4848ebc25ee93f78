// Encoding and decoding ENet datagrams (layout in wire.ts). Decoding checks
// every length against the bytes actually there and names what is wrong.
import {
  type ConnectFields,
  ENET_COMMAND_FIXED_BYTES,
  ENET_COMMAND_FLAG_ACKNOWLEDGE,
  ENET_COMMAND_FLAG_UNSEQUENCED,
  ENET_COMMAND_MASK,
  ENET_COMMAND_NAMES,
  ENET_HEADER_BYTES,
  ENET_HEADER_FLAG_COMPRESSED,
  ENET_HEADER_FLAG_SENT_TIME,
  ENET_HEADER_WITH_SENT_TIME_BYTES,
  ENET_SESSION_MASK,
  ENET_SESSION_SHIFT,
  type EnetCommand,
  type EnetCommandBody,
  type EnetDatagram,
  EnetWireError,
  enetCommandNumber,
  enetCommandSize,
  type FragmentFields,
} from './wire.js';

/** A small bounds-checked reader: every read past the end is an EnetWireError naming the field. */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    public offset: number,
    private readonly what: string,
  ) {}

  private need(n: number, field: string): void {
    if (this.offset + n > this.bytes.length) {
      throw new EnetWireError(
        `${this.what}: truncated at ${field} (offset ${this.offset}, ${this.bytes.length} bytes)`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes.readUInt8(this.offset++);
  }

  u16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  data(length: number, field: string): Buffer {
    this.need(length, field);
    const value = Buffer.from(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }
}

function readConnectFields(r: Reader): ConnectFields {
  return {
    outgoingPeerId: r.u16('outgoingPeerID'),
    incomingSessionId: r.u8('incomingSessionID'),
    outgoingSessionId: r.u8('outgoingSessionID'),
    mtu: r.u32('mtu'),
    windowSize: r.u32('windowSize'),
    channelCount: r.u32('channelCount'),
    incomingBandwidth: r.u32('incomingBandwidth'),
    outgoingBandwidth: r.u32('outgoingBandwidth'),
    packetThrottleInterval: r.u32('packetThrottleInterval'),
    packetThrottleAcceleration: r.u32('packetThrottleAcceleration'),
    packetThrottleDeceleration: r.u32('packetThrottleDeceleration'),
    connectId: r.u32('connectID'),
  };
}

function readFragmentFields(r: Reader): FragmentFields {
  const startSequenceNumber = r.u16('startSequenceNumber');
  const dataLength = r.u16('dataLength');
  const fields = {
    startSequenceNumber,
    fragmentCount: r.u32('fragmentCount'),
    fragmentNumber: r.u32('fragmentNumber'),
    totalLength: r.u32('totalLength'),
    fragmentOffset: r.u32('fragmentOffset'),
  };
  return { ...fields, data: r.data(dataLength, 'fragment data') };
}

function readBody(type: EnetCommand['type'], r: Reader): EnetCommandBody {
  switch (type) {
    case 'acknowledge':
      return {
        type,
        receivedReliableSequenceNumber: r.u16('receivedReliableSequenceNumber'),
        receivedSentTime: r.u16('receivedSentTime'),
      };
    case 'connect':
      return { type, ...readConnectFields(r), data: r.u32('data') };
    case 'verify-connect':
      return { type, ...readConnectFields(r) };
    case 'disconnect':
      return { type, data: r.u32('data') };
    case 'ping':
      return { type };
    case 'send-reliable':
      return { type, data: r.data(r.u16('dataLength'), 'data') };
    case 'send-unreliable': {
      const unreliableSequenceNumber = r.u16('unreliableSequenceNumber');
      return { type, unreliableSequenceNumber, data: r.data(r.u16('dataLength'), 'data') };
    }
    case 'send-unsequenced': {
      const unsequencedGroup = r.u16('unsequencedGroup');
      return { type, unsequencedGroup, data: r.data(r.u16('dataLength'), 'data') };
    }
    case 'send-fragment':
    case 'send-unreliable-fragment':
      return { type, ...readFragmentFields(r) };
    case 'bandwidth-limit':
      return {
        type,
        incomingBandwidth: r.u32('incomingBandwidth'),
        outgoingBandwidth: r.u32('outgoingBandwidth'),
      };
    case 'throttle-configure':
      return {
        type,
        interval: r.u32('interval'),
        acceleration: r.u32('acceleration'),
        deceleration: r.u32('deceleration'),
      };
  }
}

function readCommand(bytes: Buffer, offset: number, index: number): { command: EnetCommand; next: number } {
  const r = new Reader(bytes, offset, `command ${index}`);
  const commandByte = r.u8('command');
  const type = ENET_COMMAND_NAMES[commandByte & ENET_COMMAND_MASK];
  if (type === undefined)
    throw new EnetWireError(`command ${index}: unknown command number ${commandByte & ENET_COMMAND_MASK}`);
  if (offset + ENET_COMMAND_FIXED_BYTES[type] > bytes.length) {
    throw new EnetWireError(
      `command ${index} (${type}): needs ${ENET_COMMAND_FIXED_BYTES[type]} bytes, ${bytes.length - offset} left`,
    );
  }
  const channelId = r.u8('channelID');
  const reliableSequenceNumber = r.u16('reliableSequenceNumber');
  const body = readBody(type, r);
  const command: EnetCommand = {
    acknowledge: (commandByte & ENET_COMMAND_FLAG_ACKNOWLEDGE) !== 0,
    unsequenced: (commandByte & ENET_COMMAND_FLAG_UNSEQUENCED) !== 0,
    channelId,
    reliableSequenceNumber,
    ...body,
  };
  return { command, next: r.offset };
}

export function decodeEnetDatagram(bytes: Buffer): EnetDatagram {
  if (bytes.length < ENET_HEADER_BYTES)
    throw new EnetWireError(`a datagram needs a ${ENET_HEADER_BYTES}-byte header, got ${bytes.length} bytes`);
  const peerField = bytes.readUInt16BE(0);
  if (peerField & ENET_HEADER_FLAG_COMPRESSED)
    throw new EnetWireError('compressed datagrams are not supported');
  let offset = ENET_HEADER_BYTES;
  let sentTime: number | null = null;
  if (peerField & ENET_HEADER_FLAG_SENT_TIME) {
    if (bytes.length < ENET_HEADER_WITH_SENT_TIME_BYTES)
      throw new EnetWireError('header says it carries a sent time, but the datagram ends');
    sentTime = bytes.readUInt16BE(ENET_HEADER_BYTES);
    offset = ENET_HEADER_WITH_SENT_TIME_BYTES;
  }
  const commands: EnetCommand[] = [];
  while (offset < bytes.length) {
    const { command, next } = readCommand(bytes, offset, commands.length);
    commands.push(command);
    offset = next;
  }
  if (commands.length === 0) throw new EnetWireError('a datagram without commands');
  return {
    peerId: peerField & 0x0fff,
    sessionId: (peerField & ENET_SESSION_MASK) >> ENET_SESSION_SHIFT,
    sentTime,
    commands,
  };
}

function checkRange(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new EnetWireError(`${field} ${value} is out of range 0..${max}`);
  return value;
}

class Writer {
  offset = 0;
  constructor(readonly bytes: Buffer) {}
  u8(v: number, field: string) {
    this.offset = this.bytes.writeUInt8(checkRange(v, 0xff, field), this.offset);
  }
  u16(v: number, field: string) {
    this.offset = this.bytes.writeUInt16BE(checkRange(v, 0xffff, field), this.offset);
  }
  u32(v: number, field: string) {
    this.offset = this.bytes.writeUInt32BE(checkRange(v, 0xffffffff, field), this.offset);
  }
  data(d: Buffer) {
    this.offset += d.copy(this.bytes, this.offset);
  }
}

function writeConnectFields(w: Writer, c: ConnectFields): void {
  w.u16(c.outgoingPeerId, 'outgoingPeerID');
  w.u8(c.incomingSessionId, 'incomingSessionID');
  w.u8(c.outgoingSessionId, 'outgoingSessionID');
  w.u32(c.mtu, 'mtu');
  w.u32(c.windowSize, 'windowSize');
  w.u32(c.channelCount, 'channelCount');
  w.u32(c.incomingBandwidth, 'incomingBandwidth');
  w.u32(c.outgoingBandwidth, 'outgoingBandwidth');
  w.u32(c.packetThrottleInterval, 'packetThrottleInterval');
  w.u32(c.packetThrottleAcceleration, 'packetThrottleAcceleration');
  w.u32(c.packetThrottleDeceleration, 'packetThrottleDeceleration');
  w.u32(c.connectId, 'connectID');
}

function writeBody(w: Writer, c: EnetCommand): void {
  switch (c.type) {
    case 'acknowledge':
      w.u16(c.receivedReliableSequenceNumber, 'receivedReliableSequenceNumber');
      w.u16(c.receivedSentTime, 'receivedSentTime');
      return;
    case 'connect':
      writeConnectFields(w, c);
      w.u32(c.data, 'data');
      return;
    case 'verify-connect':
      writeConnectFields(w, c);
      return;
    case 'disconnect':
      w.u32(c.data, 'data');
      return;
    case 'ping':
      return;
    case 'send-reliable':
      w.u16(c.data.length, 'dataLength');
      w.data(c.data);
      return;
    case 'send-unreliable':
      w.u16(c.unreliableSequenceNumber, 'unreliableSequenceNumber');
      w.u16(c.data.length, 'dataLength');
      w.data(c.data);
      return;
    case 'send-unsequenced':
      w.u16(c.unsequencedGroup, 'unsequencedGroup');
      w.u16(c.data.length, 'dataLength');
      w.data(c.data);
      return;
    case 'send-fragment':
    case 'send-unreliable-fragment':
      w.u16(c.startSequenceNumber, 'startSequenceNumber');
      w.u16(c.data.length, 'dataLength');
      for (const f of ['fragmentCount', 'fragmentNumber', 'totalLength', 'fragmentOffset'] as const)
        w.u32(c[f], f);
      w.data(c.data);
      return;
    case 'bandwidth-limit':
      w.u32(c.incomingBandwidth, 'incomingBandwidth');
      w.u32(c.outgoingBandwidth, 'outgoingBandwidth');
      return;
    case 'throttle-configure':
      w.u32(c.interval, 'interval');
      w.u32(c.acceleration, 'acceleration');
      w.u32(c.deceleration, 'deceleration');
      return;
  }
}

export function encodeEnetDatagram(d: EnetDatagram): Buffer {
  if (d.commands.length === 0) throw new EnetWireError('a datagram without commands');
  checkRange(d.peerId, 0x0fff, 'peerId');
  checkRange(d.sessionId, 3, 'sessionId');
  const headerBytes = d.sentTime === null ? ENET_HEADER_BYTES : ENET_HEADER_WITH_SENT_TIME_BYTES;
  const total = d.commands.reduce((sum, c) => sum + enetCommandSize(c), headerBytes);
  const w = new Writer(Buffer.alloc(total));
  const flags = d.sentTime === null ? 0 : ENET_HEADER_FLAG_SENT_TIME;
  w.u16(d.peerId | (d.sessionId << ENET_SESSION_SHIFT) | flags, 'peer field');
  if (d.sentTime !== null) w.u16(d.sentTime, 'sentTime');
  for (const c of d.commands) {
    if ('data' in c && Buffer.isBuffer(c.data) && c.data.length > 0xffff) {
      throw new EnetWireError(`${c.type}: ${c.data.length} data bytes do not fit a 16-bit length`);
    }
    const flagBits =
      (c.acknowledge ? ENET_COMMAND_FLAG_ACKNOWLEDGE : 0) |
      (c.unsequenced ? ENET_COMMAND_FLAG_UNSEQUENCED : 0);
    w.u8(enetCommandNumber(c.type) | flagBits, 'command');
    w.u8(c.channelId, 'channelID');
    w.u16(c.reliableSequenceNumber, 'reliableSequenceNumber');
    writeBody(w, c);
  }
  return w.bytes;
}
