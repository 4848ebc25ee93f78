// The stutter analysis of a frame timeline: frame times, stutter frames
// grouped into episodes, and summary figures and a histogram per session.
// One pass over the columns (typed arrays, nothing per frame is an object),
// so the console can run it on 648,000 frames in the browser and the host
// on stop. No runtime dependencies. Definitions: docs/stats-verdict.md.
import { FrameTimeCounter, type FrameTimeHistogram } from './frame-time-counter.js';
import type { SessionInfo } from './stats.js';
import {
  attachEvents,
  EpisodeDraft,
  STUTTER_EPISODE_JOIN_US,
  type StutterEpisode,
} from './stutter-episodes.js';
import { FRAME_FLAG_KEYFRAME, FRAME_STAGE_SLOTS, type FrameColumns, type TimelineEvent } from './timeline.js';

export {
  type FrameTimeHistogram,
  HISTOGRAM_BIN_US,
  HISTOGRAM_RANGE_BUDGETS,
} from './frame-time-counter.js';
export {
  EPISODE_EVENT_WINDOW_MS,
  MAX_EPISODE_EVENTS,
  STUTTER_EPISODE_JOIN_US,
  type StutterEpisode,
} from './stutter-episodes.js';

/** A frame is slow past this many frame budgets; a delivery gap longer than this many budgets is a stutter too. */
export const STUTTER_BUDGET_FACTOR = 2;
/** Bits of FrameAnalysis.stutterFlags. */
export const STUTTER_SLOW = 1;
export const STUTTER_GAP = 2;

/** What the analysis needs of meta.sessions (indexed by the records' sessionIndex). */
export type AnalysisSession = Pick<SessionInfo, 'sessionId' | 'fps' | 'kind'>;

export interface SessionFrameStats {
  sessionIndex: number;
  sessionId: string;
  fps: number;
  /** 1e6 / fps. */
  budgetUs: number;
  frames: number;
  /** Frames with a measured host time (the others' frame time is the sum of their stages). */
  hostMeasuredFrames: number;
  keyframes: number;
  /** Capture start of its first frame and end of its last, µs since arming; null without frames. */
  firstStartUs: number | null;
  lastEndUs: number | null;
  /** Frame-time figures in µs (nearest-rank percentiles); null without frames. */
  meanUs: number | null;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  /** The 0.1 % low (CapFrameX's P0.1): the shortest frame time among the worst 0.1 % of frames (at least one frame), and it as fps. */
  low01FrameTimeUs: number | null;
  low01Fps: number | null;
  slowFrames: number;
  gapFrames: number;
  episodes: number;
  /** Episodes with a keyframe in them or right before them. */
  episodesAtKeyframes: number;
  /** Episodes per minute of the session's span on the timeline (first start → last end); null without frames. */
  episodesPerMinute: number | null;
  histogram: FrameTimeHistogram;
}

export interface FrameAnalysis {
  /** Per record: its frame time in µs (host time where measured, else the sum of its stages). */
  frameTimesUs: Float64Array;
  /** Per record: STUTTER_SLOW | STUTTER_GAP bits, 0 for a good frame. */
  stutterFlags: Uint8Array;
  /** One per entry of the sessions given (same order), frames or not. */
  sessions: SessionFrameStats[];
  /** All sessions' episodes, by start. */
  episodes: StutterEpisode[];
}

export class FrameAnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameAnalysisError';
  }
}

export function frameBudgetUs(fps: number): number {
  return 1e6 / fps;
}

/** The frame time of record `i`: its host time, or where that was not measured, the sum of its stages. */
export function frameTimeUs(columns: FrameColumns, i: number): number {
  const hostUs = columns.hostUs[i] as number;
  if (!Number.isNaN(hostUs)) return hostUs;
  let sum = 0;
  for (let s = 0; s < FRAME_STAGE_SLOTS; s++) sum += columns.stagesUs[i * FRAME_STAGE_SLOTS + s] as number;
  return sum;
}

/**
 * Analyses `columns` (records of the sessions `sessions`, as in meta.sessions)
 * and lists `events` near each stutter episode. Throws FrameAnalysisError on
 * columns shorter than their count, a record naming a session not given, or
 * a session without a positive fps.
 */
