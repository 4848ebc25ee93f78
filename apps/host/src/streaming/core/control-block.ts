// The control block: one SharedArrayBuffer created by the main thread and
// handed to every streaming worker. The worker reads it with Atomics.load
// once per frame, so arming a capture, stopping a session, forcing an IDR or
// changing the bitrate reaches the frame loop at the next frame, with no
// message round-trip and nothing async on the per-frame path.
//
// Layout (Int32 slots): a global header, then one fixed-size slot per session.

const GLOBAL_SLOTS = 4;
const GLOBAL_ARMED = 0;
/** Bumped on every arm/disarm: lets a loop notice a disarm-then-rearm between two frames. */
const GLOBAL_ARM_GENERATION = 1;

const SESSION_SLOTS = 4;
const SESSION_STOP = 0;
const SESSION_FORCE_IDR = 1;
const SESSION_TARGET_BITRATE_KBPS = 2;
/** Woken with Atomics.notify so a sleeping frame loop stops at once. */
const SESSION_WAKE = 3;

export const MAX_SESSIONS = 32;

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  private readonly view: Int32Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer((GLOBAL_SLOTS + MAX_SESSIONS * SESSION_SLOTS) * 4);
    this.view = new Int32Array(this.buffer);
  }

  isArmed(): boolean {
    return Atomics.load(this.view, GLOBAL_ARMED) === 1;
  }

  armGeneration(): number {
    return Atomics.load(this.view, GLOBAL_ARM_GENERATION);
  }

  setArmed(armed: boolean): void {
    Atomics.store(this.view, GLOBAL_ARMED, armed ? 1 : 0);
    Atomics.add(this.view, GLOBAL_ARM_GENERATION, 1);
  }

  session(slot: number): SessionControl {
    if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SESSIONS) {
      throw new RangeError(`session slot must be 0..${MAX_SESSIONS - 1}, got ${slot}`);
    }
    return new SessionControl(this.view, GLOBAL_SLOTS + slot * SESSION_SLOTS);
  }
}

/** One session's part of the control block. */
export class SessionControl {
  constructor(
    private readonly view: Int32Array,
    private readonly base: number,
  ) {}

  reset(targetBitrateKbps: number): void {
    Atomics.store(this.view, this.base + SESSION_STOP, 0);
    Atomics.store(this.view, this.base + SESSION_FORCE_IDR, 0);
    Atomics.store(this.view, this.base + SESSION_TARGET_BITRATE_KBPS, targetBitrateKbps);
  }

  requestStop(): void {
    Atomics.store(this.view, this.base + SESSION_STOP, 1);
    this.wake();
  }

  stopRequested(): boolean {
    return Atomics.load(this.view, this.base + SESSION_STOP) === 1;
  }

  requestIdr(): void {
    Atomics.store(this.view, this.base + SESSION_FORCE_IDR, 1);
  }

  /** True once per request: the loop consumes it. */
  takeIdrRequest(): boolean {
    return Atomics.exchange(this.view, this.base + SESSION_FORCE_IDR, 0) === 1;
  }

  setTargetBitrateKbps(kbps: number): void {
    Atomics.store(this.view, this.base + SESSION_TARGET_BITRATE_KBPS, kbps);
  }

  targetBitrateKbps(): number {
    return Atomics.load(this.view, this.base + SESSION_TARGET_BITRATE_KBPS);
  }

  /** Sleeps up to `ms` (the frame loop's pacing), returning early on wake(). */
  sleep(ms: number): void {
    if (ms <= 0) return;
    const seen = Atomics.load(this.view, this.base + SESSION_WAKE);
    Atomics.wait(this.view, this.base + SESSION_WAKE, seen, ms);
  }

  wake(): void {
    Atomics.add(this.view, this.base + SESSION_WAKE, 1);
    Atomics.notify(this.view, this.base + SESSION_WAKE);
  }
}
