// What the video and audio receivers share: a UDP socket on the loopback or
// any interface, the client's pings to the host's media ports, and seeded
// packet loss for tests.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { encodeMediaPing } from '@punktfunk/protocol';

/** Moonlight's ping interval on the video and audio ports (VideoStream.c, AudioStream.c). */
export const MEDIA_PING_INTERVAL_MS = 500;

/** A ping as moonlight-common-c sends it (the rule lives in @punktfunk/protocol, beside the host's check). */
export { encodeMediaPing as mediaPing } from '@punktfunk/protocol';

export async function openUdpSocket(remoteHost: string, recvBufferBytes: number): Promise<Socket> {
  const socket = createSocket({
    type: isIPv6(remoteHost) ? 'udp6' : 'udp4',
    recvBufferSize: recvBufferBytes,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/**
 * Pings `host:port` at once and then every intervalMs until stopped. With
 * `holdUntilData` only the first ping goes out until data arrives: a host
 * that streams then provably answered the first ping (tests).
 */
export class MediaPinger {
  sent = 0;
  /** Pings sent when the first datagram came back; null before. */
  pingsBeforeData: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
    private readonly payload: string | null,
    private readonly intervalMs = MEDIA_PING_INTERVAL_MS,
    private readonly onPing: () => void = () => {},
    private readonly holdUntilData = false,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.ping();
    if (!this.holdUntilData) this.startTimer();
  }

  /** The host sent something: note after how many pings, and ping on as usual. */
  dataArrived(): void {
    if (this.pingsBeforeData !== null) return;
    this.pingsBeforeData = this.sent;
    if (this.started) this.startTimer();
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.ping(), this.intervalMs);
  }

  private ping(): void {
    this.sent++;
    this.onPing();
    // Errors (an ICMP unreachable before the host binds) are the receive side's business, as in the client.
    this.socket.send(encodeMediaPing(this.payload, this.sent), this.port, this.host, () => {});
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.started = false;
  }
}

/** A seeded loss pattern (mulberry32), so a test's drops repeat run after run. */
export function seededDropper(rate: number, seed: number): () => boolean {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`dropRate must be within 0..1, got ${rate}`);
  let state = seed >>> 0;
  return () => {
    if (rate === 0) return false;
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return random < rate;
  };
}

/** The options of a receiver that pings the host's media port. */
export interface PingedPortOptions {
  host: string;
  port: number;
  pingPayload: string | null;
  pingIntervalMs?: number;
  /** Send one ping and no more until the host's first datagram (then every pingIntervalMs). */
  holdPingsUntilData?: boolean;
}

/** The pinger of a video or audio receiver, counting into its `pingsSent`. */
export function receiverPinger(
  socket: Socket,
  o: PingedPortOptions,
  counters: { pingsSent: number },
): MediaPinger {
  const onPing = () => {
    counters.pingsSent++;
  };
  return new MediaPinger(
    socket,
    o.host,
    o.port,
    o.pingPayload,
    o.pingIntervalMs,
    onPing,
    o.holdPingsUntilData,
  );
}
