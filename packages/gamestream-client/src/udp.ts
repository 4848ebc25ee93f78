// What the video and audio receivers share: a UDP socket on the loopback or
// any interface, the client's pings to the host's media ports, and seeded
// packet loss for tests.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Moonlight's ping interval on the video and audio ports (VideoStream.c, AudioStream.c). */
export const MEDIA_PING_INTERVAL_MS = 500;

/**
 * A ping as moonlight-common-c sends it: the 16-character X-SS-Ping-Payload
 * from RTSP SETUP and a BE32 counter from 1 (SS_PING, 20 bytes), or the
 * legacy "PING" when the host gave no payload.
 */
export function mediaPing(payload: string | null, counter: number): Buffer {
  if (!payload) return Buffer.from('PING', 'latin1');
  if (payload.length !== 16) throw new RangeError(`a ping payload has 16 characters, got ${payload.length}`);
  const ping = Buffer.alloc(20);
  ping.write(payload, 0, 'latin1');
  ping.writeUInt32BE(counter >>> 0, 16);
  return ping;
}

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

/** Pings `host:port` at once and then every intervalMs until stopped. */
export class MediaPinger {
  sent = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
    private readonly payload: string | null,
    private readonly intervalMs = MEDIA_PING_INTERVAL_MS,
    private readonly onPing: () => void = () => {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.ping();
    this.timer = setInterval(() => this.ping(), this.intervalMs);
  }

  private ping(): void {
    this.sent++;
    this.onPing();
    // Errors (an ICMP unreachable before the host binds) are the receive side's business, as in the client.
    this.socket.send(mediaPing(this.payload, this.sent), this.port, this.host, () => {});
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
