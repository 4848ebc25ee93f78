// Validation of GameStream request parameters (the query string of every
// request). Anything missing, repeated, malformed or of the wrong length is
// a GameStreamRequestError carrying the XML status code and a message that
// says which parameter was wrong; the host answers with it and stores nothing.
import { X509Certificate } from 'node:crypto';
import {
  PAIRING_CHALLENGE_BYTES,
  PAIRING_SALT_BYTES,
  PAIRING_SECRET_BYTES,
  SHA256_BYTES,
} from './pairing-crypto.js';

export class GameStreamRequestError extends Error {
  constructor(
    /** The XML status_code (HTTP-like: 400 bad input, 401 not paired, 404 unknown, 503 busy). */
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'GameStreamRequestError';
  }
}

const bad = (message: string) => new GameStreamRequestError(400, message);

/** A parameter given at most once; a repeated one is refused rather than guessed at. */
export function optionalParam(query: URLSearchParams, name: string): string | null {
  const values = query.getAll(name);
  if (values.length > 1) throw bad(`parameter '${name}' is given ${values.length} times`);
  return values[0] ?? null;
}

export function requiredParam(query: URLSearchParams, name: string): string {
  const value = optionalParam(query, name);
  if (value === null || value === '') throw bad(`parameter '${name}' is missing`);
  return value;
}

// Moonlight sends 16 hex digits; other clients use UUIDs. Nothing longer is needed.
const UNIQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Every request names its client (`uniqueid`); `uuid` (a request id) is checked when present. */
export function clientUniqueId(query: URLSearchParams): string {
  const uniqueId = requiredParam(query, 'uniqueid');
  if (!UNIQUE_ID.test(uniqueId)) throw bad("parameter 'uniqueid' must be 1..64 letters, digits, '-' or '_'");
  const uuid = optionalParam(query, 'uuid');
  if (uuid !== null && !UUID.test(uuid)) throw bad("parameter 'uuid' is not a UUID");
  return uniqueId;
}

export interface ByteBounds {
  exact?: number;
  min?: number;
  max?: number;
}

export function hexParam(query: URLSearchParams, name: string, bytes: ByteBounds): Buffer {
  const text = requiredParam(query, name);
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) {
    throw bad(`parameter '${name}' must be hexadecimal (an even number of 0-9a-f)`);
  }
  const length = text.length / 2;
  if (bytes.exact !== undefined && length !== bytes.exact) {
    throw bad(
      `parameter '${name}' must be ${bytes.exact} bytes (${bytes.exact * 2} hex digits), got ${length}`,
    );
  }
  if ((bytes.min !== undefined && length < bytes.min) || (bytes.max !== undefined && length > bytes.max)) {
    throw bad(`parameter '${name}' must be ${bytes.min ?? 0}..${bytes.max ?? '∞'} bytes, got ${length}`);
  }
  return Buffer.from(text, 'hex');
}

// A PEM RSA-2048 certificate is about 1.1 kB; 8 kB leaves room for larger
// keys and is the buffer size moonlight-embedded itself uses.
const MAX_CLIENT_CERT_BYTES = 8192;
// RSA signatures from 1024- to 8192-bit keys.
const MIN_SIGNATURE_BYTES = 128;
const MAX_SIGNATURE_BYTES = 1024;
const DEVICE_NAME = /^[\x20-\x7e]{1,64}$/;

export type PairRequest =
  | {
      phase: 'getservercert';
      uniqueId: string;
      deviceName: string;
      salt: Buffer;
      clientCert: X509Certificate;
    }
  | { phase: 'clientchallenge'; uniqueId: string; encryptedChallenge: Buffer }
  | { phase: 'serverchallengeresp'; uniqueId: string; encryptedHash: Buffer }
  | { phase: 'clientpairingsecret'; uniqueId: string; clientSecret: Buffer; signature: Buffer }
  | { phase: 'pairchallenge'; uniqueId: string };

const PHASE_PARAMS = ['phrase', 'clientchallenge', 'serverchallengeresp', 'clientpairingsecret'] as const;

function clientCertificate(query: URLSearchParams): X509Certificate {
  const pem = hexParam(query, 'clientcert', { min: 1, max: MAX_CLIENT_CERT_BYTES }).toString('latin1');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw bad("parameter 'clientcert' is not a PEM certificate");
  try {
    return new X509Certificate(pem);
  } catch {
    throw bad("parameter 'clientcert' is not a readable X.509 certificate");
  }
}

function getServerCert(query: URLSearchParams, uniqueId: string): PairRequest {
  const salt = hexParam(query, 'salt', { exact: PAIRING_SALT_BYTES });
  const clientCert = clientCertificate(query);
  const name = optionalParam(query, 'devicename');
  const deviceName = name !== null && DEVICE_NAME.test(name) ? name : 'GameStream client';
  return { phase: 'getservercert', uniqueId, deviceName, salt, clientCert };
}

