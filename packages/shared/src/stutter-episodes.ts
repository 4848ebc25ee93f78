// Stutter frames grouped into episodes, and the events around each: what an
// operator reads first ("4 stutters, 2 at keyframes, one right after a
// bitrate drop"). Built during the analysis pass, one draft per session open
// at a time; episodes are few, so they may be objects.
import { GAMESTREAM_STAGES, NATIVE_STAGES, type PathKind, type StageName } from './stats.js';
import { FRAME_STAGE_SLOTS, type FrameColumns, type TimelineEvent } from './timeline.js';

/**
 * Stutter frames of a session less than this apart (from the end of one to
 * the start of the next) are one episode: a player feels a burst of hitches
 * within half a second as one stutter, and counting each would inflate the
 * rate the verdict reads.
 */
export const STUTTER_EPISODE_JOIN_US = 500_000;
/** Events this close to an episode (before its start or after its end) are listed with it. */
export const EPISODE_EVENT_WINDOW_MS = 1_000;
/** At most this many events per episode (a loss burst can bring hundreds); `moreEvents` counts the rest. */
export const MAX_EPISODE_EVENTS = 50;

export interface StutterEpisode {
  sessionIndex: number;
  sessionId: string;
  /** µs since arming: the capture start of its first stutter frame (for a delivery gap, the end of the frame before it). */
  startUs: number;
  /** µs since arming: the end (capture start + frame time) of its last stutter frame. */
  endUs: number;
  /** Positions in the FrameColumns of its stutter frames, in order (frameIndex[record] gives the session's frame index). */
  records: number[];
  /** Frames longer than STUTTER_BUDGET_FACTOR × budget, and frames that began after a delivery gap (a frame can be both). */
  slowFrames: number;
  gapFrames: number;
  /** The longest frame of the episode. */
  worstRecord: number;
  worstFrameIndex: number;
  worstFrameTimeUs: number;
  /** The longest delivery gap in it; null when it has none. */
  worstGapUs: number | null;
  /** The longest stage of the worst frame (the session path's stage names); null when no frame of it was slow. */
  dominantStage: StageName | null;
  dominantStageUs: number | null;
  /** A keyframe among its frames or the session's frame right before it. */
  keyframe: boolean;
  /** Events of its session (and host-wide ones) within EPISODE_EVENT_WINDOW_MS, by time. */
  events: TimelineEvent[];
  moreEvents: number;
}

/** An episode while the pass still adds to it. */
export class EpisodeDraft {
  readonly records: number[] = [];
  endUs = 0;
  slowFrames = 0;
  gapFrames = 0;
  worstRecord = -1;
  worstFrameTimeUs = -1;
  worstGapUs = -1;
  keyframe: boolean;

  constructor(
    readonly sessionIndex: number,
    readonly startUs: number,
    keyframeBefore: boolean,
  ) {
    this.keyframe = keyframeBefore;
  }

  add(record: number, endUs: number, frameTimeUs: number, slow: boolean, gapUs: number, key: boolean): void {
    this.records.push(record);
    this.endUs = Math.max(this.endUs, endUs);
    if (key) this.keyframe = true;
    if (frameTimeUs > this.worstFrameTimeUs) {
      this.worstFrameTimeUs = frameTimeUs;
      this.worstRecord = record;
    }
    if (slow) this.slowFrames++;
    if (gapUs >= 0) {
      this.gapFrames++;
      if (gapUs > this.worstGapUs) this.worstGapUs = gapUs;
    }
  }

  finish(columns: FrameColumns, session: { sessionId: string; kind: PathKind }): StutterEpisode {
    // A slow frame outlasts every frame that is not, so with any slow frame the worst one is slow.
    const dominant = dominantStage(columns, this.slowFrames > 0 ? this.worstRecord : -1, session.kind);
    return {
      sessionIndex: this.sessionIndex,
      sessionId: session.sessionId,
      startUs: this.startUs,
      endUs: this.endUs,
      records: this.records,
      slowFrames: this.slowFrames,
      gapFrames: this.gapFrames,
      worstRecord: this.worstRecord,
      worstFrameIndex: columns.frameIndex[this.worstRecord] as number,
      worstFrameTimeUs: this.worstFrameTimeUs,
      worstGapUs: this.worstGapUs >= 0 ? this.worstGapUs : null,
      dominantStage: dominant?.stage ?? null,
      dominantStageUs: dominant?.us ?? null,
      keyframe: this.keyframe,
      events: [],
      moreEvents: 0,
    };
  }
}

function dominantStage(
  columns: FrameColumns,
  record: number,
  kind: PathKind,
): { stage: StageName; us: number } | null {
  if (record < 0) return null;
  const names = kind === 'gamestream' ? GAMESTREAM_STAGES : NATIVE_STAGES;
  let best = -1;
  let bestUs = 0;
  for (let s = 0; s < FRAME_STAGE_SLOTS; s++) {
    const us = columns.stagesUs[record * FRAME_STAGE_SLOTS + s] as number;
    if (us > bestUs) {
      bestUs = us;
      best = s;
    }
  }
  return best < 0 ? null : { stage: names[best] as StageName, us: bestUs };
}

/** Lists the events near each episode; events need not be sorted. */
export function attachEvents(episodes: StutterEpisode[], events: readonly TimelineEvent[]): void {
  if (episodes.length === 0 || events.length === 0) return;
  const byTime = [...events].sort((a, b) => a.tMs - b.tMs);
  for (const episode of episodes) {
    const fromMs = episode.startUs / 1000 - EPISODE_EVENT_WINDOW_MS;
    const toMs = episode.endUs / 1000 + EPISODE_EVENT_WINDOW_MS;
    for (let i = firstAtOrAfter(byTime, fromMs); i < byTime.length; i++) {
      const event = byTime[i] as TimelineEvent;
      if (event.tMs > toMs) break;
      if (event.sessionId !== null && event.sessionId !== episode.sessionId) continue;
      if (episode.events.length < MAX_EPISODE_EVENTS) episode.events.push(event);
      else episode.moreEvents++;
    }
  }
}

function firstAtOrAfter(sorted: readonly TimelineEvent[], tMs: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as TimelineEvent).tMs < tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
