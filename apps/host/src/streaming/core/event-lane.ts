// A worker's part of the capture's event lane: keyframes (and why), bitrate
// changes, and what the client's reports show (loss bursts, RTT spikes).
// Events are rare, so they are kept in a plain array and posted in one
// message with the window's sample; a frame without an event allocates
// nothing here. Only an armed capture takes them (the loop clears the lane
// on every arm or disarm).
import type { KeyframeReason, PendingTimelineEvent, TimelineEventType } from '@punktfunk/shared';
import type { IdrReason } from './control-block.js';

type Details = PendingTimelineEvent['details'];

const KEYFRAME_WORDS: Record<KeyframeReason, string> = {
  start: 'stream start',
  'client-request': 'client request',
  'loss-recovery': 'loss recovery',
  encoder: "the encoder's own",
};

export class WorkerEventLane {
  private pending: PendingTimelineEvent[] = [];
  /**
   * Why the next keyframe the encoder hands back was asked for. A session's
   * first keyframe is its start; a keyframe nobody asked for is the encoder's.
   * Kept across frames: an encoder with a delay (SVT-AV1) hands it back later.
   */
  private requested: IdrReason | null = 'start';

  constructor(private readonly sessionId: string) {}

  get size(): number {
    return this.pending.length;
  }

  add(monoUs: number, type: TimelineEventType, summary: string, details: Details): void {
    this.pending.push({ monoUs, sessionId: this.sessionId, type, summary, details });
  }

  /** The loop forced an IDR for `reason` (the first reason since the last keyframe is kept). */
  noteIdrRequest(reason: IdrReason): void {
    this.requested ??= reason;
  }

  /** A keyframe went out; `record` false (not armed) only settles its reason. */
  noteKeyframe(monoUs: number, frameIndex: number, record: boolean): void {
    const reason: KeyframeReason = this.requested ?? 'encoder';
    this.requested = null;
    if (record) this.add(monoUs, 'keyframe', `keyframe (${KEYFRAME_WORDS[reason]})`, { reason, frameIndex });
  }

  /** The batch so far, and an empty lane; null when there is nothing to post. */
  take(): PendingTimelineEvent[] | null {
    if (this.pending.length === 0) return null;
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  clear(): void {
    if (this.pending.length > 0) this.pending = [];
  }
}
