// The live charts: the armed capture's last ten minutes, redrawn as samples
// arrive, each under the event lane (markers, keyframes, bitrate changes).
// One session: its stage stack and throughput. Several: a line per session
// in its colour, and a picker to show one of them with its stack.
import type { StatsSample, TimelineEvent } from '@punktfunk/shared';
import { createMemo, createSignal, Show } from 'solid-js';
import { type AxisRange, liveRange } from '../../charts/axes.js';
import { EventLane, type EventSessionColor } from '../../charts/event-lane.js';
import { latencyConfig } from '../../charts/latency.js';
import {
  type SessionRows,
  sessionLatencyConfig,
  sessionThroughputConfig,
} from '../../charts/session-lines.js';
import { StageLegend } from '../../charts/stage-legend.js';
import { throughputConfig } from '../../charts/throughput.js';
import { timeline } from '../../data/series.js';
import { eventsOf, type SessionPick, samplesOf } from '../../data/sessions.js';
import { stageNames } from '../../data/summary.js';
import { LineChart, type LineConfig, type PlotInsets } from '../../ui/chart.js';
import { type PickableSession, SessionPicker } from '../../ui/session-picker.js';

interface ChartsView {
  /** Several sessions, a line each; false: one session's stack. */
  perSession: boolean;
  latency: () => LineConfig;
  throughput: () => LineConfig;
  stages: readonly string[];
}

interface LiveChartsProps {
  samples: readonly StatsSample[];
  events: readonly TimelineEvent[];
  /** The sessions that have samples in view, in order, with their colours. */
  sessions: readonly PickableSession[];
  pick: SessionPick;
  onPick: (pick: SessionPick) => void;
  /** The fps of the picked session (or of the newest sample's). */
  streamFps: number | null;
  colorOf: (sessionId: string) => string;
}

/** What the two charts draw: a line per session (all of several), or one session's stack. */
function createChartsView(props: LiveChartsProps, range: () => AxisRange) {
  const shown = createMemo(() => samplesOf(props.samples, props.pick));
  const rows = createMemo(() => timeline(shown()));
  const lanes = createMemo<SessionRows[]>(() =>
    props.sessions.map((s) => ({
      label: s.label,
      color: s.color,
      rows: timeline(props.samples.filter((x) => x.sessionId === s.sessionId)),
    })),
  );
  const budgetUs = () => (props.streamFps ? 1e6 / props.streamFps : null);
  return createMemo<ChartsView>(() => {
    const stages = stageNames(shown());
    if (props.pick === 'all' && props.sessions.length > 1) {
      return {
        perSession: true,
        stages,
        latency: () =>
          // Sessions at different fps have different frame times: no one budget line.
          sessionLatencyConfig({ lanes: lanes(), which: 'p50', frameBudgetUs: null, range: range() }),
        throughput: () =>
          sessionThroughputConfig({ lanes: lanes(), streamFps: props.streamFps, range: range() }),
      };
    }
    return {
      perSession: false,
      stages,
      latency: () =>
        latencyConfig({ rows: rows(), stages, which: 'p50', frameBudgetUs: budgetUs(), range: range() }),
      throughput: () =>
        throughputConfig({ rows: rows(), samples: shown(), streamFps: props.streamFps, range: range() }),
    };
  });
}

export function LiveCharts(props: LiveChartsProps) {
  const range = createMemo(() => {
    const r = liveRange(timeline(props.samples));
    const lastEventS = props.events.length ? props.events[props.events.length - 1]!.tMs / 1000 : 0;
    return { xMin: r.xMin, xMax: Math.max(r.xMax, lastEventS) };
  });
  const view = createChartsView(props, range);
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
      <Show when={props.sessions.length > 1}>
        <div class="picker-row">
          <span class="muted small">Show</span>
          <SessionPicker
            sessions={props.sessions}
            value={props.pick}
            onChange={props.onPick}
            testId="live-picker"
          />
        </div>
      </Show>
      <LiveChartGrid
        view={view()}
        events={eventsOf(props.events, props.pick)}
        range={range()}
        budget={props.streamFps !== null}
        laneColor={(id) => (id !== null && props.sessions.length > 1 ? props.colorOf(id) : null)}
      />
    </Show>
  );
}

function LiveChartGrid(props: {
  view: ChartsView;
  events: readonly TimelineEvent[];
  range: AxisRange;
  budget: boolean;
  laneColor: EventSessionColor;
}) {
  // Each lane lines up with the plot area of the chart under it (its axes' widths vary).
  const [latencyInsets, setLatencyInsets] = createSignal<PlotInsets>();
  const [throughputInsets, setThroughputInsets] = createSignal<PlotInsets>();
  return (
    <div class="chart-grid">
      <div>
        <h3 class="chart-title">
          {props.view.perSession ? 'Host latency per session (p50)' : 'Latency by stage (p50)'}
        </h3>
        <EventLane
          events={props.events}
          range={props.range}
          insets={latencyInsets()}
          testId="live-event-lane"
          sessionColor={props.laneColor}
        />
        <LineChart
          label="live latency"
          onPlotInsets={setLatencyInsets}
          testId="live-latency"
          height={230}
          config={() => props.view.latency()}
        />
        <Show when={!props.view.perSession}>
          <StageLegend stages={props.view.stages} budget={props.budget} compact />
        </Show>
      </div>
      <div>
        <h3 class="chart-title">{props.view.perSession ? 'Throughput per session' : 'Throughput'}</h3>
        <EventLane
          events={props.events}
          range={props.range}
          insets={throughputInsets()}
          sessionColor={props.laneColor}
        />
        <LineChart
          label="live throughput"
          onPlotInsets={setThroughputInsets}
          testId="live-throughput"
          height={230}
          config={() => props.view.throughput()}
        />
      </div>
    </div>
  );
}
