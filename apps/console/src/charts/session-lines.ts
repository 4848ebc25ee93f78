// Several sessions on one chart: a line per session in its colour (their
// stage stacks cannot share one axis). Latency: each session's host total;
// throughput: its new fps (solid) and wire rate (dashed, right axis).
import type { StatsSample } from '@punktfunk/shared';
import { series, type TimelineRow, usToMs } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatMs, formatNumber } from '../ui/format.js';
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
import { type Figure, figureOptions } from './figures.js';
import { BUDGET } from './palette.js';

/** Figures told apart by their dash, sessions by their colour. */
const FIGURE_DASHES: readonly number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** The legend draws each line's dash (sessions by colour, figures or rates by dash). */
function lineLegend(options: LineConfig['options']): LineConfig['options'] {
  const labels = options?.plugins?.legend?.labels;
  if (labels) {
    labels.pointStyle = 'line';
    labels.pointStyleWidth = 22;
  }
  return options;
}

/** One session's rows (its own timeline, so its line breaks only at its own gaps). */
export interface SessionRows {
  label: string;
  color: string;
  rows: readonly TimelineRow[];
}

/** The host total, or where it was not measured the sum of the stages (as the summary counts it). */
export function hostOrStagesUs(s: StatsSample, which: 'p50' | 'p99'): number | null {
  const host = which === 'p50' ? s.hostP50Us : s.hostP99Us;
  if (host !== null) return host;
  if (!s.stages.length) return null;
  return s.stages.reduce((sum, st) => sum + (which === 'p50' ? st.p50Us : st.p99Us), 0);
}

export function sessionLatencyConfig(opts: {
  lanes: readonly SessionRows[];
  which: 'p50' | 'p99';
  frameBudgetUs: number | null;
  range: AxisRange;
}): LineConfig {
  const datasets: LineDataset[] = opts.lanes.map((lane) =>
    line(
      lane.label,
      lane.color,
      series(lane.rows, (s) => usToMs(hostOrStagesUs(s, opts.which))),
      {
        borderWidth: 2,
        pointRadius: pointRadius(lane.rows),
      },
    ),
  );
  if (opts.frameBudgetUs) {
    datasets.push(
      reference('one frame', BUDGET.color, opts.frameBudgetUs / 1000, opts.range.xMin, opts.range.xMax),
    );
  }
  const options = baseOptions((item) => formatMs(item.parsed.y), true)!;
  options.scales = {
    x: timeAxis(opts.range),
    y: valueAxis((v) => formatMs(v, 1), `host total ${opts.which}`),
  };
  return { type: 'line', data: { datasets }, options };
}

export function sessionThroughputConfig(opts: {
  lanes: readonly SessionRows[];
  streamFps: number | null;
  range: AxisRange;
}): LineConfig {
  const datasets: LineDataset[] = opts.lanes.flatMap((lane) => {
    const radius = pointRadius(lane.rows);
    return [
      line(
        `${lane.label} fps`,
        lane.color,
        series(lane.rows, (s) => s.fps),
        { yAxisID: 'y', pointRadius: radius },
      ),
      line(
        `${lane.label} Mb/s`,
        lane.color,
        series(lane.rows, (s) => s.wireMbps),
        {
          yAxisID: 'y1',
          borderDash: [5, 3],
          pointRadius: 0,
        },
      ),
    ];
  });
  const options = baseOptions((item) => {
    const unit = item.dataset.yAxisID === 'y1' ? ' Mb/s' : ' fps';
    return formatNumber(item.parsed.y, 1) + unit;
  }, true)!;
  options.scales = {
    x: timeAxis(opts.range),
    y: valueAxis((v) => formatNumber(v, 0), 'frames / s (solid)', {
      suggestedMax: opts.streamFps ? opts.streamFps * 1.15 : undefined,
    }),
    y1: valueAxis((v) => formatNumber(v, v < 10 ? 1 : 0), 'Mb/s (dashed)', {
      position: 'right',
      grid: { display: false },
      grace: '15%',
    }),
  };
  return { type: 'line', data: { datasets }, options: lineLegend(options) };
}

/** A group of figures (health, network, send cost) of several sessions: colour per session, dash per figure. */
export function sessionFiguresConfig(opts: {
  lanes: readonly SessionRows[];
  figures: readonly Figure[];
  range: AxisRange;
  unit: 'ms' | 'count';
}): LineConfig {
  const datasets = opts.lanes.flatMap((lane) =>
    opts.figures.map((f, k) =>
      line(`${f.label} · ${lane.label}`, lane.color, series(lane.rows, f.pick), {
        pointRadius: pointRadius(lane.rows),
        borderDash: FIGURE_DASHES[k % FIGURE_DASHES.length],
        stepped: opts.unit === 'count' ? 'before' : false,
      }),
    ),
  );
  return { type: 'line', data: { datasets }, options: lineLegend(figureOptions(opts.unit, opts.range)) };
}
