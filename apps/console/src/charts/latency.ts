// The latency chart: per-stage times stacked, the measured host total over
// them, and a dashed line at one frame time.
import { series, stageUs, type TimelineRow, usToMs } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatMs } from '../ui/format.js';
import {
  type AxisRange,
  baseOptions,
  type LineDataset,
  line,
  pointRadius,
  reference,
  timeAxis,
  valueAxis,
} from './axes.js';
import { alpha, BUDGET, HOST_TOTAL, SERIES_COLORS, STAGE_INFO } from './palette.js';

export function latencyConfig(opts: {
  rows: readonly TimelineRow[];
  stages: readonly string[];
  which: 'p50' | 'p99';
  frameBudgetUs: number | null;
  range: AxisRange;
}): LineConfig {
  const { rows, stages, which, range } = opts;
  const radius = pointRadius(rows);
  const datasets: LineDataset[] = stages.map((name, i) => {
    const color = STAGE_INFO[name]?.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!;
    return line(
      name,
      color,
      series(rows, (s) => usToMs(stageUs(s, name, which))),
      {
        fill: i === 0 ? 'origin' : '-1',
        stack: 'stages',
        backgroundColor: alpha(color, 0.45),
        borderWidth: 1,
        pointRadius: radius,
      },
    );
  });
  datasets.push(
    line(
      `host total ${which}`,
      HOST_TOTAL.color,
      series(rows, (s) => usToMs(which === 'p50' ? s.hostP50Us : s.hostP99Us)),
      { stack: 'host', borderWidth: 2, pointRadius: radius },
    ),
  );
  if (opts.frameBudgetUs) {
    datasets.push(reference('one frame', BUDGET.color, opts.frameBudgetUs / 1000, range.xMin, range.xMax));
    (datasets[datasets.length - 1] as LineDataset).stack = 'budget';
  }
  const options = baseOptions((item) => formatMs(item.parsed.y), false)!;
  options.scales = {
    x: timeAxis(range),
    y: valueAxis((v) => formatMs(v, 1), `latency ${which}`, { stacked: true }),
  };
  return { type: 'line', data: { datasets }, options };
}
