// Compare: one figure of several recordings overlaid, each from its own start.
import type { StatsSample } from '@punktfunk/shared';
import { series, type TimelineRow } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatMs, formatNumber } from '../ui/format.js';
import { baseOptions, line, pointRadius, timeAxis, valueAxis } from './axes.js';

export interface OverlaySeries {
  label: string;
  color: string;
  rows: readonly TimelineRow[];
}

export function overlayConfig(opts: {
  series: readonly OverlaySeries[];
  pick: (s: StatsSample) => number | null;
  unit: 'ms' | 'fps' | 'Mb/s';
  title: string;
}): LineConfig {
  const datasets = opts.series.map((o) =>
    line(o.label, o.color, series(o.rows, opts.pick), { pointRadius: pointRadius(o.rows), borderWidth: 1.8 }),
  );
  const last = Math.max(10, ...opts.series.map((o) => (o.rows.length ? o.rows[o.rows.length - 1]!.x : 0)));
  const format =
    opts.unit === 'ms' ? (v: number) => formatMs(v, 1) : (v: number) => `${formatNumber(v, 0)} ${opts.unit}`;
  const options = baseOptions(
    (item) =>
      opts.unit === 'ms' ? formatMs(item.parsed.y) : `${formatNumber(item.parsed.y, 1)} ${opts.unit}`,
    true,
  )!;
  options.scales = { x: timeAxis({ xMin: 0, xMax: last }), y: valueAxis(format, opts.title) };
  return { type: 'line', data: { datasets }, options };
}
