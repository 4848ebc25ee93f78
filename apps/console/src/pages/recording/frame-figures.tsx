// Per-frame summary figures from the stutter analysis: the longest frame,
// the 0.1 % low, stutter episodes per minute. With several sessions, the
// worst session's figure (what the operator has to look at).
import type { SessionFrameStats } from '@punktfunk/shared';
import { Stat } from '../../ui/controls.js';
import { formatNumber, formatUs } from '../../ui/format.js';

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
  const worst = <T,>(pick: (s: SessionFrameStats) => T | null, better: (a: T, b: T) => boolean): T | null =>
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

export function FrameFigureStats(props: { figures: FrameFigures }) {
  const f = () => props.figures;
  return (
    <div class="stat-row" data-testid="frame-figures">
      <Stat label="frames" value={f().frames.toLocaleString()} />
      <Stat label="longest frame" value={formatUs(f().maxUs)} testId="sum-max-frame" />
      <Stat
        label="0.1 % low"
        value={`${formatNumber(f().low01Fps, 1)} fps`}
        testId="sum-low01"
        hint={`the worst 0.1 % of frames took ${formatUs(f().low01FrameTimeUs)} or longer`}
      />
      <Stat label="stutter episodes" value={String(f().episodes)} testId="sum-episodes" />
      <Stat
        label="episodes / min"
        value={formatNumber(f().episodesPerMinute, 2)}
        testId="sum-episodes-per-min"
        hint="stutter episodes per minute of streaming (the worst session)"
      />
    </div>
  );
}
