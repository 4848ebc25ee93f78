// Draws the frame-time plot on a canvas: value grid, the frame budget and
// twice it, then one min/max bar per pixel column and session (the session's
// colour), frames above the top of the scale as a mark at the top edge.
import type { FrameTimeline } from '../data/frames.js';
import { formatMs } from '../ui/format.js';
import { decimateFrameTimes } from './frame-decimation.js';
import { alpha, BUDGET } from './palette.js';
import {
  PLOT_LEFT_PX,
  plotWidth,
  type TimeRangeS,
  tickLabel,
  timeTicks,
  timeToPx,
} from './time-axis-geometry.js';

export const AXIS_BOTTOM_PX = 20;
const PLOT_TOP_PX = 8;
const TWICE_BUDGET_COLOR = '#fb923c';

export interface FrameLane {
  sessionIndex: number;
  color: string;
}

export interface FramePlot {
  range: TimeRangeS;
  widthPx: number;
  heightPx: number;
  /** Top of the value scale, ms. */
  yMaxMs: number;
  budgetMs: number | null;
}

export function yToPx(plot: FramePlot, ms: number): number {
  const h = plot.heightPx - AXIS_BOTTOM_PX - PLOT_TOP_PX;
  return PLOT_TOP_PX + h - (Math.min(ms, plot.yMaxMs) / plot.yMaxMs) * h;
}

/**
 * The top of the scale: the longest frame in view with some room, at least
 * 2.5 budgets (both reference lines show), at most 8 budgets (one 1 s stall
 * would otherwise flatten every other frame to the floor; it is marked at the top).
 */
export function scaleTopMs(longestMs: number, budgetMs: number | null): number {
  const budget = budgetMs ?? 16.7;
  const top = Number.isFinite(longestMs) ? longestMs * 1.1 : budget * 2.5;
  return Math.min(Math.max(top, budget * 2.5), budget * 8);
}

function drawGrid(ctx: CanvasRenderingContext2D, plot: FramePlot): void {
  ctx.font = '11px Inter, system-ui, sans-serif';
  ctx.fillStyle = '#94a3b8';
  ctx.strokeStyle = 'rgba(148, 163, 184, 0.12)';
  ctx.lineWidth = 1;
  const right = PLOT_LEFT_PX + plotWidth(plot.widthPx);
  const stepMs = [1, 2, 5, 10, 20, 25, 50, 100, 200].find((s) => plot.yMaxMs / s <= 5) ?? 500;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let ms = 0; ms <= plot.yMaxMs; ms += stepMs) {
    const y = Math.round(yToPx(plot, ms)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PLOT_LEFT_PX, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillText(`${ms} ms`, PLOT_LEFT_PX - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of timeTicks(plot.range)) {
    ctx.fillText(tickLabel(t, plot.range), timeToPx(plot.range, plot.widthPx, t), plot.heightPx - 15);
  }
}

function drawBudgetLines(ctx: CanvasRenderingContext2D, plot: FramePlot): void {
  if (plot.budgetMs === null) return;
  const right = PLOT_LEFT_PX + plotWidth(plot.widthPx);
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1.2;
  for (const [ms, color] of [
    [plot.budgetMs, BUDGET.color],
    [plot.budgetMs * 2, TWICE_BUDGET_COLOR],
  ] as const) {
    const y = Math.round(yToPx(plot, ms)) + 0.5;
    ctx.strokeStyle = alpha(color, 0.85);
    ctx.beginPath();
    ctx.moveTo(PLOT_LEFT_PX, y);
    ctx.lineTo(right, y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** Draws everything; returns how many frames fell in the range (for tests and the benchmark). */
export function drawFrameTimes(
  ctx: CanvasRenderingContext2D,
  timeline: FrameTimeline,
  lanes: readonly FrameLane[],
  plot: FramePlot,
): number {
  ctx.clearRect(0, 0, plot.widthPx, plot.heightPx);
  drawGrid(ctx, plot);
  const columns = plotWidth(plot.widthPx);
  const { bySession, framesInRange } = decimateFrameTimes(
    { tS: timeline.tS, frameMs: timeline.frameMs, sessionIndex: timeline.columns.sessionIndex },
    lanes.map((l) => l.sessionIndex),
    plot.range.xMin,
    plot.range.xMax,
    columns,
  );
  for (const lane of lanes) {
    const extremes = bySession.get(lane.sessionIndex)!;
    ctx.fillStyle = lane.color;
    for (let col = 0; col < columns; col++) {
      const max = extremes.maxMs[col]!;
      if (Number.isNaN(max)) continue;
      const top = yToPx(plot, max);
      const bottom = yToPx(plot, extremes.minMs[col]!);
      ctx.fillRect(PLOT_LEFT_PX + col, top, 1, Math.max(1.5, bottom - top));
      // Off the scale: a red cap at the top edge says "longer than shown".
      if (max > plot.yMaxMs) {
        ctx.fillStyle = BUDGET.color;
        ctx.fillRect(PLOT_LEFT_PX + col - 1, top, 3, 3);
        ctx.fillStyle = lane.color;
      }
    }
  }
  drawBudgetLines(ctx, plot);
  return framesInRange;
}

/** The longest frame time in the range (for the scale), NaN when none. */
export function longestInRange(timeline: FrameTimeline, range: TimeRangeS): number {
  let longest = Number.NaN;
  for (let i = 0; i < timeline.tS.length; i++) {
    const t = timeline.tS[i]!;
    if (t < range.xMin || t > range.xMax) continue;
    const ms = timeline.frameMs[i]!;
    if (!(longest >= ms)) longest = Number.isNaN(ms) ? longest : ms;
  }
  return longest;
}

export const formatFrameMs = (ms: number): string => formatMs(ms, 2);
