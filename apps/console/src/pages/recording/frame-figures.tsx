// The per-frame summary figures (data/frame-figures.ts) as a row of stats.
import type { FrameFigures } from '../../data/frame-figures.js';
import { Stat } from '../../ui/controls.js';
import { formatNumber, formatUs } from '../../ui/format.js';

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
