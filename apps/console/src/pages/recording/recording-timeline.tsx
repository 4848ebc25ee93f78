// Everything on the recording page's shared time axis: the frame-time card
// (with the event lane), the stutters, the summary, the per-window charts and
// the host load. One TimeView drives all of them; one session pick (all, or
// one session) filters all of them.
import type { Capture } from '@punktfunk/shared';
import { createMemo, createSignal, Show } from 'solid-js';
import { rangeOf } from '../../charts/axes.js';
import type { SessionRows } from '../../charts/session-lines.js';
import { frameFigures } from '../../data/frame-figures.js';
import { createFrameTimeline } from '../../data/resources.js';
import { timeline as sampleTimeline } from '../../data/series.js';
import { type SessionPick, sessionDetail } from '../../data/sessions.js';
import { useHost } from '../../providers/host.js';
import { DrawGroup } from '../../ui/chart.js';
import { Notice } from '../../ui/controls.js';
import { SessionPicker } from '../../ui/session-picker.js';
import { type ChartScope, RecordingCharts } from './charts.js';
import { FrameTimesCard } from './frame-times-card.js';
import { type SessionScope, sessionScope } from './session-scope.js';
import { StuttersCard } from './stutters-card.js';
import { SummaryCard } from './summary-card.js';
import { createTimeView } from './time-view.js';

function RecordingPicker(props: { scope: SessionScope; onPick: (pick: SessionPick) => void }) {
  const sessions = () =>
    props.scope.sessions.map((s, i) => ({
      sessionId: s.sessionId,
      label: props.scope.label(i),
      color: props.scope.colorOf(i),
      detail: sessionDetail(s),
    }));
  return (
    <div class="picker-row recording-picker">
      <span class="muted small">{props.scope.sessions.length} sessions in this recording · show</span>
      <SessionPicker sessions={sessions()} value={props.scope.pick} onChange={props.onPick} />
    </div>
  );
}

/** The per-window charts' input: the picked session's samples, or with all of several a line per session. */
function chartScope(capture: Capture, scope: SessionScope): ChartScope {
  const samples = scope.samples(capture.samples);
  const lanes: SessionRows[] | null =
    scope.several && scope.index === null
      ? scope.sessions.map((s, i) => ({
          label: scope.label(i),
          color: scope.colorOf(i),
          rows: sampleTimeline(capture.samples.filter((x) => x.sessionId === s.sessionId)),
        }))
      : null;
  // Sessions at different fps share no one frame time (no budget line then).
  const mixedFps = lanes !== null && new Set(scope.sessions.map((s) => s.fps)).size > 1;
  return { samples, rows: sampleTimeline(samples), lanes, fps: mixedFps ? null : scope.fps };
}

export function RecordingTimeline(props: { capture: Capture; onAllDrawn: () => void }) {
  const host = useHost();
  const meta = () => props.capture.meta;
  const frames = createFrameTimeline(host, () => props.capture);
  const [pick, setPick] = createSignal<SessionPick>('all');
  const scope = createMemo(() => sessionScope(props.capture, pick()));
  const charts = createMemo(() => chartScope(props.capture, scope()));
  const allRows = createMemo(() => sampleTimeline(props.capture.samples));
  const loaded = () => (frames.state === 'ready' ? frames() : undefined);
  const figures = createMemo(() => {
    const timeline = loaded();
    if (!timeline) return null;
    return frameFigures(timeline.analysis.sessions.filter((s) => scope().shows(s.sessionIndex)));
  });
  const full = createMemo(() => {
    const lastEventS = props.capture.events.reduce((m, e) => Math.max(m, e.tMs / 1000), 0);
    const endS = Math.max(rangeOf(allRows()).xMax, meta().durationMs / 1000, loaded()?.endS ?? 0, lastEventS);
    return { xMin: 0, xMax: endS };
  });
  const view = createTimeView(full);
  return (
    <>
      <Show when={scope().several}>
        <RecordingPicker scope={scope()} onPick={setPick} />
      </Show>
      <FrameTimesCard
        meta={meta()}
        timeline={frames}
        events={props.capture.events}
        view={view}
        scope={scope()}
      />
      <Show when={loaded()}>
        {(timeline) => <StuttersCard meta={meta()} timeline={timeline()} view={view} scope={scope()} />}
      </Show>
      <Show
        when={props.capture.samples.length}
        fallback={<Notice>This recording holds no samples: no session streamed while it was armed.</Notice>}
      >
        <SummaryCard
          capture={props.capture}
          frames={figures()}
          sessionFrames={loaded()?.analysis.sessions ?? null}
          scope={scope()}
          onPick={setPick}
        />
        <DrawGroup onAllDrawn={props.onAllDrawn}>
          <RecordingCharts capture={props.capture} scope={charts()} range={view.range()} />
        </DrawGroup>
      </Show>
    </>
  );
}
