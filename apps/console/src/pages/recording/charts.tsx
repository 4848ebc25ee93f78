// A recording's time series: the latency stack (p50 or p99), throughput, and
// the figure groups, host load. Each chart reports its own draw to the DrawGroup around it.
import type { Capture, StatsSample } from '@punktfunk/shared';
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { AxisRange } from '../../charts/axes.js';
import { HEALTH_FIGURES, NETWORK_FIGURES, SEND_FIGURES } from '../../charts/figures.js';
import { latencyConfig } from '../../charts/latency.js';
import {
  type SessionRows,
  sessionLatencyConfig,
  sessionThroughputConfig,
} from '../../charts/session-lines.js';
import { StageLegend } from '../../charts/stage-legend.js';
import { throughputConfig } from '../../charts/throughput.js';
import type { TimelineRow } from '../../data/series.js';
import { stageNames } from '../../data/summary.js';
import { LineChart } from '../../ui/chart.js';
import { Card, Segmented } from '../../ui/controls.js';
import { FigureCard } from './figure-card.js';
import { TelemetryCard } from './telemetry-card.js';

/** The figure groups, each a FigureCard; Send cost is left out where nothing of it was measured. */
const FIGURE_CARDS = [
  {
    name: 'health',
    title: 'Health',
    subtitle: 'Counters per window',
    label: 'health',
    figures: HEALTH_FIGURES,
    unit: 'count',
    emptyText: 'No health counter was measured on this path.',
  },
  {
    name: 'network',
    title: 'Network & client',
    subtitle: 'Round trip and what the client reported',
    label: 'network',
    figures: NETWORK_FIGURES,
    unit: 'ms',
    emptyText: 'Not measured: this path reported no round-trip time and no client figures.',
  },
  {
    name: 'send',
    title: 'Send cost per frame',
    subtitle: 'Mean time spent inside the send stage',
    label: 'send cost',
    figures: SEND_FIGURES,
    unit: 'ms',
  },
] as const;

/** What the per-window charts show: one session's (or the only one's) rows, or a line per session. */
export interface ChartScope {
  samples: readonly StatsSample[];
  rows: readonly TimelineRow[];
  /** Several sessions at once; null: `rows` is one session's. */
  lanes: readonly SessionRows[] | null;
  fps: number | null;
}

function LatencyCard(props: { scope: ChartScope; range: AxisRange }) {
  const [which, setWhich] = createSignal<'p50' | 'p99'>('p50');
  const stages = createMemo(() => stageNames(props.scope.samples));
  const budgetUs = () => (props.scope.fps ? 1e6 / props.scope.fps : null);
  return (
    <Card
      title={props.scope.lanes ? 'Host latency per session' : 'Latency by stage'}
      testId="latency-card"
      subtitle={
        props.scope.lanes
          ? 'Each session’s host total (capture start → last packet sent); pick a session for its stages'
          : 'Stacked per-stage time per frame; the white line is the measured host total'
      }
      actions={
        <Segmented
          label="percentile"
          value={which()}
          onChange={setWhich}
          options={[
            { value: 'p50', label: 'p50' },
            { value: 'p99', label: 'p99' },
          ]}
        />
      }
    >
      <LineChart
        label="latency"
        testId="chart-latency"
        height={300}
        config={() =>
          props.scope.lanes
            ? sessionLatencyConfig({
                lanes: props.scope.lanes,
                which: which(),
                frameBudgetUs: budgetUs(),
                range: props.range,
              })
            : latencyConfig({
                rows: props.scope.rows,
                stages: stages(),
                which: which(),
                frameBudgetUs: budgetUs(),
                range: props.range,
              })
        }
      />
      <Show when={!props.scope.lanes}>
        <StageLegend stages={stages()} budget={budgetUs() !== null} />
      </Show>
    </Card>
  );
}

/** The per-window charts, on the page's shared time axis (`range`), of the sessions the page shows. */
export function RecordingCharts(props: { capture: Capture; scope: ChartScope; range: AxisRange }) {
  const samples = () => props.scope.samples;
  const rows = () => props.scope.rows;
  const range = () => props.range;
  return (
    <>
      <LatencyCard scope={props.scope} range={range()} />
      <div class="grid-2">
        <Card
          title="Throughput"
          testId="throughput-card"
          subtitle={
            props.scope.lanes
              ? 'Each session’s new frames (solid) and wire rate (dashed)'
              : 'New and repeated frames, wire rate and encoder target'
          }
        >
          <LineChart
            label="throughput"
            testId="chart-throughput"
            config={() =>
              props.scope.lanes
                ? sessionThroughputConfig({
                    lanes: props.scope.lanes,
                    streamFps: props.scope.fps,
                    range: range(),
                  })
                : throughputConfig({
                    samples: samples(),
                    rows: rows(),
                    range: range(),
                    streamFps: props.scope.fps,
                  })
            }
          />
        </Card>
        <For each={FIGURE_CARDS}>
          {(card) => (
            <FigureCard
              {...card}
              samples={samples()}
              rows={rows()}
              lanes={props.scope.lanes}
              range={range()}
            />
          )}
        </For>
        <TelemetryCard
          telemetry={props.capture.telemetry ?? []}
          samples={samples()}
          rows={rows()}
          range={range()}
        />
      </div>
    </>
  );
}