export function analyzeFrames(
  columns: FrameColumns,
  sessions: readonly AnalysisSession[],
  events: readonly TimelineEvent[] = [],
): FrameAnalysis {
  checkInput(columns, sessions);
  const pass = new AnalysisPass(columns, sessions);
  pass.run();
  const episodes = pass.episodes();
  attachEvents(episodes, events);
  return {
    frameTimesUs: pass.frameTimesUs,
    stutterFlags: pass.stutterFlags,
    sessions: sessions.map((session, index) => pass.sessionStats(index, session, episodes)),
    episodes,
  };
}

function checkInput(columns: FrameColumns, sessions: readonly AnalysisSession[]): void {
  const n = columns.count;
  const short = (['captureStartUs', 'frameIndex', 'hostUs', 'sessionIndex', 'flags'] as const).find(
    (key) => columns[key].length < n,
  );
  if (short) throw new FrameAnalysisError(`frame columns: ${short} holds fewer than ${n} frames`);
  if (columns.stagesUs.length < n * FRAME_STAGE_SLOTS) {
    throw new FrameAnalysisError(
      `frame columns: stagesUs holds fewer than ${n} × ${FRAME_STAGE_SLOTS} stages`,
    );
  }
  sessions.forEach((session, index) => {
    if (!(Number.isFinite(session.fps) && session.fps > 0)) {
      throw new FrameAnalysisError(
        `session ${index} (${session.sessionId}): fps ${session.fps} is not positive`,
      );
    }
  });
}

/** The single pass: per-session state in typed arrays, one draft episode open per session. */
class AnalysisPass {
  readonly frameTimesUs: Float64Array;
  readonly stutterFlags: Uint8Array;
  private readonly limitUs: Float64Array;
  private readonly prevEndUs: Float64Array;
  private readonly prevRecord: Int32Array;
  private readonly prevSlow: Uint8Array;
  private readonly firstStartUs: Float64Array;
  private readonly lastEndUs: Float64Array;
  private readonly hostMeasured: Uint32Array;
  private readonly keyframes: Uint32Array;
  private readonly slowFrames: Uint32Array;
  private readonly gapFrames: Uint32Array;
  private readonly counters: (FrameTimeCounter | null)[];
  private readonly open: (EpisodeDraft | null)[];
  private readonly closed: EpisodeDraft[] = [];

  constructor(
    private readonly columns: FrameColumns,
    private readonly sessions: readonly AnalysisSession[],
  ) {
    const n = sessions.length;
    this.frameTimesUs = new Float64Array(columns.count);
    this.stutterFlags = new Uint8Array(columns.count);
    this.limitUs = Float64Array.from(sessions, (s) => STUTTER_BUDGET_FACTOR * frameBudgetUs(s.fps));
    this.prevEndUs = new Float64Array(n);
    this.prevRecord = new Int32Array(n).fill(-1);
    this.prevSlow = new Uint8Array(n);
    this.firstStartUs = new Float64Array(n);
    this.lastEndUs = new Float64Array(n);
    this.hostMeasured = new Uint32Array(n);
    this.keyframes = new Uint32Array(n);
    this.slowFrames = new Uint32Array(n);
    this.gapFrames = new Uint32Array(n);
    this.counters = sessions.map(() => null);
    this.open = sessions.map(() => null);
  }

  /** Every record once. Hot: the columns and per-session arrays are locals, a frame costs no call but the counter's. */
  run(): void {
    const { count, sessionIndex, hostUs, captureStartUs, flags } = this.columns;
    const { frameTimesUs, limitUs, prevEndUs, prevRecord, prevSlow, firstStartUs, lastEndUs } = this;
    const { hostMeasured, keyframes } = this;
    const sessionCount = this.sessions.length;
    for (let i = 0; i < count; i++) {
      const s = sessionIndex[i] as number;
      if (s >= sessionCount) {
        throw new FrameAnalysisError(
          `frame record ${i} names session ${s}, but the capture lists ${sessionCount}`,
        );
      }
      let timeUs = hostUs[i] as number;
      if (Number.isNaN(timeUs)) timeUs = frameTimeUs(this.columns, i);
      else hostMeasured[s] = (hostMeasured[s] as number) + 1;
      frameTimesUs[i] = timeUs;
      (this.counters[s] ?? this.newCounter(s)).add(timeUs);
      const startUs = captureStartUs[i] as number;
      const endUs = startUs + timeUs;
      const key = ((flags[i] as number) & FRAME_FLAG_KEYFRAME) !== 0;
      if (key) keyframes[s] = (keyframes[s] as number) + 1;
      const limit = limitUs[s] as number;
      const slow = timeUs > limit;
      const prev = prevRecord[s] as number;
      if (prev < 0) {
        firstStartUs[s] = startUs;
        lastEndUs[s] = endUs;
      } else if (endUs > (lastEndUs[s] as number)) lastEndUs[s] = endUs;
      // A gap after a slow frame is that frame's stutter, not a new one.
      const gapUs = prev >= 0 && prevSlow[s] === 0 ? startUs - (prevEndUs[s] as number) : -1;
      const gap = gapUs > limit;
      if (slow || gap) this.stutter(i, s, slow, gap ? gapUs : -1, startUs, timeUs, key);
      prevEndUs[s] = endUs;
      prevRecord[s] = i;
      prevSlow[s] = slow ? 1 : 0;
    }
  }

