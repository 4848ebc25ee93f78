// The frame loop's clock. Real: the engine's monotonic clock, sleeping on the
// session's control slot (so a stop request wakes it). Virtual: time advances
// only by the stage costs a trace declares, so replayed stats are exact.
import type { SessionControl } from './control-block.js';

export interface FrameClock {
  readonly virtual: boolean;
  nowUs(): number;
  /** Real clocks sleep until `us`; virtual clocks jump there. */
  sleepUntil(us: number): void;
  /** Virtual clocks move forward by a declared cost; real clocks ignore it (time passed by itself). */
  advance(us: number): void;
}

export class RealClock implements FrameClock {
  readonly virtual = false;
  constructor(
    private readonly monotonicUs: () => number,
    private readonly session: SessionControl,
  ) {}

  nowUs(): number {
    return this.monotonicUs();
  }

  sleepUntil(us: number): void {
    const waitMs = (us - this.monotonicUs()) / 1000;
    if (waitMs > 0) this.session.sleep(waitMs);
  }

  advance(): void {}
}

export class VirtualClock implements FrameClock {
  readonly virtual = true;
  constructor(private nowValueUs = 0) {}

  nowUs(): number {
    return this.nowValueUs;
  }

  sleepUntil(us: number): void {
    this.nowValueUs = Math.max(this.nowValueUs, us);
  }

  advance(us: number): void {
    this.nowValueUs += us;
  }
}
