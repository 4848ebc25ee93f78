// Control stream messages for appversion 7.1.431 with Sunshine's control v2
// encryption (moonlight-common-c ControlStream.c). Each ENet packet holds one
// message:
//   LE16 0x0001 | LE16 length (= 4 + 16 + ciphertext) | LE32 seq | tag[16] |
//   AES-128-GCM(rikey, iv, LE16 type || LE16 payloadLength || payload)
// The 12-byte IV is seq (LE) in bytes 0-3, then zeros, byte 10 'C' for what
// the client sends or 'H' for what the host sends, byte 11 'C'; the direction
// byte keeps the two sides from ever using the same (key, IV) pair.
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const CONTROL_ENCRYPTED_HEADER_TYPE = 0x0001;
const OUTER_HEADER_BYTES = 8;
const TAG_BYTES = 16;
const INNER_HEADER_BYTES = 4;
// ENet packets to the control stream are small; a 64 kB bound keeps a
// forged length from mattering and fits the LE16 length field.
const MAX_PLAINTEXT_BYTES = 0xffff - 4 - TAG_BYTES;

export const ControlType = {
  startA: 0x0305,
  startB: 0x0307,
  invalidateReferenceFrames: 0x0301,
  idrRequest: 0x0302,
  lossStats: 0x0201,
  frameStats: 0x0204,
  input: 0x0206,
  ping: 0x0200,
  fecStatus: 0x5502,
  termination: 0x0109,
  rumble: 0x010b,
  hdrMode: 0x010e,
} as const;

/** The termination code Moonlight treats as "the host ended the stream normally". */
export const TERMINATION_GRACEFUL = 0x80030023;
/**
 * NVST_DISCONN_SERVER_VIDEO_ENCODER_CONVERT_INPUT_FRAME_FAILED: the host could
 * not produce frames (capture or encoder failed); Moonlight reports it as an
 * error of the host's picture rather than of the network.
 */
export const TERMINATION_FRAME_FAILED = 0x800e9403;

export type ControlErrorCode =
  | 'truncated'
  | 'bad-length'
  | 'bad-header'
  | 'bad-tag'
  | 'unknown-type'
  | 'bad-payload';

export class ControlMessageError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlMessageError';
  }
}

export type ControlSender = 'client' | 'host';

export function controlIv(seq: number, sender: ControlSender): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32LE(seq >>> 0, 0);
  iv[10] = sender === 'client' ? 0x43 : 0x48; // 'C' / 'H'
  iv[11] = 0x43; // 'C'
  return iv;
}

function checkKey(key: Buffer): void {
  if (key.length !== 16) throw new RangeError(`the control key must be 16 bytes, got ${key.length}`);
}

export interface ControlMessage {
  type: number;
  payload: Buffer;
}

export interface SealedControlMessage extends ControlMessage {
  seq: number;
}

export function sealControlMessage(
  key: Buffer,
  sender: ControlSender,
  seq: number,
  message: ControlMessage,
): Buffer {
  checkKey(key);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new RangeError('seq must be a uint32');
  if (message.payload.length > MAX_PLAINTEXT_BYTES - INNER_HEADER_BYTES) {
    throw new RangeError(`a control payload is at most ${MAX_PLAINTEXT_BYTES - INNER_HEADER_BYTES} bytes`);
  }
  const plain = Buffer.alloc(INNER_HEADER_BYTES + message.payload.length);
  plain.writeUInt16LE(message.type, 0);
  plain.writeUInt16LE(message.payload.length, 2);
  message.payload.copy(plain, INNER_HEADER_BYTES);
  const cipher = createCipheriv('aes-128-gcm', key, controlIv(seq, sender));
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const out = Buffer.alloc(OUTER_HEADER_BYTES + TAG_BYTES + encrypted.length);
  out.writeUInt16LE(CONTROL_ENCRYPTED_HEADER_TYPE, 0);
  out.writeUInt16LE(4 + TAG_BYTES + encrypted.length, 2);
  out.writeUInt32LE(seq >>> 0, 4);
  cipher.getAuthTag().copy(out, OUTER_HEADER_BYTES);
  encrypted.copy(out, OUTER_HEADER_BYTES + TAG_BYTES);
  return out;
}

