// punktfunk/1 control messages and their validation. Every message received
// is checked here before anything acts on it: an unknown type, a missing
// field or a value out of range is a ProtocolError naming the problem.
import { CODECS, type Codec, nameProblem } from '@punktfunk/shared';

export const PROTOCOL_NAME = 'punktfunk/1';
/** TLS keying-material exporter label for the media key (RFC 5705 / 8446 §7.5). */
export const MEDIA_KEY_EXPORTER_LABEL = 'EXPORTER-punktfunk/1 media';
/** 32 bytes AES-256-GCM key followed by a 4-byte nonce salt. */
export const MEDIA_KEY_BYTES = 32;
export const MEDIA_SALT_BYTES = 4;

// ---- client → host
export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_NAME;
  clientName: string;
  codecs: Codec[];
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number | null;
  fecPercent: number | null;
  /** UDP port the client receives media on (host sends to the control connection's address). */
  udpPort: number;
}
export interface StartMessage {
  type: 'start';
}
export interface IdrRequestMessage {
  type: 'idr';
}
export interface BitrateMessage {
  type: 'bitrate';
  kbps: number;
}
export interface LossReportMessage {
  type: 'loss';
  packetsLost: number;
  fecRecovered: number;
}
/** Per frame: index, when decoded (host clock µs, converted by the client), decode µs. */
export interface FrameTimingMessage {
  type: 'timing';
  frames: [number, number, number][];
}
export interface PongMessage {
  type: 'pong';
  hostUs: number;
  clientUs: number;
}
export interface StopMessage {
  type: 'stop';
}
/** An unpaired client asks to pair; it shows the user a PIN to give the operator. */
export interface PairMessage {
  type: 'pair';
  clientName: string;
}
/** The client's half of the PIN proof (see pairing.ts), or its verdict that the host's was wrong. */
export interface ClientPairProofMessage {
  type: 'pair-proof';
  proof: string;
}
export interface PairFailMessage {
  type: 'pair-fail';
  reason: string;
}
export type ClientMessage =
  | PairMessage
  | ClientPairProofMessage
  | PairFailMessage
  | HelloMessage
  | StartMessage
  | IdrRequestMessage
  | BitrateMessage
  | LossReportMessage
  | FrameTimingMessage
  | PongMessage
  | StopMessage;

// ---- host → client
export interface WelcomeMessage {
  type: 'welcome';
  sessionId: string;
  codec: Codec;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  fecPercent: number;
  shardBytes: number;
  encoderName: string;
}
/** Sent every second: the client echoes it (RTT) and uses it to map its clock to the host's. */
export interface PingMessage {
  type: 'ping';
  hostUs: number;
  /** The host's latest RTT estimate, so the client can halve it for the clock offset. */
  rttUs: number | null;
}
export interface StoppedMessage {
  type: 'stopped';
  reason: string;
}
export interface ErrorMessage {
  type: 'error';
  message: string;
}
/** Sent instead of a welcome to a client that must pair first. */
export interface PairingRequiredMessage {
  type: 'pairing-required';
}
/** The operator was asked for the PIN; waiting. */
export interface PairPendingMessage {
  type: 'pair-pending';
  requestId: string;
}
export interface HostPairProofMessage {
  type: 'pair-proof';
  proof: string;
}
/** Pairing done: this client's certificate is paired; it may say hello now. */
export interface PairedMessage {
  type: 'paired';
}
export type HostMessage =
  | WelcomeMessage
  | PingMessage
  | StoppedMessage
  | ErrorMessage
  | PairingRequiredMessage
  | PairPendingMessage
  | HostPairProofMessage
  | PairedMessage;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

type Obj = Record<string, unknown>;

function int(o: Obj, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError(`${String(o.type)}.${key} must be an integer in ${min}..${max}`);
  }
  return v;
}

function optionalInt(o: Obj, key: string, min: number, max: number): number | null {
  return o[key] === undefined || o[key] === null ? null : int(o, key, min, max);
}

function str(o: Obj, key: string, maxLength: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) {
    throw new ProtocolError(`${String(o.type)}.${key} must be a string of 1..${maxLength} characters`);
  }
  return v;
}

/** A name shown to the operator: no controls, no bidirectional overrides. */
function name(o: Obj, key: string, maxLength: number): string {
  const v = str(o, key, maxLength);
  const problem = nameProblem(v);
  if (problem) throw new ProtocolError(`${String(o.type)}.${key} ${problem}`);
  return v;
}

function hex(o: Obj, key: string, length: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length !== length || !/^[0-9a-f]+$/.test(v)) {
    throw new ProtocolError(`${String(o.type)}.${key} must be ${length} lowercase hex characters`);
  }
  return v;
}

