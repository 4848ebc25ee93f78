// A recording's summary: per-frame figures when it has a timeline, fps, frames over budget, wire rate, and per-stage
// average, median, p95 and p99.
import type { Capture, SessionFrameStats } from '@punktfunk/shared';
import { createMemo, For, Show } from 'solid-js';
import { HOST_TOTAL, stageText } from '../../charts/palette.js';
import type { FrameFigures } from '../../data/frame-figures.js';
import type { SessionPick } from '../../data/sessions.js';
import { type CaptureSummary, summarize } from '../../data/summary.js';
import { Card, Stat } from '../../ui/controls.js';
import { formatNumber, formatPercent, formatUs } from '../../ui/format.js';
import { FrameFigureStats } from './frame-figures.js';
import type { SessionScope } from './session-scope.js';
import { SessionSummaryTable } from './session-summary.js';

export function SummaryCard(props: {
  capture: Capture;
  /** The shown sessions' per-frame figures (the worst session's where several). */
  frames: FrameFigures | null;
  /** Every session's frame analysis, for the per-session rows. */
  sessionFrames: readonly SessionFrameStats[] | null;
  scope: SessionScope;
  onPick: (pick: SessionPick) => void;
}) {
  // The per-window figures of the shown sessions, against the picked session's frame time.
  const summary = createMemo(() =>
    summarize({
      ...props.capture,
      samples: [...props.scope.samples(props.capture.samples)],
      meta: { ...props.capture.meta, fps: props.scope.fps },
    }),
  );
  const scopeText = () =>
    props.scope.index === null ? '' : ` · ${props.scope.label(props.scope.index)} only`;
  return (
    <Card
      title="Summary"
      testId="summary-card"
      subtitle={`${
        props.frames
          ? 'Per frame (first row), then per-window figures over the whole recording'
          : 'Per-window figures over the whole recording'
      }${scopeText()}`}
    >
      <Show when={props.scope.several}>
        <SessionSummaryTable
          scope={props.scope}
          frames={props.sessionFrames}
          samples={props.capture.samples}
          onPick={props.onPick}
        />
      </Show>
      <Show when={props.scope.several}>
        <h3 class="summary-scope" data-testid="summary-scope">
          {props.scope.index === null
            ? 'All sessions (per frame: the worst session’s figure)'
            : props.scope.label(props.scope.index)}
        </h3>
      </Show>
      <Show when={props.frames}>{(f) => <FrameFigureStats figures={f()} />}</Show>
      <div class="stat-row">
        <Stat label="fps average" value={formatNumber(summary().averageFps, 1)} testId="sum-fps" />
        <Stat
          label="fps 1 % low"
          value={formatNumber(summary().onePercentLowFps, 1)}
          hint="99 % of the time ran at this fps or above"
        />
        <Stat
          label="windows over budget"
          value={`${summary().overBudgetCount} · ${formatPercent(summary().overBudgetShare)}`}
          hint={`host p99 above one frame time (${formatUs(summary().frameBudgetUs)})`}
        />
        <Stat label="frame budget" value={formatUs(summary().frameBudgetUs)} />
        <Stat label="wire average" value={formatNumber(summary().averageWireMbps, 1, 'Mb/s')} />
      </div>
      <StageTable latency={summary().latency} />
      <p class="footnote">
        The host keeps each window’s median and p99 frame time. Average, median and p95 are over the windows’
        medians; p99 is over the windows’ p99s.
      </p>
    </Card>
  );
}

/** Per stage and the host total: average, median, p95 and p99. */
function StageTable(props: { latency: CaptureSummary['latency'] }) {
  return (
    <table class="table table-compact" data-testid="summary-table">
      <thead>
        <tr>
          <th>Stage</th>
          <th class="num">average</th>
          <th class="num">median</th>
          <th class="num">p95</th>
          <th class="num">p99</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.latency}>
          {(row) => (
            <tr classList={{ 'row-total': row.name === 'host' }}>
              <td
                title={
                  row.name === 'host'
                    ? HOST_TOTAL.text
                    : stageText(
                        row.name,
                        props.latency.map((l) => l.name),
                      )
                }
              >
                {row.name === 'host' ? 'host total' : row.name}
              </td>
              <td class="num">{formatUs(row.meanUs)}</td>
              <td class="num">{formatUs(row.medianUs)}</td>
              <td class="num">{formatUs(row.p95Us)}</td>
              <td class="num">{formatUs(row.p99Us)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