  private newCounter(s: number): FrameTimeCounter {
    const counter = new FrameTimeCounter(frameBudgetUs((this.sessions[s] as AnalysisSession).fps));
    this.counters[s] = counter;
    return counter;
  }

  private stutter(
    i: number,
    s: number,
    slow: boolean,
    gapUs: number,
    startUs: number,
    timeUs: number,
    key: boolean,
  ) {
    this.stutterFlags[i] = (slow ? STUTTER_SLOW : 0) | (gapUs >= 0 ? STUTTER_GAP : 0);
    if (slow) this.slowFrames[s] = (this.slowFrames[s] as number) + 1;
    if (gapUs >= 0) this.gapFrames[s] = (this.gapFrames[s] as number) + 1;
    const stutterStartUs = gapUs >= 0 ? startUs - gapUs : startUs;
    let draft = this.open[s];
    if (!draft || stutterStartUs - draft.endUs >= STUTTER_EPISODE_JOIN_US) {
      if (draft) this.closed.push(draft);
      const prev = this.prevRecord[s] as number;
      const keyBefore = prev >= 0 && ((this.columns.flags[prev] as number) & FRAME_FLAG_KEYFRAME) !== 0;
      draft = new EpisodeDraft(s, stutterStartUs, keyBefore);
      this.open[s] = draft;
    }
    draft.add(i, startUs + timeUs, timeUs, slow, gapUs, key);
  }

  episodes(): StutterEpisode[] {
    const drafts = [...this.closed, ...this.open.filter((d): d is EpisodeDraft => d !== null)];
    return drafts
      .map((d) => d.finish(this.columns, this.sessions[d.sessionIndex] as AnalysisSession))
      .sort((a, b) => a.startUs - b.startUs);
  }

  sessionStats(index: number, session: AnalysisSession, episodes: StutterEpisode[]): SessionFrameStats {
    const counter = this.counters[index] ?? new FrameTimeCounter(frameBudgetUs(session.fps));
    const mine = episodes.filter((e) => e.sessionIndex === index);
    const frames = counter.count;
    const firstStartUs = frames > 0 ? (this.firstStartUs[index] as number) : null;
    const lastEndUs = frames > 0 ? (this.lastEndUs[index] as number) : null;
    // A span shorter than one frame budget (a single frame) counts as one budget.
    const spanUs =
      frames > 0 ? Math.max((lastEndUs as number) - (firstStartUs as number), frameBudgetUs(session.fps)) : 0;
    const low01 = counter.worstThresholdUs(0.001);
    return {
      sessionIndex: index,
      sessionId: session.sessionId,
      fps: session.fps,
      budgetUs: frameBudgetUs(session.fps),
      frames,
      hostMeasuredFrames: this.hostMeasured[index] as number,
      keyframes: this.keyframes[index] as number,
      firstStartUs,
      lastEndUs,
      meanUs: frames > 0 ? counter.sumUs / frames : null,
      p50Us: counter.percentileUs(0.5),
      p99Us: counter.percentileUs(0.99),
      maxUs: frames > 0 ? counter.maxUs : null,
      low01FrameTimeUs: low01,
      low01Fps: low01 === null ? null : 1e6 / Math.max(low01, 1),
      slowFrames: this.slowFrames[index] as number,
      gapFrames: this.gapFrames[index] as number,
      episodes: mine.length,
      episodesAtKeyframes: mine.filter((e) => e.keyframe).length,
      episodesPerMinute: frames > 0 ? mine.length / (spanUs / 60e6) : null,
      histogram: counter.histogram(),
    };
  }
}
