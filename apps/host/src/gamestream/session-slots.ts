// Per-session ports. Every concurrent GameStream session streams on a port
// set of its own, a "slot": RTSP (TCP), video, control and audio (UDP).
// Slot 0 has the configured ports (PUNKTFUNK_GS_RTSP_PORT 48010,
// PUNKTFUNK_GS_STREAM_PORT 47998-48000), open for the host's life, as
// firewall rules and older clients expect. Slot n ≥ 1 takes four ports from
// PUNKTFUNK_GS_SESSION_PORT_BASE (48100): video base + 4(n−1), control +1,
// audio +2, RTSP +3. Those lanes open when a launch takes the slot (the
// launch reply's sessionUrl0 names the RTSP port, the SETUP replies the
// others) and close once its launch record has ended and its stream stopped.
import type { GameStreamConfig } from '../config/index.js';
import type { GameStreamSessions } from './sessions.js';
import type { GameStreamStreamer } from './streamer.js';

export interface SlotPorts {
  rtsp: number;
  video: number;
  control: number;
  audio: number;
}

/** Ports per slot from PUNKTFUNK_GS_SESSION_PORT_BASE: video, control, audio, RTSP. */
export const PORTS_PER_SLOT = 4;

export function slotPorts(
  slot: number,
  config: Pick<GameStreamConfig, 'rtspPort' | 'streamPortBase' | 'sessionPortBase'>,
): SlotPorts {
  if (slot === 0) {
    const base = config.streamPortBase;
    return { rtsp: config.rtspPort, video: base, control: base + 1, audio: base + 2 };
  }
  const first = config.sessionPortBase + PORTS_PER_SLOT * (slot - 1);
  return { video: first, control: first + 1, audio: first + 2, rtsp: first + 3 };
}

/** One slot's open lanes. */
export interface SlotLanes {
  slot: number;
  /** The RTSP port as bound (slot 0 with PUNKTFUNK_GS_RTSP_PORT=0: the one the system gave). */
  rtspPort: number;
  streamer: GameStreamStreamer;
  close(): Promise<void>;
}

/** The open slots: slot 0 from start, the others while a launch record holds them. */
export class SessionSlots {
  private readonly opening = new Map<number, Promise<SlotLanes>>();
  private readonly opened = new Map<number, SlotLanes>();
  private readonly closing = new Map<number, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly openLanes: (slot: number) => Promise<SlotLanes>,
    sessions: GameStreamSessions,
  ) {
    this.unsubscribe = sessions.onChange((slot, session) => {
      if (slot > 0 && session === null) this.release(slot);
    });
  }

  /** The lanes of `slot`, opened now when they are not (after a previous holder's have closed). */
  async acquire(slot: number): Promise<SlotLanes> {
    await this.closing.get(slot);
    const known = this.opening.get(slot);
    if (known) return known;
    const opening = this.openLanes(slot).then((lanes) => {
      if (this.opening.get(slot) === opening) this.opened.set(slot, lanes);
      return lanes;
    });
    this.opening.set(slot, opening);
    opening.catch(() => {
      if (this.opening.get(slot) === opening) this.opening.delete(slot);
    });
    return opening;
  }

  /** The lanes open now. */
  lanes(): SlotLanes[] {
    return [...this.opened.values()];
  }

  /** The slot's record ended: its lanes close once its stream has ended (the termination goes out on them). */
  private release(slot: number): void {
    const opening = this.opening.get(slot);
    if (!opening) return;
    this.opening.delete(slot);
    this.opened.delete(slot);
    const closing = (async () => {
      // The slot's streamer hears of the end first (same change, its own listener) and starts the goodbye.
      await new Promise((resolve) => setImmediate(resolve));
      await (await opening.catch(() => null))?.close().catch(() => {});
    })();
    this.closing.set(slot, closing);
    void closing.finally(() => {
      if (this.closing.get(slot) === closing) this.closing.delete(slot);
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    const open = [...this.opening.values()];
    this.opening.clear();
    this.opened.clear();
    await Promise.all([
      ...open.map(async (lanes) => (await lanes.catch(() => null))?.close()),
      ...this.closing.values(),
    ]);
  }
}