/** Checks the frame, the tag and the inner lengths; `sender` is who is supposed to have sent it. */
export function openControlMessage(key: Buffer, sender: ControlSender, packet: Buffer): SealedControlMessage {
  checkKey(key);
  if (packet.length < OUTER_HEADER_BYTES + TAG_BYTES + INNER_HEADER_BYTES) {
    throw new ControlMessageError('truncated', `a control packet is at least 28 bytes, got ${packet.length}`);
  }
  const headerType = packet.readUInt16LE(0);
  if (headerType !== CONTROL_ENCRYPTED_HEADER_TYPE) {
    throw new ControlMessageError(
      'bad-header',
      `encrypted header type 0x${headerType.toString(16)} is not 0x0001`,
    );
  }
  const length = packet.readUInt16LE(2);
  if (length !== packet.length - 4) {
    throw new ControlMessageError(
      'bad-length',
      `length field ${length} does not match the ${packet.length - 4} bytes after it`,
    );
  }
  const seq = packet.readUInt32LE(4);
  const decipher = createDecipheriv('aes-128-gcm', key, controlIv(seq, sender));
  decipher.setAuthTag(packet.subarray(OUTER_HEADER_BYTES, OUTER_HEADER_BYTES + TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(packet.subarray(OUTER_HEADER_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new ControlMessageError(
      'bad-tag',
      `control packet seq ${seq} fails authentication (wrong key, direction or bytes)`,
    );
  }
  const type = plain.readUInt16LE(0);
  const payloadLength = plain.readUInt16LE(2);
  if (payloadLength !== plain.length - INNER_HEADER_BYTES) {
    throw new ControlMessageError(
      'bad-length',
      `type 0x${type.toString(16)} says ${payloadLength} payload bytes, carries ${plain.length - INNER_HEADER_BYTES}`,
    );
  }
  return { seq, type, payload: Buffer.from(plain.subarray(INNER_HEADER_BYTES)) };
}

export interface FecStatus {
  frameIndex: number;
  highestReceivedSequenceNumber: number;
  nextContiguousSequenceNumber: number;
  missingPacketsBeforeHighestReceived: number;
  totalDataPackets: number;
  totalParityPackets: number;
  receivedDataPackets: number;
  receivedParityPackets: number;
  fecPercentage: number;
  multiFecBlockIndex: number;
  multiFecBlockCount: number;
}

export type ClientControlMessage =
  | { kind: 'idr-request' }
  | { kind: 'start-a' }
  | { kind: 'start-b' }
  | { kind: 'ping'; payload: Buffer }
  | { kind: 'loss-stats'; payload: Buffer }
  | { kind: 'frame-stats'; payload: Buffer }
  | { kind: 'fec-status'; status: FecStatus }
  | { kind: 'invalidate-reference-frames'; firstFrame: bigint; lastFrame: bigint }
  | { kind: 'input'; payload: Buffer };

// SS_FRAME_FEC_STATUS: uint32 + 7 x uint16 + 3 x uint8, packed, big-endian (the client BE()s each field).
const FEC_STATUS_BYTES = 21;

function decodeFecStatus(p: Buffer): FecStatus {
  if (p.length !== FEC_STATUS_BYTES) {
    throw new ControlMessageError('bad-payload', `FEC status is ${FEC_STATUS_BYTES} bytes, got ${p.length}`);
  }
  return {
    frameIndex: p.readUInt32BE(0),
    highestReceivedSequenceNumber: p.readUInt16BE(4),
    nextContiguousSequenceNumber: p.readUInt16BE(6),
    missingPacketsBeforeHighestReceived: p.readUInt16BE(8),
    totalDataPackets: p.readUInt16BE(10),
    totalParityPackets: p.readUInt16BE(12),
    receivedDataPackets: p.readUInt16BE(14),
    receivedParityPackets: p.readUInt16BE(16),
    fecPercentage: p[18] as number,
    multiFecBlockIndex: p[19] as number,
    multiFecBlockCount: p[20] as number,
  };
}

/** What a decrypted client message means; an unknown type is a ControlMessageError('unknown-type'). */
export function decodeClientControlMessage(message: ControlMessage): ClientControlMessage {
  const { type, payload } = message;
  switch (type) {
    case ControlType.idrRequest:
      return { kind: 'idr-request' };
    case ControlType.startA:
      return { kind: 'start-a' };
    case ControlType.startB:
      return { kind: 'start-b' };
    case ControlType.ping:
      return { kind: 'ping', payload };
    case ControlType.lossStats:
      return { kind: 'loss-stats', payload };
    case ControlType.frameStats:
      return { kind: 'frame-stats', payload };
    case ControlType.fecStatus:
      return { kind: 'fec-status', status: decodeFecStatus(payload) };
    case ControlType.invalidateReferenceFrames:
      // LE64 first, LE64 last (and a zero LE64 the host ignores).
      if (payload.length < 16) {
        throw new ControlMessageError(
          'bad-payload',
          `reference frame invalidation needs 16 bytes, got ${payload.length}`,
        );
      }
      return {
        kind: 'invalidate-reference-frames',
        firstFrame: payload.readBigInt64LE(0),
        lastFrame: payload.readBigInt64LE(8),
      };
    case ControlType.input:
      return { kind: 'input', payload };
    default:
      throw new ControlMessageError(
        'unknown-type',
        `unknown client control message type 0x${type.toString(16).padStart(4, '0')}`,
      );
  }
}

export type HostControlMessage =
  | { kind: 'termination'; code: number }
  | { kind: 'rumble'; controller: number; lowFrequency: number; highFrequency: number }
  | { kind: 'hdr-mode'; enabled: boolean; metadata?: Buffer };

export function encodeHostControlMessage(message: HostControlMessage): ControlMessage {
  switch (message.kind) {
    case 'termination': {
      // Big-endian, unlike everything around it: Moonlight reads it with BE32.
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(message.code >>> 0, 0);
      return { type: ControlType.termination, payload };
    }
    case 'rumble': {
      // LE32 unused, LE16 controller, LE16 low-frequency motor, LE16 high-frequency motor.
      const payload = Buffer.alloc(10);
      payload.writeUInt16LE(message.controller, 4);
      payload.writeUInt16LE(message.lowFrequency, 6);
      payload.writeUInt16LE(message.highFrequency, 8);
      return { type: ControlType.rumble, payload };
    }
    case 'hdr-mode': {
      const metadata = message.metadata ?? Buffer.alloc(0);
      return {
        type: ControlType.hdrMode,
        payload: Buffer.concat([Buffer.of(message.enabled ? 1 : 0), metadata]),
      };
    }
  }
}

/**
 * The host's side over one session key: it seals with its own increasing
 * seq and opens client messages. create / stop like the other wire pieces;
 * stop wipes the key copy.
 */
export interface ControlCipher {
  readonly state: { nextHostSeq: number; lastClientSeq: number | null; stopped: boolean };
  seal(message: HostControlMessage): Buffer;
  open(packet: Buffer): ClientControlMessage;
  stop(): void;
}

export function createControlCipher(key: Buffer): ControlCipher {
  checkKey(key);
  const ownKey = Buffer.from(key);
  const state = { nextHostSeq: 0, lastClientSeq: null as number | null, stopped: false };
  return {
    state,
    seal(message) {
      if (state.stopped) throw new Error('the control cipher is stopped');
      const packet = sealControlMessage(ownKey, 'host', state.nextHostSeq, encodeHostControlMessage(message));
      state.nextHostSeq = (state.nextHostSeq + 1) >>> 0;
      return packet;
    },
    open(packet) {
      if (state.stopped) throw new Error('the control cipher is stopped');
      // No ordering check on seq: the client spreads messages over several
      // ENet channels, which are ordered each on its own, not among each other.
      const opened = openControlMessage(ownKey, 'client', packet);
      state.lastClientSeq = opened.seq;
      return decodeClientControlMessage(opened);
    },
    stop() {
      state.stopped = true;
      ownKey.fill(0);
    },
  };
}
