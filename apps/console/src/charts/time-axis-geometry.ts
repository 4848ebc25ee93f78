// Where the time axis sits inside the canvas-drawn strips of the recording
// page (frame times, overview, event lane): the same insets, so a moment is
// at the same pixel in all of them.
import { formatSeconds } from '../ui/format.js';
import type { AxisRange } from './axes.js';

export const PLOT_LEFT_PX = 56;
export const PLOT_RIGHT_PX = 16;

/** The shared time axis: seconds since the capture was armed. */
export type TimeRangeS = AxisRange;

export function plotWidth(widthPx: number): number {
  return Math.max(1, Math.floor(widthPx - PLOT_LEFT_PX - PLOT_RIGHT_PX));
}

export function timeToPx(range: TimeRangeS, widthPx: number, tS: number): number {
  return PLOT_LEFT_PX + ((tS - range.xMin) / (range.xMax - range.xMin || 1)) * plotWidth(widthPx);
}

export function pxToTime(range: TimeRangeS, widthPx: number, px: number): number {
  return range.xMin + ((px - PLOT_LEFT_PX) / plotWidth(widthPx)) * (range.xMax - range.xMin);
}

const STEPS_S = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Tick times that read well (every 5 s, every 0.1 s, ...), about `most` of them. */
export function timeTicks(range: TimeRangeS, most = 10): number[] {
  const span = range.xMax - range.xMin;
  const step = STEPS_S.find((s) => span / s <= most) ?? 7200;
  const ticks: number[] = [];
  for (let t = Math.ceil(range.xMin / step) * step; t <= range.xMax + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** A tick label: clock time, with ms on ticks between whole seconds (zoomed in). */
export function tickLabel(tS: number, range: TimeRangeS): string {
  const span = range.xMax - range.xMin;
  if (span >= 20 || Math.abs(tS - Math.round(tS)) < 1e-6) return formatSeconds(Math.round(tS));
  return `${formatSeconds(Math.floor(tS))}.${String(Math.round((tS % 1) * 1000)).padStart(3, '0')}`;
}
