// The analysis' per-session frame-time histograms as one list of bars: bins
// of the same width from 0 ms added across sessions, then one overflow bar.
import type { SessionFrameStats } from '@punktfunk/shared';

export interface HistogramBin {
  fromMs: number;
  /** Infinity for the overflow bar. */
  toMs: number;
  count: number;
}

export function histogramBins(sessions: readonly SessionFrameStats[]): HistogramBin[] {
  const withFrames = sessions.filter((s) => s.frames > 0);
  if (!withFrames.length) return [];
  const binUs = withFrames[0]!.histogram.binUs;
  // Sessions at different fps have different ranges: the shortest one keeps every session's bins comparable.
  const length = Math.min(...withFrames.map((s) => s.histogram.counts.length));
  const counts = new Array<number>(length).fill(0);
  let overflow = 0;
  for (const s of withFrames) {
    s.histogram.counts.forEach((n, k) => {
      if (k < length) counts[k]! += n;
      else overflow += n;
    });
    overflow += s.histogram.overflow;
  }
  const bins = counts.map((count, k) => ({
    fromMs: (k * binUs) / 1000,
    toMs: ((k + 1) * binUs) / 1000,
    count,
  }));
  bins.push({ fromMs: (length * binUs) / 1000, toMs: Number.POSITIVE_INFINITY, count: overflow });
  return bins;
}
