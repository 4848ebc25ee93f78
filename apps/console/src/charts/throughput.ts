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

export function throughputConfig(opts: {
  rows: readonly TimelineRow[];
  samples: readonly StatsSample[];
  streamFps: number | null;
  range: AxisRange;
}): LineConfig {
  const { rows, samples, range } = opts;
  const radius = pointRadius(rows);
  const datasets: LineDataset[] = [
    line(
      'new fps',
      '#38bdf8',
      series(rows, (s) => s.fps),
      { yAxisID: 'y', pointRadius: radius },
    ),
  ];
  if (measured(samples, (s) => s.repeatFps))
    datasets.push(
      line(
        'repeated fps',
        '#a78bfa',
        series(rows, (s) => s.repeatFps),
        { pointRadius: radius },
      ),
    );
  if (measured(samples, (s) => s.wireMbps))
    datasets.push(
      line(
        'wire Mb/s',
        '#34d399',
        series(rows, (s) => s.wireMbps),
        { yAxisID: 'y1', pointRadius: radius },
      ),
    );
  if (measured(samples, (s) => s.bitrateKbps))
    datasets.push(
      line(
        'target Mb/s',
        '#f59e0b',
        series(rows, (s) => (s.bitrateKbps === null ? null : s.bitrateKbps / 1000)),
        {
          yAxisID: 'y1',
          stepped: true,
          borderDash: [2, 2],
          pointRadius: 0,
        },
      ),
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