/** Which of the five pairing phases a /pair request is, with its checked inputs. */
export function parsePairRequest(query: URLSearchParams): PairRequest {
  const uniqueId = clientUniqueId(query);
  const present = PHASE_PARAMS.filter((name) => query.has(name));
  if (present.length !== 1) {
    throw bad(`a pairing request needs exactly one of ${PHASE_PARAMS.join(', ')}; got ${present.length}`);
  }
  switch (present[0]) {
    case 'clientchallenge':
      return {
        phase: 'clientchallenge',
        uniqueId,
        encryptedChallenge: hexParam(query, 'clientchallenge', { exact: PAIRING_CHALLENGE_BYTES }),
      };
    case 'serverchallengeresp':
      return {
        phase: 'serverchallengeresp',
        uniqueId,
        encryptedHash: hexParam(query, 'serverchallengeresp', { exact: SHA256_BYTES }),
      };
    case 'clientpairingsecret': {
      const bytes = hexParam(query, 'clientpairingsecret', {
        min: PAIRING_SECRET_BYTES + MIN_SIGNATURE_BYTES,
        max: PAIRING_SECRET_BYTES + MAX_SIGNATURE_BYTES,
      });
      return {
        phase: 'clientpairingsecret',
        uniqueId,
        clientSecret: bytes.subarray(0, PAIRING_SECRET_BYTES),
        signature: bytes.subarray(PAIRING_SECRET_BYTES),
      };
    }
    default: {
      const phrase = requiredParam(query, 'phrase');
      if (phrase === 'getservercert') return getServerCert(query, uniqueId);
      if (phrase === 'pairchallenge') return { phase: 'pairchallenge', uniqueId };
      throw bad(`unknown pairing phrase '${phrase.slice(0, 32)}'`);
    }
  }
}

export interface LaunchRequest {
  uniqueId: string;
  appId: number;
  width: number;
  height: number;
  fps: number;
  /** AES-128 key of every stream of the session. */
  rikey: Buffer;
  /** Key id as uint32 (clients send it as a signed int32): the base of the audio IV. */
  rikeyId: number;
  /** Channel count and mask (SURROUNDAUDIOINFO_FROM_AUDIO_CONFIGURATION); null when absent. */
  surroundAudioInfo: number | null;
  /** Play audio on the host too. */
  localAudioPlayMode: boolean;
}

function integerParam(query: URLSearchParams, name: string, min: number, max: number): number {
  const text = requiredParam(query, name);
  if (!/^-?\d{1,10}$/.test(text)) throw bad(`parameter '${name}' must be an integer`);
  const value = Number(text);
  if (value < min || value > max) throw bad(`parameter '${name}' must be in ${min}..${max}, got ${value}`);
  return value;
}

// Sizes a stream could sensibly have; the encoder checks what it really takes.
const MAX_DIMENSION = 16384;
const MAX_FPS = 1000;
const INT32_MIN = -(2 ** 31);
const UINT32_MAX = 2 ** 32 - 1;

function parseMode(text: string): { width: number; height: number; fps: number } {
  const match = /^(\d{1,5})x(\d{1,5})x(\d{1,4})$/.exec(text);
  if (!match) throw bad("parameter 'mode' must be <width>x<height>x<fps>");
  const [width, height, fps] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION) {
    throw bad(`parameter 'mode': width and height must be in 1..${MAX_DIMENSION}`);
  }
  if (fps < 1 || fps > MAX_FPS) throw bad(`parameter 'mode': fps must be in 1..${MAX_FPS}`);
  return { width, height, fps };
}

/** /launch and /resume. */
export function parseLaunchRequest(query: URLSearchParams): LaunchRequest {
  const uniqueId = clientUniqueId(query);
  const appId = integerParam(query, 'appid', 1, 2 ** 31 - 1);
  const mode = parseMode(requiredParam(query, 'mode'));
  const rikey = hexParam(query, 'rikey', { exact: 16 });
  const rikeyId = integerParam(query, 'rikeyid', INT32_MIN, UINT32_MAX) >>> 0;
  const surround = optionalParam(query, 'surroundAudioInfo');
  const surroundAudioInfo =
    surround === null ? null : integerParam(query, 'surroundAudioInfo', 0, UINT32_MAX);
  const localAudio = optionalParam(query, 'localAudioPlayMode');
  if (localAudio !== null && localAudio !== '0' && localAudio !== '1') {
    throw bad("parameter 'localAudioPlayMode' must be 0 or 1");
  }
  return {
    uniqueId,
    appId,
    ...mode,
    rikey,
    rikeyId,
    surroundAudioInfo,
    localAudioPlayMode: localAudio === '1',
  };
}
