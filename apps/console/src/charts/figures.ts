// Charts of a group of figures (health counters, network and client, send
// cost): which figures each group holds, and one line per measured figure.
import type { StatsSample } from '@punktfunk/shared';
import { measured, series, type TimelineRow, usToMs } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatMs, formatNumber } from '../ui/format.js';
import { type AxisRange, baseOptions, line, pointRadius, timeAxis, valueAxis } from './axes.js';

export interface Figure {
  key: string;
  label: string;
  color: string;
  pick: (s: StatsSample) => number | null;
}

export const HEALTH_FIGURES: Figure[] = [
  { key: 'framesDropped', label: 'frames dropped', color: '#f87171', pick: (s) => s.framesDropped },
  {
    key: 'sendRefused',
    label: 'packets refused by the kernel',
    color: '#f59e0b',
    pick: (s) => s.sendRefused,
  },
  { key: 'packetsLost', label: 'packets lost (client)', color: '#f472b6', pick: (s) => s.packetsLost },
  { key: 'fecRecovered', label: 'recovered by FEC', color: '#34d399', pick: (s) => s.fecRecovered },
  {
    key: 'idrRequests',
    label: 'keyframes asked (client)',
    color: '#60a5fa',
    pick: (s) => s.idrRequests ?? null,
  },
  {
    key: 'unrecoverableFrames',
    label: 'frames unrecoverable (client)',
    color: '#ef4444',
    pick: (s) => s.unrecoverableFrames ?? null,
  },
];
export const NETWORK_FIGURES: Figure[] = [
  { key: 'rttUs', label: 'RTT', color: '#38bdf8', pick: (s) => usToMs(s.rttUs) },
  { key: 'e2eP50Us', label: 'end-to-end p50', color: '#a78bfa', pick: (s) => usToMs(s.e2eP50Us) },
  { key: 'e2eP99Us', label: 'end-to-end p99', color: '#f472b6', pick: (s) => usToMs(s.e2eP99Us) },
  {
    key: 'clientDecodeP50Us',
    label: 'client decode p50',
    color: '#f59e0b',
    pick: (s) => usToMs(s.clientDecodeP50Us),
  },
];
export const SEND_FIGURES: Figure[] = [
  { key: 'fecUs', label: 'FEC parity', color: '#34d399', pick: (s) => usToMs(s.fecUs) },
  { key: 'sealUs', label: 'encryption', color: '#a78bfa', pick: (s) => usToMs(s.sealUs) },
  { key: 'socketUs', label: 'socket calls', color: '#38bdf8', pick: (s) => usToMs(s.socketUs) },
];

/** Splits figures into those some sample measured and those none did. */
export function splitMeasured(samples: readonly StatsSample[], figures: readonly Figure[]) {
  return {
    shown: figures.filter((f) => measured(samples, f.pick)),
    missing: figures.filter((f) => !measured(samples, f.pick)),
  };
}

export function figuresConfig(opts: {
  rows: readonly TimelineRow[];
  figures: readonly Figure[];
  range: AxisRange;
  unit: 'ms' | 'count';
}): LineConfig {
  const radius = pointRadius(opts.rows);
  const datasets = opts.figures.map((f) =>
    line(f.label, f.color, series(opts.rows, f.pick), {
      pointRadius: radius,
      stepped: opts.unit === 'count' ? 'before' : false,
    }),
  );
  return { type: 'line', data: { datasets }, options: figureOptions(opts.unit, opts.range) };
}

/** Tooltips and axes of a figures chart (one line per figure, or per figure and session). */
export function figureOptions(unit: 'ms' | 'count', range: AxisRange): LineConfig['options'] {
  const format = unit === 'ms' ? (v: number) => formatMs(v, 1) : (v: number) => formatNumber(v, 0);
  const options = baseOptions(
    (item) => (unit === 'ms' ? formatMs(item.parsed.y) : `${formatNumber(item.parsed.y, 0)} / window`),
    true,
  )!;
  options.scales = {
    x: timeAxis(range),
    y: valueAxis(format, unit === 'ms' ? 'time' : 'per window', unit === 'count' ? { suggestedMax: 4 } : {}),
  };
  return options;
}
