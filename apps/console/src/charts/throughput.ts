// The throughput chart: new and repeated fps on the left axis, wire rate and
// the encoder's target on the right, and the stream's fps as a reference.
import type { StatsSample } from '@punktfunk/shared';
import { measured, series, type TimelineRow } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatNumber } from '../ui/format.js';
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

interface ThroughputLine {
  label: string;
  color: string;
  pick: (s: StatsSample) => number | null;
  style: (radius: number) => Partial<LineDataset>;
  /** Drawn even when no sample measured it; the others are left out then. */
  always?: boolean;
}

const THROUGHPUT_LINES: readonly ThroughputLine[] = [
  {
    label: 'new fps',
    color: '#38bdf8',
    pick: (s) => s.fps,
    style: (radius) => ({ yAxisID: 'y', pointRadius: radius }),
    always: true,
  },
  {
    label: 'repeated fps',
    color: '#a78bfa',
    pick: (s) => s.repeatFps,
    style: (radius) => ({ pointRadius: radius }),
  },
  {
    label: 'wire Mb/s',
    color: '#34d399',
    pick: (s) => s.wireMbps,
    style: (radius) => ({ yAxisID: 'y1', pointRadius: radius }),
  },
  // The encoder's target is a setting that changes in steps, not a measurement: dotted, no points.
  {
    label: 'target Mb/s',
    color: '#f59e0b',
    pick: (s) => (s.bitrateKbps === null ? null : s.bitrateKbps / 1000),
    style: () => ({ yAxisID: 'y1', stepped: true, borderDash: [2, 2], pointRadius: 0 }),
  },
];

export function throughputConfig(opts: {
  rows: readonly TimelineRow[];
  samples: readonly StatsSample[];
  streamFps: number | null;
  range: AxisRange;
}): LineConfig {
  const { rows, samples, range } = opts;
  const radius = pointRadius(rows);
  const datasets: LineDataset[] = THROUGHPUT_LINES.filter((l) => l.always || measured(samples, l.pick)).map(
    (l) => line(l.label, l.color, series(rows, l.pick), l.style(radius)),
  );
  if (opts.streamFps) {
    const ref = reference(`stream ${opts.streamFps} fps`, '#64748b', opts.streamFps, range.xMin, range.xMax);
    ref.yAxisID = 'y';
    datasets.push(ref);
  }
  const options = baseOptions((item) => {
    const unit = item.dataset.yAxisID === 'y1' ? ' Mb/s' : ' fps';
    return formatNumber(item.parsed.y, 1) + unit;
  }, true)!;
  options.scales = {
    x: timeAxis(range),
    y: valueAxis((v) => formatNumber(v, 0), 'frames / s', {
      suggestedMax: opts.streamFps ? opts.streamFps * 1.15 : undefined,
    }),
    y1: valueAxis((v) => formatNumber(v, v < 10 ? 1 : 0), 'Mb/s', {
      position: 'right',
      grid: { display: false },
      // Room above the highest rate, so a steady target line does not sit on the top edge.
      grace: '15%',
    }),
  };
  return { type: 'line', data: { datasets }, options };
}
