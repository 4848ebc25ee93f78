// A canvas that follows its box's width (and the screen's pixel ratio): the
// signal moves on resize, and the drawing effect that reads it redraws.
import { type Accessor, createSignal, onCleanup, onMount } from 'solid-js';

export interface CanvasSize {
  widthPx: Accessor<number>;
  /** Sizes the backing store for the CSS size and returns a context in CSS pixels. */
  context(canvas: HTMLCanvasElement, heightPx: number): CanvasRenderingContext2D | null;
}

export function createCanvasSize(box: () => HTMLElement): CanvasSize {
  const [widthPx, setWidth] = createSignal(0);
  onMount(() => {
    const el = box();
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    onCleanup(() => observer.disconnect());
  });
  return {
    widthPx,
    context(canvas, heightPx) {
      const ratio = window.devicePixelRatio || 1;
      const w = widthPx();
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(heightPx * ratio);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${heightPx}px`;
      const ctx = canvas.getContext('2d');
      ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
      return ctx;
    },
  };
}
