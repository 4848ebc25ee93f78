// The GameStream worker's work between frames: watching the client's pings
// on the video port (where it is, whether it is still there) and pacing the
// audio lane (one Opus packet per packet duration). Both run in the frame
// loop's idle time, so neither adds to a frame's stages, and a stop request
// still wakes the loop at once.
import type { GameStreamAudioReport } from '@punktfunk/native';
import type { SessionControl } from '../core/control-block.js';
import type { FrameClock } from '../core/frame-clock.js';

/** What the lanes need of the addon's GameStream senders. */
export interface PingedSocket {
  pollPings(): { pings: number; remoteHost: string | null; remotePort: number | null };
  connectTo(remoteHost: string, remotePort: number): void;
}

export interface AudioPort extends PingedSocket {
  sendAudio(count: number): GameStreamAudioReport;
}

const formatAddress = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * A lane's client, as its pings tell: the first valid ping connects the
 * sender to its source; a ping from elsewhere (a client that roamed) moves it.
 */
export class PingWatch {
  private address: string | null = null;
  lastPingUs: number | null = null;

  constructor(
    private readonly socket: PingedSocket,
    private readonly onAddress: (address: string) => void,
  ) {}

  get connected(): boolean {
    return this.address !== null;
  }

  poll(nowUs: number): void {
    const seen = this.socket.pollPings();
    if (seen.pings === 0 || seen.remoteHost === null || seen.remotePort === null) return;
    this.pinged(seen.remoteHost, seen.remotePort, nowUs);
  }

  /** A ping from host:port: read here, or before the worker ran (the main thread held the port from SETUP). */
  pinged(remoteHost: string, remotePort: number, nowUs: number): void {
    this.lastPingUs = nowUs;
    const address = formatAddress(remoteHost, remotePort);
    if (address === this.address) return;
    this.socket.connectTo(remoteHost, remotePort);
    this.address = address;
    this.onAddress(address);
  }

  silentForUs(nowUs: number): number {
    return this.lastPingUs === null ? 0 : nowUs - this.lastPingUs;
  }
}

/** A backlog beyond this is skipped, not sent in a burst the client would drop anyway. */
const MAX_AUDIO_BACKLOG_PACKETS = 20;

/** Sends audio packets as they fall due, from the first audio ping on. */
export class AudioPump {
  private startUs: number | null = null;
  private sentPackets = 0;
  readonly watch: PingWatch;
  packets = 0;
  /** Packets sent as silence because the desktop capture was short of audio. */
  underruns = 0;

  constructor(
    private readonly audio: AudioPort,
    private readonly packetUs: number,
    onAddress: (address: string) => void,
  ) {
    this.watch = new PingWatch(audio, onAddress);
  }

  /** When the next packet is due (µs), or null while no client listens. */
  nextDueUs(): number | null {
    return this.startUs === null ? null : this.startUs + this.sentPackets * this.packetUs;
  }

  pump(nowUs: number): void {
    if (!this.watch.connected) return;
    this.startUs ??= nowUs;
    const due = Math.floor((nowUs - this.startUs) / this.packetUs) + 1;
    let backlog = due - this.sentPackets;
    if (backlog > MAX_AUDIO_BACKLOG_PACKETS) {
      this.sentPackets = due - 1;
      backlog = 1;
    }
    if (backlog <= 0) return;
    const report = this.audio.sendAudio(backlog);
    this.packets += report.packets;
    this.underruns += report.underruns;
    this.sentPackets += backlog;
  }
}

const PING_POLL_US = 50_000;

/**
 * The real clock, with the lanes' work done in its sleeps: a frame loop
 * sleeping until its next slot wakes for each audio packet and every 50 ms
 * for the pings.
 */
export class LaneClock implements FrameClock {
  readonly virtual = false;
  private nextPingPollUs = 0;

  constructor(
    private readonly monotonicUs: () => number,
    private readonly session: SessionControl,
    private readonly idle: { video: PingWatch; audio: AudioPump | null },
  ) {}

  nowUs(): number {
    return this.monotonicUs();
  }

  advance(): void {}

  sleepUntil(us: number): void {
    for (;;) {
      const now = this.monotonicUs();
      this.serviceLanes(now);
      if (now >= us || this.session.stopRequested()) return;
      const audioDue = this.idle.audio?.nextDueUs() ?? Number.POSITIVE_INFINITY;
      const wakeUs = Math.min(us, audioDue, this.nextPingPollUs);
      const waitMs = (wakeUs - now) / 1000;
      if (waitMs > 0) this.session.sleep(waitMs);
    }
  }

  private serviceLanes(nowUs: number): void {
    if (nowUs >= this.nextPingPollUs) {
      this.idle.video.poll(nowUs);
      this.idle.audio?.watch.poll(nowUs);
      this.nextPingPollUs = nowUs + PING_POLL_US;
    }
    this.idle.audio?.pump(nowUs);
  }
}
