// The one Chart.js wrapper (a leaf: it knows canvases, not stats). The chart
// is created only in the browser, after mount, and updated in place when its
// configuration changes. It reports when it has drawn, and how many sample
// points it holds (data-points, gap markers excluded), for tests and the benchmark.
import {
  type ChartConfiguration,
  Chart as ChartJs,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { createEffect, onCleanup, onMount } from 'solid-js';

ChartJs.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend);
ChartJs.defaults.color = '#94a3b8';
ChartJs.defaults.borderColor = 'rgba(148, 163, 184, 0.12)';
ChartJs.defaults.font.family = "Inter, 'Segoe UI', system-ui, -apple-system, sans-serif";
ChartJs.defaults.font.size = 11;

export type LineConfig = ChartConfiguration<'line', { x: number; y: number | null; gap?: true }[]>;

function samplePoints(config: LineConfig): number {
  let most = 0;
  for (const ds of config.data.datasets) {
    if ((ds as { reference?: boolean }).reference) continue;
    let n = 0;
    for (const p of ds.data) if (!p.gap) n++;
    most = Math.max(most, n);
  }
  return most;
}

export function LineChart(props: {
  config: () => LineConfig;
  label: string;
  height?: number;
  onDrawn?: () => void;
  testId?: string;
}) {
  let canvas!: HTMLCanvasElement;
  let chart: ChartJs<'line', { x: number; y: number | null; gap?: true }[]> | undefined;
  let drawn = false;

  const afterRender = {
    id: 'punktfunkDrawn',
    afterRender: () => {
      canvas.dataset.drawn = 'true';
      if (!drawn) {
        drawn = true;
        props.onDrawn?.();
      }
    },
  };

  onMount(() => {
    const config = props.config();
    canvas.dataset.points = String(samplePoints(config));
    chart = new ChartJs(canvas, { ...config, plugins: [...(config.plugins ?? []), afterRender] });
    createEffect(() => {
      const next = props.config();
      if (!chart || next === config) return;
      chart.data = next.data;
      chart.options = next.options ?? {};
      canvas.dataset.points = String(samplePoints(next));
      chart.update('none');
    });
  });
  onCleanup(() => chart?.destroy());

  return (
    <div class="chart-box" style={{ height: `${props.height ?? 260}px` }}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={props.label}
        data-testid={props.testId}
        data-chart={props.label}
      />
    </div>
  );
}
