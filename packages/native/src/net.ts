// The typed facade over the native punktfunk/1 media path (native/src/net):
// MediaSender on the host, MediaReceiver on the client. Options are checked
// here before any native call; docs/protocol-punktfunk1.md is the wire format.
import {
  addon,
  type NativeMediaReceiver,
  type NativeMediaReceiverOptions,
  type NativeMediaSender,
  type NativeMediaSenderOptions,
} from './binding.js';
import { checkAddress, checkBytes, checkInteger, checkNumber, fail } from './checks.js';

export const NET_LIMITS = {
  minShardBytes: 256,
  // 1400 + 48 bytes of header and tag + 48 of IPv6/UDP fit a 1500-byte MTU.
  maxShardBytes: 1400,
  maxDataShardsPerBlock: 254,
  // A whole frame interval at 10 fps; pacing longer than that delays the next frame.
  maxSpreadUs: 100_000,
  maxBurstPackets: 1024,
  maxWindowFrames: 1024,
  maxFrameBytes: 64 * 2 ** 20,
  maxFrameIndex: 2 ** 32 - 1,
} as const;

export interface MediaSenderOptions {
  /** Numeric IPv4 or IPv6 address (resolve names first: no DNS on the hot path). */
  remoteHost: string;
  remotePort: number;
  /** AES-GCM key, 16 or 32 bytes, from the control channel. */
  key: Uint8Array;
  /** 4-byte nonce salt, from the control channel. */
  salt: Uint8Array;
  /** Payload bytes per datagram, 256..1400; default 1200. */
  shardBytes?: number;
  /** Parity shards per block as a percentage of its data shards, 0..100; default 20. */
  fecPercent?: number;
  /** Default 128 (rs.c's limit is 255 shards per block, parity included). */
  maxDataShardsPerBlock?: number;
  /** Spread each frame's datagrams over this many µs; 0 = no pacing. Default: a quarter of 1/fps. */
  spreadUs?: number;
  /** Used for the default spreadUs; default 60. */
  fps?: number;
  /** Datagrams per paced burst, 1..1024; default 64. */
  burstPackets?: number;
}

export interface FrameSendReport {
  /** Datagrams of the frame, parity included. */
  packets: number;
  parityPackets: number;
  /** All datagram bytes: 32-byte header + ciphertext + 16-byte tag each. */
  wireBytes: number;
  fecUs: number;
  sealUs: number;
  /** Time inside sendmmsg (and waits for socket buffer space). */
  socketUs: number;
  /** The whole call: packetize, FEC, seal and paced sending. */
  sendUs: number;
  /** Kernel refusals (EAGAIN, ENOBUFS, ECONNREFUSED, unreachable), each retried. */
  refused: number;
  /** Datagrams dropped after their retries ran out. */
  unsent: number;
  /** monotonicUs() when the frame's last datagram was handed to the kernel. */
  lastPacketMonoUs: number;
}

export interface MediaReceiverOptions {
  /** Default '::' (dual-stack: IPv4 senders too). */
  localAddress?: string;
  /** 0 lets the kernel pick; read it back from `localPort`. */
  localPort?: number;
  key: Uint8Array;
  salt: Uint8Array;
  /** Injected loss before reassembly, 0..1 (tests, FEC experiments); default 0. */
  dropRate?: number;
  /** Seed of the injected loss, so a run repeats exactly; default 1. */
  dropSeed?: number;
  /** Frames assembled at once; older ones are given up. 1..1024, default 16. */
  windowFrames?: number;
  /** Larger announced frames are rejected; default 32 MiB. */
  maxFrameBytes?: number;
}

export interface ReceivedFrame {
  frameIndex: number;
  /** The access unit, padding trimmed; native memory, not copied. */
  data: Buffer;
  keyframe: boolean;
  captureStartUs: number;
  recoveredByFec: boolean;
  /** monotonicUs() when the frame became complete. */
  receivedMonoUs: number;
}

export interface ReceiverCounters {
  datagrams: number;
  /** Dropped by the injected loss (dropRate). */
  dropped: number;
  authFailures: number;
  malformed: number;
  duplicates: number;
  late: number;
  framesCompleted: number;
  framesLost: number;
  fecRecoveredFrames: number;
}

export interface PollResult {
  frames: ReceivedFrame[];
  counters: ReceiverCounters;
}

function checkKeys(what: string, o: { key: unknown; salt: unknown }): void {
  checkBytes(what, 'key', o.key, [16, 32]);
  checkBytes(what, 'salt', o.salt, [4]);
}

