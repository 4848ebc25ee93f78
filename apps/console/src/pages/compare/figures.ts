// What Compare lines up: the figures over time (one metric at a time), the
// summary rows with their differences against the first recording, and the
// settings of each recording.
import type { Capture, StatsSample } from '@punktfunk/shared';
import { stageUs, usToMs } from '../../data/series.js';
import type { CaptureSummary } from '../../data/summary.js';
import { formatKbps, formatMode, formatNumber, formatPercent, formatUs } from '../../ui/format.js';
import { formatSetting, orderSettingKeys, settingLabel } from '../../ui/settings.js';

export interface Metric {
  value: string;
  label: string;
  unit: 'ms' | 'fps' | 'Mb/s';
  pick: (s: StatsSample) => number | null;
}

export function metricsFor(stages: readonly string[]): Metric[] {
  return [
    { value: 'host-p50', label: 'host p50', unit: 'ms', pick: (s) => usToMs(s.hostP50Us) },
    { value: 'host-p99', label: 'host p99', unit: 'ms', pick: (s) => usToMs(s.hostP99Us) },
    ...stages.map((name) => ({
      value: `stage-${name}`,
      label: `${name} p50`,
      unit: 'ms' as const,
      pick: (s: StatsSample) => usToMs(stageUs(s, name, 'p50')),
    })),
    { value: 'fps', label: 'fps', unit: 'fps', pick: (s) => s.fps },
    { value: 'wire', label: 'wire Mb/s', unit: 'Mb/s', pick: (s) => s.wireMbps },
  ];
}

export interface FigureRow {
  label: string;
  /** Lower is better (latency) or higher is better (fps). */
  better: 'lower' | 'higher';
  value: (s: CaptureSummary) => number | null;
  format: (v: number | null) => string;
  formatDelta: (d: number) => string;
}

/**
 * A signed difference at the precision it is shown with; "±0" when it rounds
 * to nothing there (never "−0.0").
 */
export function signed(d: number, magnitude: string, isZero: boolean): string {
  return isZero ? '±0' : `${d > 0 ? '+' : '−'}${magnitude}`;
}

function signedNumber(d: number, digits: number, unit = ''): string {
  const text = Math.abs(d).toFixed(digits);
  return signed(d, `${text}${unit ? ` ${unit}` : ''}`, Number(text) === 0);
}

export function figureRows(stages: readonly string[]): FigureRow[] {
  const us = (label: string, value: FigureRow['value']): FigureRow => ({
    label,
    better: 'lower',
    value,
    format: (v) => formatUs(v),
    // formatUs shows whole µs below 1 ms.
    formatDelta: (d) => signed(d, formatUs(Math.abs(d)), Math.round(Math.abs(d)) === 0),
  });
  const stat = (name: string) => (s: CaptureSummary) => s.latency.find((l) => l.name === name);
  return [
    us('host total median', (s) => stat('host')(s)?.medianUs ?? null),
    us('host total p95', (s) => stat('host')(s)?.p95Us ?? null),
    us('host total p99', (s) => stat('host')(s)?.p99Us ?? null),
    ...stages.map((name) => us(`${name} median`, (s) => stat(name)(s)?.medianUs ?? null)),
    {
      label: 'fps average',
      better: 'higher',
      value: (s) => s.averageFps,
      format: (v) => formatNumber(v, 1),
      formatDelta: (d) => signedNumber(d, 1),
    },
    {
      label: 'fps 1 % low',
      better: 'higher',
      value: (s) => s.onePercentLowFps,
      format: (v) => formatNumber(v, 1),
      formatDelta: (d) => signedNumber(d, 1),
    },
    {
      label: 'windows over budget',
      better: 'lower',
      value: (s) => s.overBudgetShare,
      format: (v) => formatPercent(v),
      // Percentage points, as precise as formatPercent shows the shares.
      formatDelta: (d) => signedNumber(d * 100, Math.abs(d) < 0.1 ? 1 : 0, 'pt'),
    },
    {
      label: 'wire average',
      better: 'lower',
      value: (s) => s.averageWireMbps,
      format: (v) => formatNumber(v, 1, 'Mb/s'),
      // A small difference gets a second digit rather than showing as 0.0.
      formatDelta: (d) => signedNumber(d, Math.abs(d) < 0.1 ? 2 : 1, 'Mb/s'),
    },
  ];
}

/** The relative difference: whole percent, one decimal below 1 %, nothing when it rounds to 0. */
export function shareText(share: number | null): string | null {
  if (share === null || !Number.isFinite(share)) return null;
  const pct = Math.abs(share * 100);
  const text = pct.toFixed(pct < 1 ? 1 : 0);
  return Number(text) === 0 ? null : `${share > 0 ? '+' : '−'}${text} %`;
}

/** Settings that differ between the recordings are highlighted. */
export function settingRows(captures: readonly Capture[]): { label: string; values: string[] }[] {
  const first = (c: Capture) => c.meta.sessions[0];
  const rows: { label: string; values: string[] }[] = [
    { label: 'path', values: captures.map((c) => c.meta.kinds.join(' + ') || '—') },
    { label: 'resolution', values: captures.map((c) => formatMode(c.meta.width, c.meta.height, null)) },
    { label: 'fps', values: captures.map((c) => String(c.meta.fps ?? '—')) },
    { label: 'codec', values: captures.map((c) => c.meta.codec ?? '—') },
    { label: 'bitrate', values: captures.map((c) => formatKbps(first(c)?.bitrateKbps)) },
    {
      label: 'encoder',
      values: captures.map((c) => `${c.meta.encoderName ?? '—'} (${c.meta.encoderBackend ?? '—'})`),
    },
    { label: 'client', values: captures.map((c) => c.meta.client ?? '—') },
    { label: 'host', values: captures.map((c) => `${c.meta.hostName} ${c.meta.hostVersion}`) },
  ];
  const keys = orderSettingKeys(captures.flatMap((c) => Object.keys(first(c)?.settings ?? {})));
  for (const k of keys) {
    rows.push({
      label: settingLabel(k),
      values: captures.map((c) => formatSetting(k, first(c)?.settings[k])),
    });
  }
  return rows;
}
