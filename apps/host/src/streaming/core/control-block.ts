// The control block: one SharedArrayBuffer created by the main thread and
// handed to every streaming worker. The worker reads it with Atomics.load
// once per frame, so arming a capture, stopping a session, forcing an IDR or
// changing the bitrate reaches the frame loop at the next frame, with no
// message round-trip and nothing async on the per-frame path.
//
// Layout (Int32 slots): a global header, then one fixed-size slot per session.

import type { KeyframeReason } from '@punktfunk/shared';

const GLOBAL_SLOTS = 4;
const GLOBAL_ARMED = 0;
/** Bumped on every arm/disarm: lets a loop notice a disarm-then-rearm between two frames. */
const GLOBAL_ARM_GENERATION = 1;

const SESSION_SLOTS = 5;
const SESSION_STOP = 0;
/** 0: no request; else the IDR_REASON_CODE of the first request since the loop last took one. */
const SESSION_FORCE_IDR = 1;
const SESSION_TARGET_BITRATE_KBPS = 2;
/** Woken with Atomics.notify so a sleeping frame loop stops at once. */
const SESSION_WAKE = 3;
/** BITRATE_CAUSE_CODE of the last target written (the event lane says who changed it). */
const SESSION_BITRATE_CAUSE = 4;

/** Why a keyframe was asked for (the event lane's KeyframeReason, less 'encoder', which nobody asks). */
export type IdrReason = Exclude<KeyframeReason, 'encoder'>;
const IDR_REASONS: readonly IdrReason[] = ['start', 'client-request', 'loss-recovery'];

/** Who set a session's target bitrate. */
export type BitrateCause = 'client' | 'congestion-control' | 'operator';
const BITRATE_CAUSES: readonly BitrateCause[] = ['client', 'congestion-control', 'operator'];

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
    Atomics.store(this.view, this.base + SESSION_BITRATE_CAUSE, 0);
  }

  requestStop(): void {
    Atomics.store(this.view, this.base + SESSION_STOP, 1);
    this.wake();
  }

  stopRequested(): boolean {
    return Atomics.load(this.view, this.base + SESSION_STOP) === 1;
  }

  /** Asks for a keyframe; requests before the loop takes one merge, and the first one's reason is kept. */
  requestIdr(reason: IdrReason = 'client-request'): void {
    Atomics.compareExchange(this.view, this.base + SESSION_FORCE_IDR, 0, IDR_REASONS.indexOf(reason) + 1);
  }

  /** The pending request's reason, once per request (the loop consumes it); null when none. */
  takeIdrRequest(): IdrReason | null {
    const code = Atomics.exchange(this.view, this.base + SESSION_FORCE_IDR, 0);
    return code === 0 ? null : (IDR_REASONS[code - 1] ?? 'client-request');
  }

  setTargetBitrateKbps(kbps: number, cause: BitrateCause = 'client'): void {
    Atomics.store(this.view, this.base + SESSION_BITRATE_CAUSE, BITRATE_CAUSES.indexOf(cause) + 1);
    Atomics.store(this.view, this.base + SESSION_TARGET_BITRATE_KBPS, kbps);
  }

  /** Who wrote the current target; null for the session's starting target. */
  bitrateCause(): BitrateCause | null {
    return BITRATE_CAUSES[Atomics.load(this.view, this.base + SESSION_BITRATE_CAUSE) - 1] ?? null;
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
