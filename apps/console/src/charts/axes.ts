// The pieces every chart configuration is built from: line datasets,
// reference lines, the time axis and a value axis, and the shared options
// (tooltips, legend). The Chart.js wrapper (ui/chart.tsx) only draws what it is given.
import type { ChartDataset, ScaleOptions, TooltipItem } from 'chart.js';
import type { Point, TimelineRow } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatSeconds } from '../ui/format.js';
import { alpha } from './palette.js';

export type LineDataset = ChartDataset<'line', Point[]> & { reference?: boolean };

export function pointRadius(rows: readonly TimelineRow[]): number {
  // Few points: show them (a short capture would otherwise be a bare line); many: lines only.
  return rows.length <= 60 ? 2.5 : 0;
}

export function line(
  label: string,
  color: string,
  data: Point[],
  extra: Partial<LineDataset> = {},
): LineDataset {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: alpha(color, 0.25),
    borderWidth: 1.6,
    pointRadius: 0,
    pointHoverRadius: 3,
    fill: false,
    spanGaps: false,
    tension: 0,
    ...extra,
  };
}

/** A horizontal dashed reference line across the x range. */
export function reference(label: string, color: string, y: number, xMin: number, xMax: number): LineDataset {
  return line(
    label,
    color,
    [
      { x: xMin, y },
      { x: xMax, y },
    ],
    { borderDash: [6, 4], borderWidth: 1.2, pointRadius: 0, pointHoverRadius: 0, reference: true },
  );
}

export interface AxisRange {
  xMin: number;
  xMax: number;
}

export function rangeOf(rows: readonly TimelineRow[], minSpanS = 10): AxisRange {
  const last = rows.length ? rows[rows.length - 1]!.x : 0;
  return { xMin: 0, xMax: Math.max(last, minSpanS) };
}

// Tick steps in seconds that read well as clock times (0:30, 5:00, 1:00:00).
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

export function timeAxis(range: AxisRange): ScaleOptions<'linear'> {
  const span = range.xMax - range.xMin;
  const stepSize = TIME_STEPS_S.find((step) => span / step <= 10) ?? 14_400;
  return {
    type: 'linear',
    min: range.xMin,
    max: range.xMax,
    ticks: { callback: (v) => formatSeconds(Number(v)), stepSize, maxTicksLimit: 12, maxRotation: 0 },
    grid: { display: false },
  };
}

export function valueAxis(format: (v: number) => string, title: string, extra = {}): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    beginAtZero: true,
    ticks: { callback: (v) => format(Number(v)), maxTicksLimit: 6 },
    title: { display: true, text: title, color: '#64748b' },
    ...extra,
  };
}

export function baseOptions(
  tooltipValue: (item: TooltipItem<'line'>) => string,
  legend: boolean,
): LineConfig['options'] {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: {
        display: legend,
        position: 'top',
        align: 'end',
        labels: {
          boxWidth: 10,
          boxHeight: 10,
          usePointStyle: true,
          pointStyle: 'rectRounded',
          filter: (item) => item.text !== '',
        },
      },
      tooltip: {
        filter: (item) => !(item.dataset as LineDataset).reference,
        backgroundColor: 'rgba(15, 23, 42, 0.95)',
        borderColor: 'rgba(148, 163, 184, 0.3)',
        borderWidth: 1,
        padding: 10,
        callbacks: {
          title: (items) => (items[0] ? `t = ${formatSeconds(items[0].parsed.x ?? 0)}` : ''),
          label: (item) => `${item.dataset.label}: ${tooltipValue(item)}`,
        },
      },
    },
  };
}

/** The live view: ten minutes at most; a fresh capture starts with a one-minute axis that grows. */
export function liveRange(rows: readonly TimelineRow[]): AxisRange {
  const last = rows.length ? rows[rows.length - 1]!.x : 0;
  return { xMin: Math.max(0, last - 600), xMax: Math.max(last, 60) };
}
