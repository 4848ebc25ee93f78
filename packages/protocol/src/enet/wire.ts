// The ENet 1.3.x datagram format (lsalzman/enet include/enet/protocol.h), as
// Moonlight's control stream uses it: no checksum, no compression. All
// multi-byte fields are big-endian.
//   header:  BE16 peerId | flags (bit 15 sent time, bit 14 compressed, bits 12-13 session)
//            [BE16 sentTime, only with the sent-time flag]
//   command: u8 command (low 4 bits type; bit 7 acknowledge; bit 6 unsequenced),
//            u8 channelId, BE16 reliableSequenceNumber, then the type's fields.

export class EnetWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnetWireError';
  }
}

/** The header's first field: BE16 peer id and flags. */
export const ENET_HEADER_BYTES = 2;
/** With the BE16 sent time, which every datagram carrying a reliable command has. */
export const ENET_HEADER_WITH_SENT_TIME_BYTES = 4;
export const ENET_PEER_ID_NONE = 0x0fff; // CONNECT comes before the client has our id
export const ENET_SYSTEM_CHANNEL = 0xff; // peer-level commands (connect, ping, disconnect)
export const ENET_HEADER_FLAG_SENT_TIME = 0x8000;
export const ENET_HEADER_FLAG_COMPRESSED = 0x4000;
export const ENET_SESSION_SHIFT = 12;
export const ENET_SESSION_MASK = 0x3000;
export const ENET_COMMAND_FLAG_ACKNOWLEDGE = 0x80;
export const ENET_COMMAND_FLAG_UNSEQUENCED = 0x40;
export const ENET_COMMAND_MASK = 0x0f;

export const EnetCommandType = {
  acknowledge: 1,
  connect: 2,
  verifyConnect: 3,
  disconnect: 4,
  ping: 5,
  sendReliable: 6,
  sendUnreliable: 7,
  sendFragment: 8,
  sendUnsequenced: 9,
  bandwidthLimit: 10,
  throttleConfigure: 11,
  sendUnreliableFragment: 12,
} as const;

export interface ConnectFields {
  outgoingPeerId: number;
  incomingSessionId: number;
  outgoingSessionId: number;
  mtu: number;
  windowSize: number;
  channelCount: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
  connectId: number;
}

export interface FragmentFields {
  startSequenceNumber: number;
  fragmentCount: number;
  fragmentNumber: number;
  totalLength: number;
  fragmentOffset: number;
  data: Buffer;
}

/** The four bytes every command starts with (the command byte carries the type and the two flags). */
export interface EnetCommandHeader {
  acknowledge: boolean;
  unsequenced: boolean;
  channelId: number;
  reliableSequenceNumber: number;
}

/** What follows the command header, one shape per command type. */
export type EnetCommandBody =
  | { type: 'acknowledge'; receivedReliableSequenceNumber: number; receivedSentTime: number }
  | ({ type: 'connect'; data: number } & ConnectFields)
  | ({ type: 'verify-connect' } & ConnectFields)
  | { type: 'disconnect'; data: number }
  | { type: 'ping' }
  | { type: 'send-reliable'; data: Buffer }
  | { type: 'send-unreliable'; unreliableSequenceNumber: number; data: Buffer }
  | { type: 'send-unsequenced'; unsequencedGroup: number; data: Buffer }
  | ({ type: 'send-fragment' } & FragmentFields)
  | ({ type: 'send-unreliable-fragment' } & FragmentFields)
  | { type: 'bandwidth-limit'; incomingBandwidth: number; outgoingBandwidth: number }
  | { type: 'throttle-configure'; interval: number; acceleration: number; deceleration: number };

export type EnetCommand = EnetCommandHeader & EnetCommandBody;

/** The body of one command type, e.g. EnetBodyOf<'verify-connect'>. */
export type EnetBodyOf<T extends EnetCommandBody['type']> = Extract<EnetCommandBody, { type: T }>;

export interface EnetDatagram {
  peerId: number;
  sessionId: number;
  /** 16-bit milliseconds; null when the header carries none (acknowledgement-only datagrams). */
  sentTime: number | null;
  commands: EnetCommand[];
}

/** Command sizes without the data that follows (protocol.h's ENetProtocol* structs, packed). */
export const ENET_COMMAND_FIXED_BYTES: Record<EnetCommand['type'], number> = {
  acknowledge: 8,
  connect: 48,
  'verify-connect': 44,
  disconnect: 8,
  ping: 4,
  'send-reliable': 6,
  'send-unreliable': 8,
  'send-unsequenced': 8,
  'send-fragment': 24,
  'send-unreliable-fragment': 24,
  'bandwidth-limit': 12,
  'throttle-configure': 16,
};

export const ENET_COMMAND_NAMES: Record<number, EnetCommand['type']> = {
  1: 'acknowledge',
  2: 'connect',
  3: 'verify-connect',
  4: 'disconnect',
  5: 'ping',
  6: 'send-reliable',
  7: 'send-unreliable',
  8: 'send-fragment',
  9: 'send-unsequenced',
  10: 'bandwidth-limit',
  11: 'throttle-configure',
  12: 'send-unreliable-fragment',
};

const NUMBER_OF = new Map(Object.entries(ENET_COMMAND_NAMES).map(([number, name]) => [name, Number(number)]));

export function enetCommandNumber(type: EnetCommand['type']): number {
  return NUMBER_OF.get(type) as number;
}

/** Bytes a command takes on the wire, data included. */
export function enetCommandSize(command: EnetCommand): number {
  return (
    ENET_COMMAND_FIXED_BYTES[command.type] +
    ('data' in command && Buffer.isBuffer(command.data) ? command.data.length : 0)
  );
}
