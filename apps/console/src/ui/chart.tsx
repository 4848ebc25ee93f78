// The one Chart.js wrapper (a leaf: it knows canvases, not stats). The chart
// is created only in the browser, after mount, and updated in place when its
// configuration changes. Each chart reports its own first draw (data-drawn,
// and to the DrawGroup around it), how many sample points it holds
// (data-points, gap markers excluded) and its x range (data-x-min/max), for
// tests and the benchmark.
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
import { createContext, createEffect, type JSX, onCleanup, onMount, useContext } from 'solid-js';

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

/** Charts that report their first draw; the group knows when all of them have drawn. */
interface DrawGroup {
  /** A chart joins; the function it gets back reports its first draw (or its removal). */
  join(): () => void;
}

const DrawGroupContext = createContext<DrawGroup>();

/**
 * Calls `onAllDrawn` once, when every chart rendered inside has drawn for
 * the first time. The charts count themselves: no one keeps a tally of which
 * charts a page shows. Charts mounted in one pass all join before the check,
 * which waits for a microtask after the last report.
 */
export function DrawGroup(props: { onAllDrawn: () => void; children: JSX.Element }) {
  let waiting = 0;
  let joined = false;
  let done = false;
  const check = () =>
    queueMicrotask(() => {
      if (done || !joined || waiting > 0) return;
      done = true;
      props.onAllDrawn();
    });
  const group: DrawGroup = {
    join: () => {
      waiting++;
      joined = true;
      let reported = false;
      return () => {
        if (reported) return;
        reported = true;
        waiting--;
        check();
      };
    },
  };
  return <DrawGroupContext.Provider value={group}>{props.children}</DrawGroupContext.Provider>;
}

/** Where a chart's plot area sits inside its canvas, so a strip above it can line up (the live event lane). */
export interface PlotInsets {
  leftPx: number;
  rightPx: number;
}

export function LineChart(props: {
  config: () => LineConfig;
  onPlotInsets?: (insets: PlotInsets) => void;
  label: string;
  height?: number;
  testId?: string;
}) {
  let canvas!: HTMLCanvasElement;
  let chart: ChartJs<'line', { x: number; y: number | null; gap?: true }[]> | undefined;
  const group = useContext(DrawGroupContext);
  let reportDrawn: (() => void) | undefined;

  const afterRender = {
    id: 'punktfunkDrawn',
    afterRender: (c: ChartJs) => {
      canvas.dataset.drawn = 'true';
      reportDrawn?.();
      props.onPlotInsets?.({ leftPx: c.chartArea.left, rightPx: c.width - c.chartArea.right });
    },
  };

  onMount(() => {
    reportDrawn = group?.join();
    // One run per configuration: the first creates the chart, later ones
    // update it in place (the config accessor builds a new object every call,
    // so building it once per change also means drawing once per change).
    createEffect(() => {
      const config = props.config();
      canvas.dataset.points = String(samplePoints(config));
      // The time axis shown, for tests of the recording page's shared zoom.
      const x = config.options?.scales?.x;
      canvas.dataset.xMin = x?.min === undefined ? '' : String(x.min);
      canvas.dataset.xMax = x?.max === undefined ? '' : String(x.max);
      if (!chart) {
        chart = new ChartJs(canvas, { ...config, plugins: [...(config.plugins ?? []), afterRender] });
        return;
      }
      chart.data = config.data;
      chart.options = config.options ?? {};
      chart.update('none');
    });
  });
  onCleanup(() => {
    chart?.destroy();
    // A chart removed before it drew does not hold its group up.
    reportDrawn?.();
  });

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
