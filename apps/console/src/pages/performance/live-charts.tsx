// The live charts: the armed capture's last ten minutes, redrawn as samples
// arrive, each under the event lane (markers, keyframes, bitrate changes).
import type { StatsSample, TimelineEvent } from '@punktfunk/shared';
import { createMemo, createSignal, Show } from 'solid-js';
import { liveRange } from '../../charts/axes.js';
import { EventLane } from '../../charts/event-lane.js';
import { latencyConfig } from '../../charts/latency.js';
import { StageLegend } from '../../charts/stage-legend.js';
import { throughputConfig } from '../../charts/throughput.js';
import { timeline } from '../../data/series.js';
import { stageNames } from '../../data/summary.js';
import { LineChart, type PlotInsets } from '../../ui/chart.js';

export function LiveCharts(props: {
  samples: readonly StatsSample[];
  events: readonly TimelineEvent[];
  streamFps: number | null;
}) {
  const rows = createMemo(() => timeline(props.samples));
  const range = createMemo(() => {
    const r = liveRange(rows());
    const lastEventS = props.events.length ? props.events[props.events.length - 1]!.tMs / 1000 : 0;
    return { xMin: r.xMin, xMax: Math.max(r.xMax, lastEventS) };
  });
  const stages = createMemo(() => stageNames(props.samples));
  // Each lane lines up with the plot area of the chart under it (its axes' widths vary).
  const [latencyInsets, setLatencyInsets] = createSignal<PlotInsets>();
  const [throughputInsets, setThroughputInsets] = createSignal<PlotInsets>();
  const budgetUs = () => (props.streamFps ? 1e6 / props.streamFps : null);
  return (
    <Show
      when={props.samples.length > 0}
      fallback={
        <>
          {/* Markers can come before any session streams. */}
          <EventLane events={props.events} range={range()} testId="live-event-lane" />
          <div class="empty" data-testid="live-waiting">
            Waiting for the first sample… A streaming session reports one every 1–2 s.
          </div>
        </>
      }
    >
      <div class="chart-grid">
        <div>
          <h3 class="chart-title">Latency by stage (p50)</h3>
          <EventLane
            events={props.events}
            range={range()}
            insets={latencyInsets()}
            testId="live-event-lane"
          />
          <LineChart
            label="live latency"
            onPlotInsets={setLatencyInsets}
            testId="live-latency"
            height={230}
            config={() =>
              latencyConfig({
                rows: rows(),
                stages: stages(),
                which: 'p50',
                frameBudgetUs: budgetUs(),
                range: range(),
              })
            }
          />
          <StageLegend stages={stages()} budget={budgetUs() !== null} compact />
        </div>
        <div>
          <h3 class="chart-title">Throughput</h3>
          <EventLane events={props.events} range={range()} insets={throughputInsets()} />
          <LineChart
            label="live throughput"
            onPlotInsets={setThroughputInsets}
            testId="live-throughput"
            height={230}
            config={() =>
              throughputConfig({
                rows: rows(),
                samples: props.samples,
                streamFps: props.streamFps,
                range: range(),
              })
            }
          />
        </div>
      </div>
    </Show>
  );
}
