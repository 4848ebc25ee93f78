// The frame-time card: the event lane, every frame of the recording with its
// overview, on the page's shared time axis. Says plainly when the recording
// has no timeline or its file could not be read.
import type { CaptureMeta, TimelineEvent } from '@punktfunk/shared';
import { createMemo, For, type JSX, Match, type Resource, Show, Switch } from 'solid-js';
import { EventLane } from '../../charts/event-lane.js';
import { FrameOverview } from '../../charts/frame-overview.js';
import { FrameTimeChart } from '../../charts/frame-time-chart.js';
import { BUDGET } from '../../charts/palette.js';
import type { FrameTimeline } from '../../data/frames.js';
import { Button, Card, errorText, Notice } from '../../ui/controls.js';
import { formatSeconds } from '../../ui/format.js';
import { type SessionLane, sessionLanes } from './frame-lanes.js';
import type { SessionScope } from './session-scope.js';
import type { TimeView } from './time-view.js';

export const FRAMES_DRAWN_MARK = 'punktfunk:frames-drawn';

/** The host's own words (it names what is missing or damaged), else the error. */
function timelineErrorText(error: unknown): string {
  return errorText(error).replace(/\.$/, '');
}

function FrameLegend(props: {
  lanes: readonly SessionLane[];
  budgetMs: number | null;
  several: boolean;
  /** The budget is the fastest of several sessions' (all shown at different fps). */
  fastest: boolean;
}) {
  return (
    <div class="legend-row">
      <For each={props.lanes}>
        {(lane) => (
          <span class="legend-item">
            <span class="legend-swatch" style={{ background: lane.color }} />
            {props.several ? lane.label : 'frame time (min–max per pixel)'}
          </span>
        )}
      </For>
      <Show when={props.budgetMs !== null}>
        <span class="legend-item" title={BUDGET.text}>
          <span class="legend-dash" style={{ 'border-color': BUDGET.color }} />
          budget {props.budgetMs!.toFixed(1)} ms{props.fastest ? ' (the fastest session’s)' : ''}
        </span>
        <span class="legend-item" title="two frame times: a frame was missed">
          <span class="legend-dash" style={{ 'border-color': '#fb923c' }} />2 × budget
        </span>
      </Show>
      <span class="muted small legend-hint">drag to zoom · double-click to show all</span>
    </div>
  );
}

function LoadedFrames(props: {
  meta: CaptureMeta;
  timeline: FrameTimeline;
  events: readonly TimelineEvent[];
  view: TimeView;
  scope: SessionScope;
}) {
  const allLanes = createMemo(() => sessionLanes(props.meta, props.timeline));
  // The picked session only (its frames, its episodes); all by default.
  const lanes = createMemo(() => allLanes().filter((l) => props.scope.shows(l.sessionIndex)));
  const budgetMs = () => (props.scope.fps ? 1000 / props.scope.fps : null);
  const laneOf = (index: number) => allLanes().find((l) => l.sessionIndex === index);
  return (
    <>
      <FrameLegend
        lanes={lanes()}
        budgetMs={budgetMs()}
        several={props.scope.several}
        fastest={lanes().length > 1 && new Set(lanes().map((l) => laneFps(props.meta, l))).size > 1}
      />
      <EventLane
        events={props.scope.events(props.events)}
        range={props.view.range()}
        sessionColor={props.scope.eventColor}
      />
      <FrameTimeChart
        timeline={props.timeline}
        lanes={lanes()}
        range={props.view.range()}
        budgetMs={budgetMs()}
        onZoom={props.view.zoom}
        onReset={props.view.reset}
        sessionLabel={(i) => laneOf(i)?.label ?? `session ${i}`}
        stageNames={(i) => laneOf(i)?.stageNames ?? []}
        onDrawn={() => performance.mark(FRAMES_DRAWN_MARK)}
      />
      <FrameOverview
        timeline={props.timeline}
        lanes={lanes()}
        full={props.view.full()}
        range={props.view.range()}
        budgetMs={budgetMs()}
        onZoom={props.view.zoom}
      />
      <Show when={props.timeline.truncated}>
        <p class="footnote">The capture ran longer than the frame timeline holds: only its start is kept.</p>
      </Show>
    </>
  );
}

export function FrameTimesCard(props: {
  meta: CaptureMeta;
  timeline: Resource<FrameTimeline>;
  events: readonly TimelineEvent[];
  view: TimeView;
  scope: SessionScope;
}) {
  const rangeText = (): JSX.Element =>
    `${formatSeconds(props.view.range().xMin)} – ${formatSeconds(props.view.range().xMax)}`;
  return (
    <Card
      title="Frame times"
      testId="frame-times-card"
      subtitle="Every frame's host time (capture start → last packet sent); shaded: stutter episodes; the lane above marks what happened"
      actions={
        <>
          <span class="muted small" data-testid="view-range">
            {rangeText()}
          </span>
          <Button
            small
            kind="ghost"
            disabled={!props.view.zoomed()}
            onClick={props.view.reset}
            testId="show-all"
          >
            Show all
          </Button>
        </>
      }
    >
      <Show when={props.timeline.state !== 'ready'}>
        <EventLane
          events={props.scope.events(props.events)}
          range={props.view.range()}
          sessionColor={props.scope.eventColor}
        />
      </Show>
      <Show when={props.meta.eventsTruncated}>
        <p class="footnote" data-testid="events-truncated">
          The capture brought more than {props.events.length.toLocaleString()} events: later ones were not
          kept.
        </p>
      </Show>
      <Switch>
        <Match when={!props.meta.timeline}>
          <Notice testId="timeline-none">
            This recording has no frame timeline (saved before per-frame timing existed, or without it). The
            per-window charts below are all it holds.
          </Notice>
        </Match>
        <Match when={props.timeline.error}>
          <Notice kind="warn" testId="timeline-missing">
            No frame times to show: {timelineErrorText(props.timeline.error)}. The summary and the per-window
            charts below do not need them.
          </Notice>
        </Match>
        <Match when={props.timeline.loading}>
          <div class="empty">Loading {props.meta.timeline?.frames.toLocaleString()} frames…</div>
        </Match>
        <Match when={props.timeline()}>
          {(timeline) => (
            <LoadedFrames
              meta={props.meta}
              timeline={timeline()}
              events={props.events}
              view={props.view}
              scope={props.scope}
            />
          )}
        </Match>
      </Switch>
    </Card>
  );
}

const laneFps = (meta: CaptureMeta, lane: SessionLane) => meta.sessions[lane.sessionIndex]?.fps ?? null;
