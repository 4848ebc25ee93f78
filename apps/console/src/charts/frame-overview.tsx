// The overview under the frame-time chart: the whole recording, small, with
// the range in view highlighted. Drag across it to pick a range.
import { createEffect, createSignal, onMount } from 'solid-js';
import type { FrameTimeline } from '../data/frames.js';
import { createCanvasSize } from './canvas-size.js';
import { decimateFrameTimes } from './frame-decimation.js';
import type { FrameLane } from './frame-time-draw.js';
import { alpha } from './palette.js';
import { PLOT_LEFT_PX, plotWidth, pxToTime, type TimeRangeS, timeToPx } from './time-axis-geometry.js';

const HEIGHT_PX = 44;

function drawOverview(
  ctx: CanvasRenderingContext2D,
  timeline: FrameTimeline,
  lanes: readonly FrameLane[],
  full: TimeRangeS,
  widthPx: number,
  budgetMs: number,
): void {
  ctx.clearRect(0, 0, widthPx, HEIGHT_PX);
  const columns = plotWidth(widthPx);
  const { bySession } = decimateFrameTimes(
    { tS: timeline.tS, frameMs: timeline.frameMs, sessionIndex: timeline.columns.sessionIndex },
    lanes.map((l) => l.sessionIndex),
    full.xMin,
    full.xMax,
    columns,
  );
  const topMs = budgetMs * 4;
  for (const lane of lanes) {
    const max = bySession.get(lane.sessionIndex)!.maxMs;
    ctx.fillStyle = alpha(lane.color, 0.7);
    for (let col = 0; col < columns; col++) {
      const ms = max[col]!;
      if (Number.isNaN(ms)) continue;
      const h = Math.max(1, (Math.min(ms, topMs) / topMs) * (HEIGHT_PX - 4));
      ctx.fillRect(PLOT_LEFT_PX + col, HEIGHT_PX - 2 - h, 1, h);
    }
  }
}

export function FrameOverview(props: {
  timeline: FrameTimeline;
  lanes: readonly FrameLane[];
  full: TimeRangeS;
  range: TimeRangeS;
  budgetMs: number | null;
  onZoom: (range: TimeRangeS) => void;
}) {
  let box!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  const size = createCanvasSize(() => box);
  const [drag, setDrag] = createSignal<{ fromPx: number; toPx: number } | null>(null);
  onMount(() =>
    createEffect(() => {
      const widthPx = size.widthPx();
      const ctx = widthPx ? size.context(canvas, HEIGHT_PX) : null;
      if (ctx) drawOverview(ctx, props.timeline, props.lanes, props.full, widthPx, props.budgetMs ?? 16.7);
    }),
  );
  const xOf = (e: MouseEvent) => e.clientX - canvas.getBoundingClientRect().left;
  // The window in view, or the one being dragged out.
  const windowPx = () => {
    const d = drag();
    if (d) return { left: Math.min(d.fromPx, d.toPx), right: Math.max(d.fromPx, d.toPx) };
    const w = size.widthPx();
    return {
      left: timeToPx(props.full, w, props.range.xMin),
      right: timeToPx(props.full, w, props.range.xMax),
    };
  };
  const finish = () => {
    const d = drag();
    setDrag(null);
    if (!d || Math.abs(d.toPx - d.fromPx) < 4) return;
    const w = size.widthPx();
    const a = pxToTime(props.full, w, Math.min(d.fromPx, d.toPx));
    const b = pxToTime(props.full, w, Math.max(d.fromPx, d.toPx));
    props.onZoom({ xMin: Math.max(props.full.xMin, a), xMax: Math.min(props.full.xMax, b) });
  };
  return (
    <div class="frame-overview" ref={box} data-testid="frame-overview">
      <canvas
        ref={canvas}
        aria-label="whole recording"
        onMouseDown={(e) => setDrag({ fromPx: xOf(e), toPx: xOf(e) })}
        onMouseMove={(e) => drag() && setDrag({ ...drag()!, toPx: xOf(e) })}
        onMouseUp={finish}
        onMouseLeave={() => setDrag(null)}
      />
      <div
        class="overview-window"
        data-testid="overview-window"
        style={{
          left: `${windowPx().left}px`,
          width: `${Math.max(2, windowPx().right - windowPx().left)}px`,
        }}
      />
    </div>
  );
}