function asObject(value: unknown): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProtocolError('message must be an object');
  return value as Obj;
}

const MAX_US = Number.MAX_SAFE_INTEGER;

function parseHello(o: Obj): HelloMessage {
  if (o.protocol !== PROTOCOL_NAME) throw new ProtocolError(`hello.protocol must be '${PROTOCOL_NAME}'`);
  const codecs = o.codecs;
  if (!Array.isArray(codecs) || codecs.length === 0 || !codecs.every((c) => CODECS.includes(c as Codec))) {
    throw new ProtocolError(`hello.codecs must list some of ${CODECS.join(', ')}`);
  }
  return {
    type: 'hello',
    protocol: PROTOCOL_NAME,
    clientName: name(o, 'clientName', 64),
    codecs: codecs as Codec[],
    width: int(o, 'width', 16, 7680),
    height: int(o, 'height', 16, 4320),
    fps: int(o, 'fps', 1, 240),
    bitrateKbps: optionalInt(o, 'bitrateKbps', 100, 1_000_000),
    fecPercent: optionalInt(o, 'fecPercent', 0, 100),
    udpPort: int(o, 'udpPort', 1, 65535),
  };
}

function parseTiming(o: Obj): FrameTimingMessage {
  const frames = o.frames;
  if (!Array.isArray(frames) || frames.length > 1024)
    throw new ProtocolError('timing.frames must be an array of at most 1024 entries');
  for (const f of frames) {
    if (!Array.isArray(f) || f.length !== 3 || !f.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      throw new ProtocolError('timing.frames entries must be [frameIndex, decodedHostUs, decodeUs]');
    }
  }
  return { type: 'timing', frames: frames as [number, number, number][] };
}

export function parseClientMessage(value: unknown): ClientMessage {
  const o = asObject(value);
  switch (o.type) {
    case 'hello':
      return parseHello(o);
    case 'start':
    case 'idr':
    case 'stop':
      return { type: o.type };
    case 'pair':
      return { type: 'pair', clientName: name(o, 'clientName', 64) };
    case 'pair-proof':
      return { type: 'pair-proof', proof: hex(o, 'proof', 64) };
    case 'pair-fail':
      return { type: 'pair-fail', reason: str(o, 'reason', 256) };
    case 'bitrate':
      return { type: 'bitrate', kbps: int(o, 'kbps', 100, 1_000_000) };
    case 'loss':
      return {
        type: 'loss',
        packetsLost: int(o, 'packetsLost', 0, 1e9),
        fecRecovered: int(o, 'fecRecovered', 0, 1e9),
      };
    case 'timing':
      return parseTiming(o);
    case 'pong':
      return { type: 'pong', hostUs: int(o, 'hostUs', 0, MAX_US), clientUs: int(o, 'clientUs', 0, MAX_US) };
    default:
      throw new ProtocolError(`unknown client message type ${JSON.stringify(o.type)}`);
  }
}

export function parseHostMessage(value: unknown): HostMessage {
  const o = asObject(value);
  switch (o.type) {
    case 'welcome':
      return {
        type: 'welcome',
        sessionId: str(o, 'sessionId', 64),
        codec: CODECS.includes(o.codec as Codec)
          ? (o.codec as Codec)
          : (() => {
              throw new ProtocolError('welcome.codec unknown');
            })(),
        width: int(o, 'width', 16, 7680),
        height: int(o, 'height', 16, 4320),
        fps: int(o, 'fps', 1, 240),
        bitrateKbps: int(o, 'bitrateKbps', 100, 1_000_000),
        fecPercent: int(o, 'fecPercent', 0, 100),
        shardBytes: int(o, 'shardBytes', 256, 1400),
        encoderName: str(o, 'encoderName', 64),
      };
    case 'ping':
      return { type: 'ping', hostUs: int(o, 'hostUs', 0, MAX_US), rttUs: optionalInt(o, 'rttUs', 0, MAX_US) };
    case 'pairing-required':
    case 'paired':
      return { type: o.type };
    case 'pair-pending':
      return { type: 'pair-pending', requestId: str(o, 'requestId', 64) };
    case 'pair-proof':
      return { type: 'pair-proof', proof: hex(o, 'proof', 64) };
    case 'stopped':
      return { type: 'stopped', reason: str(o, 'reason', 256) };
    case 'error':
      return { type: 'error', message: str(o, 'message', 1024) };
    default:
      throw new ProtocolError(`unknown host message type ${JSON.stringify(o.type)}`);
  }
}
