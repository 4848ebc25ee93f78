// A recording's frame timeline as the charts read it: the sidecar's columns,
// each frame's time in seconds since arming (the x of every chart on the
// recording page) and its frame time: the gap to the previous frame of the
// same session, what a player sees as a stutter when it grows.
import { decodeFrameColumns, type FrameColumns, parseFramesFile } from '@punktfunk/shared';

export interface FrameTimeline {
  columns: FrameColumns;
  /** The host kept the start only (the capture ran past MAX_CAPTURE_FRAMES). */
  truncated: boolean;
  /** Frame start, s since arming. */
  tS: Float64Array;
  /** ms since the previous frame of the same session; NaN for a session's first frame. */
  frameMs: Float32Array;
  /** Sessions (meta.sessions indexes) that have frames. */
  sessionIndexes: number[];
  /** First and last frame start, s. */
  startS: number;
  endS: number;
}

export function frameTimeline(bytes: Uint8Array): FrameTimeline {
  const { header, records } = parseFramesFile(bytes);
  const columns = decodeFrameColumns(records);
  const n = columns.count;
  const tS = new Float64Array(n);
  const frameMs = new Float32Array(n);
  const lastUsBySession = new Map<number, number>();
  let startS = Number.POSITIVE_INFINITY;
  let endS = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const us = columns.captureStartUs[i]!;
    const session = columns.sessionIndex[i]!;
    tS[i] = us / 1e6;
    const prev = lastUsBySession.get(session);
    frameMs[i] = prev === undefined ? Number.NaN : (us - prev) / 1000;
    lastUsBySession.set(session, us);
    if (tS[i]! < startS) startS = tS[i]!;
    if (tS[i]! > endS) endS = tS[i]!;
  }
  return {
    columns,
    truncated: header.truncated,
    tS,
    frameMs,
    sessionIndexes: [...lastUsBySession.keys()].sort((a, b) => a - b),
    startS: n ? startS : 0,
    endS: n ? endS : 0,
  };
}
