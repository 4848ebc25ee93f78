// A recording's summary: per-frame figures when it has a timeline, fps, frames over budget, wire rate, and per-stage
// average, median, p95 and p99.
import type { Capture } from '@punktfunk/shared';
import { createMemo, For, Show } from 'solid-js';
import { HOST_TOTAL, stageText } from '../../charts/palette.js';
import type { FrameFigures } from '../../data/frame-figures.js';
import { summarize } from '../../data/summary.js';
import { Card, Stat } from '../../ui/controls.js';
import { formatNumber, formatPercent, formatUs } from '../../ui/format.js';
import { FrameFigureStats } from './frame-figures.js';

export function SummaryCard(props: { capture: Capture; frames: FrameFigures | null }) {
  const summary = createMemo(() => summarize(props.capture));
  return (
    <Card
      title="Summary"
      testId="summary-card"
      subtitle={
        props.frames
          ? 'Per frame (first row), then per-window figures over the whole recording'
          : 'Per-window figures over the whole recording'
      }
    >
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
          <For each={summary().latency}>
            {(row) => (
              <tr classList={{ 'row-total': row.name === 'host' }}>
                <td
                  title={
                    row.name === 'host'
                      ? HOST_TOTAL.text
                      : stageText(
                          row.name,
                          summary().latency.map((l) => l.name),
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
      <p class="footnote">
        The host keeps each window’s median and p99 frame time. Average, median and p95 are over the windows’
        medians; p99 is over the windows’ p99s.
      </p>
    </Card>
  );
}
