// Per-frame summary figures from the stutter analysis: the longest frame,
// the 0.1 % low, stutter episodes per minute. With several sessions, the
// worst session's figure (what the operator has to look at).
import type { SessionFrameStats } from '@punktfunk/shared';

export interface FrameFigures {
  frames: number;
  maxUs: number | null;
  low01FrameTimeUs: number | null;
  low01Fps: number | null;
  episodes: number;
  episodesPerMinute: number | null;
}

export function frameFigures(sessions: readonly SessionFrameStats[]): FrameFigures {
  const ran = sessions.filter((s) => s.frames > 0);
  const worst = <T>(pick: (s: SessionFrameStats) => T | null, better: (a: T, b: T) => boolean): T | null =>
    ran.reduce<T | null>((w, s) => {
      const v = pick(s);
      return v === null ? w : w === null || better(w, v) ? v : w;
    }, null);
  return {
    frames: ran.reduce((n, s) => n + s.frames, 0),
    maxUs: worst(
      (s) => s.maxUs,
      (a, b) => b > a,
    ),
    low01FrameTimeUs: worst(
      (s) => s.low01FrameTimeUs,
      (a, b) => b > a,
    ),
    low01Fps: worst(
      (s) => s.low01Fps,
      (a, b) => b < a,
    ),
    episodes: ran.reduce((n, s) => n + s.episodes, 0),
    episodesPerMinute: worst(
      (s) => s.episodesPerMinute,
      (a, b) => b > a,
    ),
  };
}
