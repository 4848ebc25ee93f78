// The frame-time chart: every frame of the recording, min/max-decimated per
// pixel column (frame-time-draw.ts). Drag across it to zoom the shared time
// axis, double-click to see everything again; the tooltip names the frame
// nearest the cursor. Reports data-drawn, data-frames (frames in view) and
// data-draw-ms on its canvas for tests and the benchmark.
import { createEffect, createMemo, onMount, Show } from 'solid-js';
import type { FrameTimeline } from '../data/frames.js';
import { createCanvasSize } from './canvas-size.js';
import { createFrameChartPointer } from './frame-chart-pointer.js';
import {
  drawFrameTimes,
  type FrameLane,
  type FramePlot,
  longestInRange,
  scaleTopMs,
} from './frame-time-draw.js';
import { FrameTooltip } from './frame-tooltip.js';
import type { TimeRangeS } from './time-axis-geometry.js';

function drawAndReport(
  ctx: CanvasRenderingContext2D,
  canvas: HTMLCanvasElement,
  props: { timeline: FrameTimeline; lanes: readonly FrameLane[]; range: TimeRangeS; budgetMs: number | null },
  widthPx: number,
  heightPx: number,
): FramePlot {
  const started = performance.now();
  const plot: FramePlot = {
    range: props.range,
    widthPx,
    heightPx,
    yMaxMs: scaleTopMs(longestInRange(props.timeline, props.range), props.budgetMs),
    budgetMs: props.budgetMs,
    // The episodes of the sessions drawn (a picked session's only).
    episodes: props.timeline.analysis.episodes
      .filter((e) => props.lanes.some((l) => l.sessionIndex === e.sessionIndex))
      .map((e) => ({ startS: e.startUs / 1e6, endS: e.endUs / 1e6 })),
  };
  const frames = drawFrameTimes(ctx, props.timeline, props.lanes, plot);
  canvas.dataset.frames = String(frames);
  canvas.dataset.drawMs = (performance.now() - started).toFixed(1);
  canvas.dataset.drawn = 'true';
  return plot;
}

export function FrameTimeChart(props: {
  timeline: FrameTimeline;
  lanes: readonly FrameLane[];
  range: TimeRangeS;
  budgetMs: number | null;
  heightPx?: number;
  onZoom: (range: TimeRangeS) => void;
  onReset: () => void;
  sessionLabel: (sessionIndex: number) => string;
  stageNames: (sessionIndex: number) => readonly string[];
  onDrawn?: () => void;
}) {
  let box!: HTMLDivElement;
  let canvas!: HTMLCanvasElement;
  const size = createCanvasSize(() => box);
  const heightPx = () => props.heightPx ?? 280;
  let plot: FramePlot | null = null;
  const drawnSessions = createMemo(() => new Set(props.lanes.map((l) => l.sessionIndex)));
  const pointer = createFrameChartPointer({
    canvas: () => canvas,
    plot: () => plot,
    timeline: () => props.timeline,
    // Looked up per frame while hovering: a set, not a search of the lanes.
    shown: (index) => drawnSessions().has(index),
    onZoom: (range) => props.onZoom(range),
  });

  onMount(() =>
    createEffect(() => {
      const widthPx = size.widthPx();
      const ctx = widthPx ? size.context(canvas, heightPx()) : null;
      if (!ctx) return;
      plot = drawAndReport(ctx, canvas, props, widthPx, heightPx());
      pointer.clearHover();
      props.onDrawn?.();
    }),
  );

  return (
    <div class="frame-chart" ref={box}>
      <canvas
        ref={canvas}
        role="img"
        aria-label="frame times"
        data-testid="chart-frame-times"
        onMouseMove={pointer.onMove}
        onMouseLeave={pointer.onLeave}
        onMouseDown={pointer.onDown}
        onMouseUp={pointer.onUp}
        onDblClick={() => props.onReset()}
      />
      <Show when={pointer.drag()}>
        {(d) => (
          <div
            class="drag-selection"
            style={{
              left: `${Math.min(d().fromPx, d().toPx)}px`,
              width: `${Math.abs(d().toPx - d().fromPx)}px`,
              height: `${heightPx() - 20}px`,
            }}
          />
        )}
      </Show>
      <Show when={!pointer.drag() && pointer.hovered()}>
        {(h) => (
          <FrameTooltip
            timeline={props.timeline}
            hovered={h()}
            sessionLabel={props.sessionLabel}
            stageNames={props.stageNames}
          />
        )}
      </Show>
    </div>
  );
}
