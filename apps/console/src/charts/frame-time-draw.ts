// Draws the frame-time plot on a canvas: stutter episodes shaded, value grid,
// the frame budget and twice it, then per session (its colour) a stepped path
// through each pixel column's min and max, frames above the top of the scale
// as a mark at the top edge.
import type { FrameTimeline } from '../data/frames.js';
import { formatMs } from '../ui/format.js';
import { type ColumnExtremes, decimateFrameTimes } from './frame-decimation.js';
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
/** Longer without frames than this, a session's line breaks (a pause, or the next session). */
const MAX_JOIN_S = 1;

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
  /** Stutter episodes (s since arming), shaded behind the frames. */
  episodes: readonly { startS: number; endS: number }[];
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
    const label = tickLabel(t, plot.range);
    // The last label stays inside the canvas.
    const x = Math.min(
      timeToPx(plot.range, plot.widthPx, t),
      plot.widthPx - ctx.measureText(label).width / 2 - 1,
    );
    ctx.fillText(label, x, plot.heightPx - 15);
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

/**
 * One session's frames as a path through each column's max and min: where
 * frames are dense it is a min/max bar per column, zoomed in it joins frame
 * to frame. A stretch of more than MAX_JOIN_S without frames (between
 * sessions) breaks the path instead of bridging it.
 */
function drawLane(ctx: CanvasRenderingContext2D, plot: FramePlot, extremes: ColumnExtremes, color: string) {
  const columns = extremes.maxMs.length;
  const maxJoinCols = (MAX_JOIN_S / (plot.range.xMax - plot.range.xMin || 1)) * columns;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let lastCol = Number.NEGATIVE_INFINITY;
  let lastY = 0;
  const offScale: number[] = [];
  for (let col = 0; col < columns; col++) {
    const max = extremes.maxMs[col]!;
    if (Number.isNaN(max)) continue;
    const x = PLOT_LEFT_PX + col + 0.5;
    const top = yToPx(plot, max);
    if (col - lastCol > maxJoinCols) ctx.moveTo(x, top);
    else {
      // Steps: a frame's time holds until the next frame (a 250 ms frame is a 250 ms plateau).
      ctx.lineTo(x, lastY);
      ctx.lineTo(x, top);
    }
    // A single-pixel bar still shows as a dot.
    lastY = Math.max(yToPx(plot, extremes.minMs[col]!), top + 1);
    ctx.lineTo(x, lastY);
    lastCol = col;
    if (max > plot.yMaxMs) offScale.push(x);
  }
  ctx.stroke();
  // Off the scale: a red cap at the top edge says "longer than shown".
  ctx.fillStyle = BUDGET.color;
  for (const x of offScale) ctx.fillRect(x - 2, PLOT_TOP_PX, 4, 3);
}

/** A band per stutter episode in view, at least 3 px wide so a single slow frame shows at any zoom. */
function drawEpisodes(ctx: CanvasRenderingContext2D, plot: FramePlot): void {
  ctx.fillStyle = alpha(BUDGET.color, 0.16);
  const bottom = plot.heightPx - AXIS_BOTTOM_PX;
  for (const e of plot.episodes) {
    if (e.endS < plot.range.xMin || e.startS > plot.range.xMax) continue;
    const left = timeToPx(plot.range, plot.widthPx, Math.max(e.startS, plot.range.xMin));
    const right = timeToPx(plot.range, plot.widthPx, Math.min(e.endS, plot.range.xMax));
    const width = Math.max(3, right - left);
    ctx.fillRect(left - (width - (right - left)) / 2, PLOT_TOP_PX, width, bottom - PLOT_TOP_PX);
  }
}

/** Draws everything; returns how many frames fell in the range (for tests and the benchmark). */
export function drawFrameTimes(
  ctx: CanvasRenderingContext2D,
  timeline: FrameTimeline,
  lanes: readonly FrameLane[],
  plot: FramePlot,
): number {
  ctx.clearRect(0, 0, plot.widthPx, plot.heightPx);
  drawEpisodes(ctx, plot);
  drawGrid(ctx, plot);
  const columns = plotWidth(plot.widthPx);
  const { bySession, framesInRange } = decimateFrameTimes(
    { tS: timeline.tS, frameMs: timeline.frameMs, sessionIndex: timeline.columns.sessionIndex },
    lanes.map((l) => l.sessionIndex),
    plot.range.xMin,
    plot.range.xMax,
    columns,
  );
  for (const lane of lanes) drawLane(ctx, plot, bySession.get(lane.sessionIndex)!, lane.color);
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
