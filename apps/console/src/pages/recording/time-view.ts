// The recording page's one time axis: every chart on the page shows the
// same x range. Dragging across the frame-time chart or its overview,
// picking a stutter, or "Show all" moves it; null means the whole recording.
import { type Accessor, createSignal } from 'solid-js';

/** The same shape as charts/axes.ts AxisRange (s since arming), kept here so this stays a plain module. */
interface AxisRange {
  xMin: number;
  xMax: number;
}

export interface TimeView {
  range: Accessor<AxisRange>;
  full: Accessor<AxisRange>;
  zoomed: Accessor<boolean>;
  zoom(range: AxisRange): void;
  /** Centres a window of `spanS` on `tS` (a stutter), kept inside the recording. */
  focus(tS: number, spanS: number): void;
  reset(): void;
}

/** Narrower than this is not a useful view (a few frames at 60 fps). */
const MIN_SPAN_S = 0.05;

export function createTimeView(full: Accessor<AxisRange>): TimeView {
  const [zoomRange, setZoomRange] = createSignal<AxisRange | null>(null);
  const clamp = (r: AxisRange): AxisRange => {
    const f = full();
    const span = Math.max(r.xMax - r.xMin, MIN_SPAN_S);
    const xMin = Math.max(f.xMin, Math.min(r.xMin, f.xMax - span));
    return { xMin, xMax: Math.min(f.xMax, xMin + span) };
  };
  return {
    range: () => zoomRange() ?? full(),
    full,
    zoomed: () => zoomRange() !== null,
    zoom: (r) => setZoomRange(clamp(r)),
    focus: (tS, spanS) => setZoomRange(clamp({ xMin: tS - spanS / 2, xMax: tS + spanS / 2 })),
    reset: () => setZoomRange(null),
  };
}
