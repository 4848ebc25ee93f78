// The host telemetry chart: machine, process and streaming-worker CPU (in
// % of one core) on the left axis, the run queue on the right. Lines nothing
// measured are left out (the caller says which, in words).
import type { HostTelemetrySample, StatsSample } from '@punktfunk/shared';
import type { Point } from '../data/series.js';
import { measured, series, type TimelineRow } from '../data/series.js';
import type { LineConfig } from '../ui/chart.js';
import { formatNumber } from '../ui/format.js';
import { type AxisRange, baseOptions, type LineDataset, line, timeAxis, valueAxis } from './axes.js';

interface TelemetryLine {
  label: string;
  color: string;
  pick: (t: HostTelemetrySample) => number | null;
  axis: 'y' | 'y1';
}

export const TELEMETRY_LINES: readonly TelemetryLine[] = [
  { label: 'machine CPU %', color: '#38bdf8', pick: (t) => t.machineCpuPct, axis: 'y' },
  { label: 'host process CPU %', color: '#f59e0b', pick: (t) => t.processCpuPct, axis: 'y' },
  { label: 'run queue', color: '#f472b6', pick: (t) => t.runQueue, axis: 'y1' },
];
const WORKER_CPU = { label: 'streaming worker CPU %', color: '#34d399' };

function telemetryPoints(samples: readonly HostTelemetrySample[], pick: TelemetryLine['pick']): Point[] {
  const points: Point[] = [];
  let prevEnd: number | null = null;
  for (const s of samples) {
    // A window that does not follow the previous one: a break, not a bridge.
    if (prevEnd !== null && s.tMs - s.windowMs - prevEnd > s.windowMs * 1.5) {
      points.push({ x: (prevEnd + s.tMs) / 2000, y: null, gap: true });
    }
    const v = pick(s);
    points.push({ x: s.tMs / 1000, y: v === null || !Number.isFinite(v) ? null : v });
    prevEnd = s.tMs;
  }
  return points;
}

export function telemetryConfig(opts: {
  telemetry: readonly HostTelemetrySample[];
  rows: readonly TimelineRow[];
  samples: readonly StatsSample[];
  range: AxisRange;
}): LineConfig {
  const sorted = [...opts.telemetry].sort((a, b) => a.tMs - b.tMs);
  const datasets: LineDataset[] = TELEMETRY_LINES.filter((l) => sorted.some((t) => l.pick(t) !== null)).map(
    (l) => line(l.label, l.color, telemetryPoints(sorted, l.pick), { yAxisID: l.axis }),
  );
  if (measured(opts.samples, (s) => s.workerCpuPct)) {
    datasets.push(
      line(
        WORKER_CPU.label,
        WORKER_CPU.color,
        series(opts.rows, (s) => s.workerCpuPct),
        { yAxisID: 'y' },
      ),
    );
  }
  const cores = sorted.find((t) => t.cpuCores !== null)?.cpuCores ?? null;
  const options = baseOptions(
    (item) =>
      item.dataset.yAxisID === 'y1' ? formatNumber(item.parsed.y, 0) : formatNumber(item.parsed.y, 0, '%'),
    true,
  )!;
  options.scales = {
    x: timeAxis(opts.range),
    y: valueAxis((v) => `${formatNumber(v, 0)} %`, 'CPU, % of one core', {
      suggestedMax: cores ? cores * 100 : 100,
    }),
    y1: valueAxis((v) => formatNumber(v, 0), 'runnable tasks', {
      position: 'right',
      grid: { display: false },
      grace: '15%',
    }),
  };
  return { type: 'line', data: { datasets }, options };
}
