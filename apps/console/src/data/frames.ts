// A recording's frame timeline as the charts read it: the sidecar's columns,
// each frame's time in seconds since arming (the x of every chart on the
// recording page), and the stutter analysis from @punktfunk/shared (frame
// times, episodes, per-session figures and histograms), run once per load.
import {
  analyzeFrames,
  type CaptureMeta,
  decodeFrameColumns,
  type FrameAnalysis,
  type FrameColumns,
  parseFramesFile,
  type TimelineEvent,
} from '@punktfunk/shared';

/** Performance marks of a timeline's load, read by `pnpm bench charts`. */
export const FRAMES_MARK = {
  fetch: 'punktfunk:frames-fetch',
  fetched: 'punktfunk:frames-fetched',
  parsed: 'punktfunk:frames-parsed',
  analysed: 'punktfunk:frames-analysed',
} as const;

export interface FrameTimeline {
  columns: FrameColumns;
  /** The host kept the start only (the capture ran past MAX_CAPTURE_FRAMES). */
  truncated: boolean;
  /** Frame start, s since arming. */
  tS: Float64Array;
  /** The analysis' frame time (host time where measured, else the sum of the stages), ms. */
  frameMs: Float32Array;
  analysis: FrameAnalysis;
  /** Sessions (meta.sessions indexes) that have frames. */
  sessionIndexes: number[];
  /** First and last frame start, s. */
  startS: number;
  endS: number;
}

/** Parses and analyses a sidecar; throws FramesFileError / FrameAnalysisError naming what is wrong. */
export function frameTimeline(
  bytes: Uint8Array,
  meta: Pick<CaptureMeta, 'sessions'>,
  events: readonly TimelineEvent[],
): FrameTimeline {
  const { header, records } = parseFramesFile(bytes);
  const columns = decodeFrameColumns(records);
  performance.mark(FRAMES_MARK.parsed);
  const analysis = analyzeFrames(columns, meta.sessions, events);
  performance.mark(FRAMES_MARK.analysed);
  const n = columns.count;
  const tS = new Float64Array(n);
  const frameMs = new Float32Array(n);
  const sessions = new Set<number>();
  let startS = Number.POSITIVE_INFINITY;
  let endS = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = columns.captureStartUs[i]! / 1e6;
    tS[i] = t;
    frameMs[i] = analysis.frameTimesUs[i]! / 1000;
    sessions.add(columns.sessionIndex[i]!);
    if (t < startS) startS = t;
    if (t > endS) endS = t;
  }
  return {
    columns,
    truncated: header.truncated,
    tS,
    frameMs,
    analysis,
    sessionIndexes: [...sessions].sort((a, b) => a - b),
    startS: n ? startS : 0,
    endS: n ? endS : 0,
  };
}
