// The pointer on the frame-time chart: hovering names the nearest frame,
// dragging across selects a range to zoom to.
import { createSignal } from 'solid-js';
import type { FrameTimeline } from '../data/frames.js';
import { nearestFrame } from './frame-decimation.js';
import { type FramePlot, yToPx } from './frame-time-draw.js';
import type { HoveredFrame } from './frame-tooltip.js';
import { PLOT_LEFT_PX, pxToTime, type TimeRangeS, timeToPx } from './time-axis-geometry.js';

const MIN_DRAG_PX = 4;
const TOOLTIP_WIDTH_PX = 278;

export function createFrameChartPointer(opts: {
  canvas: () => HTMLCanvasElement;
  plot: () => FramePlot | null;
  timeline: () => FrameTimeline;
  /** The sessions drawn, by index. */
  shown: (sessionIndex: number) => boolean;
  onZoom: (range: TimeRangeS) => void;
}) {
  const [hovered, setHovered] = createSignal<HoveredFrame | null>(null);
  const [drag, setDrag] = createSignal<{ fromPx: number; toPx: number } | null>(null);
  const cursorAt = (e: MouseEvent) => {
    const rect = opts.canvas().getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const hover = (cursor: { x: number; y: number }, p: FramePlot) => {
    const t = opts.timeline();
    const index = nearestFrame(
      { tS: t.tS, frameMs: t.frameMs, sessionIndex: t.columns.sessionIndex },
      (tS, ms) => ({ x: timeToPx(p.range, p.widthPx, tS), y: yToPx(p, ms) }),
      p.range.xMin,
      p.range.xMax,
      cursor,
      4,
      opts.shown,
    );
    if (index < 0) return setHovered(null);
    const flip = cursor.x > p.widthPx - TOOLTIP_WIDTH_PX - 10;
    setHovered({
      index,
      leftPx: flip ? cursor.x - TOOLTIP_WIDTH_PX : cursor.x + 14,
      topPx: Math.max(0, cursor.y - 40),
    });
  };
  return {
    hovered,
    drag,
    clearHover: () => setHovered(null),
    onMove(e: MouseEvent) {
      const p = opts.plot();
      if (!p) return;
      const cursor = cursorAt(e);
      const d = drag();
      if (d) setDrag({ ...d, toPx: cursor.x });
      else hover(cursor, p);
    },
    onDown(e: MouseEvent) {
      const x = cursorAt(e).x;
      if (x >= PLOT_LEFT_PX) setDrag({ fromPx: x, toPx: x });
    },
    onUp() {
      const d = drag();
      const p = opts.plot();
      setDrag(null);
      if (!d || !p || Math.abs(d.toPx - d.fromPx) < MIN_DRAG_PX) return;
      const a = pxToTime(p.range, p.widthPx, Math.min(d.fromPx, d.toPx));
      const b = pxToTime(p.range, p.widthPx, Math.max(d.fromPx, d.toPx));
      opts.onZoom({ xMin: Math.max(a, p.range.xMin), xMax: Math.min(b, p.range.xMax) });
    },
    onLeave() {
      setHovered(null);
      setDrag(null);
    },
  };
}