export function validateMediaSenderOptions(o: MediaSenderOptions): NativeMediaSenderOptions {
  const what = 'media sender options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkAddress(what, 'remoteHost', o.remoteHost);
  checkInteger(what, 'remotePort', o.remotePort, 1, 65535);
  checkKeys(what, o);
  const shardBytes = o.shardBytes ?? 1200;
  checkInteger(what, 'shardBytes', shardBytes, NET_LIMITS.minShardBytes, NET_LIMITS.maxShardBytes);
  const fecPercent = o.fecPercent ?? 20;
  checkInteger(what, 'fecPercent', fecPercent, 0, 100);
  const maxDataShardsPerBlock = o.maxDataShardsPerBlock ?? 128;
  checkInteger(what, 'maxDataShardsPerBlock', maxDataShardsPerBlock, 1, NET_LIMITS.maxDataShardsPerBlock);
  const fps = o.fps ?? 60;
  checkInteger(what, 'fps', fps, 1, 1000);
  const spreadUs = o.spreadUs ?? Math.round(1_000_000 / fps / 4);
  checkInteger(what, 'spreadUs', spreadUs, 0, NET_LIMITS.maxSpreadUs);
  const burstPackets = o.burstPackets ?? 64;
  checkInteger(what, 'burstPackets', burstPackets, 1, NET_LIMITS.maxBurstPackets);
  return {
    remoteHost: o.remoteHost,
    remotePort: o.remotePort,
    key: o.key,
    salt: o.salt,
    shardBytes,
    fecPercent,
    maxDataShardsPerBlock,
    spreadUs,
    burstPackets,
  };
}

export function validateMediaReceiverOptions(o: MediaReceiverOptions): NativeMediaReceiverOptions {
  const what = 'media receiver options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const localAddress = o.localAddress ?? '::';
  checkAddress(what, 'localAddress', localAddress);
  const localPort = o.localPort ?? 0;
  checkInteger(what, 'localPort', localPort, 0, 65535);
  checkKeys(what, o);
  const dropRate = o.dropRate ?? 0;
  checkNumber(what, 'dropRate', dropRate, 0, 1);
  const dropSeed = o.dropSeed ?? 1;
  checkInteger(what, 'dropSeed', dropSeed, 0, Number.MAX_SAFE_INTEGER);
  const windowFrames = o.windowFrames ?? 16;
  checkInteger(what, 'windowFrames', windowFrames, 1, NET_LIMITS.maxWindowFrames);
  const maxFrameBytes = o.maxFrameBytes ?? 32 * 2 ** 20;
  checkInteger(what, 'maxFrameBytes', maxFrameBytes, 1, NET_LIMITS.maxFrameBytes);
  return {
    localAddress,
    localPort,
    key: o.key,
    salt: o.salt,
    dropRate,
    dropSeed,
    windowFrames,
    maxFrameBytes,
  };
}

/** Sends encoded frames as punktfunk/1 datagrams: FEC, AES-GCM, paced sendmmsg. */
export class MediaSender {
  private readonly handle: NativeMediaSender;

  constructor(options: MediaSenderOptions) {
    this.handle = new addon.MediaSender(validateMediaSenderOptions(options));
  }

  /**
   * Packetizes, protects and sends one access unit, synchronously (it returns
   * after the paced send, up to spreadUs later). `data` is read in place.
   */
  sendFrame(
    data: Uint8Array,
    frameIndex: number,
    keyframe: boolean,
    captureStartUs: number,
  ): FrameSendReport {
    const what = 'sendFrame arguments';
    if (!(data instanceof Uint8Array) || data.length === 0) fail(what, 'data must be a non-empty Uint8Array');
    checkInteger(what, 'frameIndex', frameIndex, 0, NET_LIMITS.maxFrameIndex);
    if (typeof keyframe !== 'boolean') fail(what, 'keyframe must be a boolean');
    checkInteger(what, 'captureStartUs', captureStartUs, 0, Number.MAX_SAFE_INTEGER);
    return this.handle.sendFrame(data, frameIndex, keyframe, captureStartUs);
  }

  /** Takes effect from the next frame. */
  setFecPercent(fecPercent: number): void {
    checkInteger('fecPercent', 'fecPercent', fecPercent, 0, 100);
    this.handle.setFecPercent(fecPercent);
  }

  /** The sending socket's local port (ephemeral). */
  get localPort(): number {
    return this.handle.localPort();
  }

  close(): void {
    this.handle.close();
  }
}

/** Receives punktfunk/1 datagrams and hands back complete frames, in order. */
export class MediaReceiver {
  private readonly handle: NativeMediaReceiver;

  constructor(options: MediaReceiverOptions) {
    this.handle = new addon.MediaReceiver(validateMediaReceiverOptions(options));
  }

  get localPort(): number {
    return this.handle.localPort();
  }

  /**
   * Reads and reassembles until at least one frame is complete or timeoutMs
   * has passed (0: only what is queued already). Blocks the calling thread.
   */
  poll(timeoutMs = 0): PollResult {
    checkInteger('poll arguments', 'timeoutMs', timeoutMs, 0, 60_000);
    return this.handle.poll(timeoutMs);
  }

  counters(): ReceiverCounters {
    return this.handle.counters();
  }

  close(): void {
    this.handle.close();
  }
}
