// The frame-time histogram: how many frames took how long, on a log count
// scale (a handful of stalls next to 600,000 good frames must still show),
// with the frame budget marked.
import { createEffect, onMount } from 'solid-js';
import { createCanvasSize } from './canvas-size.js';
import { alpha, BUDGET } from './palette.js';

export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
}

const HEIGHT_PX = 180;
const LEFT_PX = 56;
const BOTTOM_PX = 20;

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
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const labelEvery = Math.ceil(bins.length / 12);
  bins.forEach((bin, i) => {
    const x = LEFT_PX + i * barW;
    const over = budgetMs !== null && bin.fromMs >= budgetMs * 1.5;
    const h = (Math.log10(bin.count + 1) / logMost) * plotH;
    ctx.fillStyle = over ? alpha(BUDGET.color, 0.85) : alpha('#38bdf8', 0.8);
    if (bin.count) ctx.fillRect(x + 0.5, 8 + plotH - h, Math.max(1, barW - 1), Math.max(1, h));
    if (i % labelEvery === 0) {
      ctx.fillStyle = '#94a3b8';
      ctx.fillText(`${bin.fromMs.toFixed(bin.fromMs < 10 ? 1 : 0)}`, x, HEIGHT_PX - 15);
    }
  });
  ctx.textAlign = 'right';
  ctx.fillText('ms', widthPx - 2, HEIGHT_PX - 15);
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
