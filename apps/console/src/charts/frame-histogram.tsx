// The frame-time histogram: how many frames took how long, on a log count
// scale (a handful of stalls next to 600,000 good frames must still show),
// with the frame budget marked.
import { createEffect, onMount } from 'solid-js';
import type { HistogramBin } from '../data/frame-histogram.js';
import { createCanvasSize } from './canvas-size.js';
import { alpha, BUDGET } from './palette.js';

const HEIGHT_PX = 220;
const LEFT_PX = 56;
const BOTTOM_PX = 20;

/** Whole-ms labels every 5 or 10 ms, and the overflow bar as "≥ N". */
function drawMsLabels(
  ctx: CanvasRenderingContext2D,
  bins: readonly HistogramBin[],
  xOfMs: (ms: number) => number,
  rightPx: number,
) {
  const last = bins[bins.length - 1]!;
  const stepMs = last.fromMs > 60 ? 10 : 5;
  ctx.fillStyle = '#94a3b8';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let ms = 0; ms < last.fromMs - stepMs; ms += stepMs)
    ctx.fillText(String(ms), xOfMs(ms), HEIGHT_PX - 15);
  ctx.textAlign = 'right';
  ctx.fillText(`≥ ${Math.round(last.fromMs)} ms`, rightPx, HEIGHT_PX - 15);
}

function drawHistogram(
  ctx: CanvasRenderingContext2D,
  bins: readonly HistogramBin[],
  widthPx: number,
  budgetMs: number | null,
): void {
  ctx.clearRect(0, 0, widthPx, HEIGHT_PX);
  if (!bins.length) return;
  const plotW = widthPx - LEFT_PX - 16;
  const plotH = HEIGHT_PX - BOTTOM_PX - 8;
  const most = Math.max(...bins.map((b) => b.count));
  const logMost = Math.log10(most + 1) || 1;
  const barW = plotW / bins.length;
  ctx.font = '11px Inter, system-ui, sans-serif';
  ctx.fillStyle = '#94a3b8';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let p = 0; 10 ** p <= most; p++) {
    const y = 8 + plotH - (Math.log10(10 ** p + 1) / logMost) * plotH;
    ctx.fillText(p >= 3 ? `${10 ** (p - 3)}k` : String(10 ** p), LEFT_PX - 6, y);
  }
  bins.forEach((bin, i) => {
    const over = budgetMs !== null && bin.fromMs >= budgetMs * 1.5;
    const h = (Math.log10(bin.count + 1) / logMost) * plotH;
    ctx.fillStyle = over ? alpha(BUDGET.color, 0.85) : alpha('#38bdf8', 0.8);
    if (bin.count)
      ctx.fillRect(LEFT_PX + i * barW + 0.5, 8 + plotH - h, Math.max(1, barW - 1), Math.max(1, h));
  });
  const xOfMs = (ms: number) => LEFT_PX + (ms / bins[0]!.toMs) * barW;
  drawMsLabels(ctx, bins, xOfMs, widthPx - 2);
  if (budgetMs !== null) {
    ctx.setLineDash([4, 3]);
    for (const [ms, color] of [
      [budgetMs, BUDGET.color],
      [budgetMs * 2, '#fb923c'],
    ] as const) {
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(Math.round(xOfMs(ms)) + 0.5, 8);
      ctx.lineTo(Math.round(xOfMs(ms)) + 0.5, 8 + plotH);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
}

export function FrameHistogram(props: { bins: readonly HistogramBin[]; budgetMs: number | null }) {
  let box!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  const size = createCanvasSize(() => box);
  onMount(() =>
    createEffect(() => {
      const w = size.widthPx();
      const ctx = w ? size.context(canvas, HEIGHT_PX) : null;
      if (!ctx) return;
      drawHistogram(ctx, props.bins, w, props.budgetMs);
      canvas.dataset.drawn = 'true';
      canvas.dataset.frames = String(props.bins.reduce((n, b) => n + b.count, 0));
    }),
  );
  return (
    <div class="histogram-box" ref={box}>
      <canvas ref={canvas} role="img" aria-label="frame-time histogram" data-testid="chart-frame-histogram" />
    </div>
  );
}
