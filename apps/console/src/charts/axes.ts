// Chart configurations of the Performance pages, built from a capture's
// timeline. The Chart.js wrapper (ui/chart.tsx) only draws what it is given.
import type { StatsSample } from '@punktfunk/shared';
import type { ChartDataset, ScaleOptions, TooltipItem } from 'chart.js';
import { measured, type Point, series, stageUs, type TimelineRow, usToMs } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatMs, formatNumber, formatSeconds } from '../ui/format.js';

export const STAGE_INFO: Record<string, { color: string; text: string }> = {
  capture: { color: '#38bdf8', text: 'grab the frame and convert its colours' },
  // Software encoders (libx264/x265) compress inside avcodec_send_frame, NVENC
  // only queues there and the wait for the hardware is in receive_packet
  // (docs/architecture.md, "Encoder"), so submit and encode trade places.
  submit: {
    color: '#a78bfa',
    text: 'hand the frame to the encoder; software encoders (libx264/x265) compress here',
  },
  encode: {
    color: '#f59e0b',
    text: 'wait for the bitstream: NVENC’s hardware time, ~0 with software encoders',
  },
  packetize: { color: '#f472b6', text: 'GameStream: RTP packets, Reed-Solomon parity, encryption' },
  send: {
    color: '#34d399',
    text: 'pace and hand to the kernel (native path: packetize, FEC and encrypt too)',
  },
};

/**
 * What a stage means among the stages drawn: the GameStream path has no
 * submit stage, its encode is the whole encoder call.
 */
export function stageText(name: string, stages: readonly string[]): string {
  if (name === 'encode' && !stages.includes('submit')) {
    return 'hand the frame to the encoder and wait for the bitstream (software encoders compress, NVENC’s hardware works)';
  }
  return STAGE_INFO[name]?.text ?? '';
}

export const HOST_TOTAL = {
  color: '#f8fafc',
  text: 'host total: capture start → last packet handed to the kernel',
};
export const BUDGET = { color: '#f87171', text: 'one frame time at the stream’s fps' };
/** Colours of recordings in the compare view, in order. */
export const SERIES_COLORS = ['#38bdf8', '#f59e0b', '#a78bfa', '#34d399', '#f472b6', '#facc15', '#fb923c'];

type LineDataset = ChartDataset<'line', Point[]> & { reference?: boolean };

function alpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

function pointRadius(rows: readonly TimelineRow[]): number {
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
function reference(label: string, color: string, y: number, xMin: number, xMax: number): LineDataset {
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

function timeAxis(range: AxisRange): ScaleOptions<'linear'> {
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

function valueAxis(format: (v: number) => string, title: string, extra = {}): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    beginAtZero: true,
    ticks: { callback: (v) => format(Number(v)), maxTicksLimit: 6 },
    title: { display: true, text: title, color: '#64748b' },
    ...extra,
  };
}

function baseOptions(
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
  const format = opts.unit === 'ms' ? (v: number) => formatMs(v, 1) : (v: number) => formatNumber(v, 0);
  const options = baseOptions(
    (item) => (opts.unit === 'ms' ? formatMs(item.parsed.y) : `${formatNumber(item.parsed.y, 0)} / window`),
    true,
  )!;
  options.scales = {
    x: timeAxis(opts.range),
    y: valueAxis(
      format,
      opts.unit === 'ms' ? 'time' : 'per window',
      opts.unit === 'count' ? { suggestedMax: 4 } : {},
    ),
  };
  return { type: 'line', data: { datasets }, options };
}

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
