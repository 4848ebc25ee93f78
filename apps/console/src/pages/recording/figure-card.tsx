// One card per group of figures (health counters, network and client, send
// cost): a line per figure some sample measured, and a word on those none did.
import type { StatsSample } from '@punktfunk/shared';
import { createMemo, Show } from 'solid-js';
import type { AxisRange } from '../../charts/axes.js';
import { type Figure, figuresConfig, splitMeasured } from '../../charts/figures.js';
import { type SessionRows, sessionFiguresConfig } from '../../charts/session-lines.js';
import type { TimelineRow } from '../../data/series.js';
import { LineChart } from '../../ui/chart.js';
import { Card } from '../../ui/controls.js';

export function FigureCard(props: {
  /** Names the card's test ids: `<name>-card`, `chart-<name>`, `<name>-missing`. */
  name: string;
  title: string;
  subtitle: string;
  /** The chart's accessible label. */
  label: string;
  figures: readonly Figure[];
  unit: 'ms' | 'count';
  samples: readonly StatsSample[];
  rows: readonly TimelineRow[];
  range: AxisRange;
  /** Several sessions shown at once: a line per figure and session; null: one session's rows. */
  lanes: readonly SessionRows[] | null;
  /** Shown when no figure was measured; without it the card is left out then. */
  emptyText?: string;
}) {
  const split = createMemo(() => splitMeasured(props.samples, props.figures));
  const missingText = () =>
    `Not measured on this path: ${split()
      .missing.map((f) => f.label)
      .join(', ')}.`;
  return (
    <Show when={split().shown.length || props.emptyText}>
      <Card title={props.title} testId={`${props.name}-card`} subtitle={props.subtitle}>
        <Show when={split().shown.length} fallback={<div class="empty">{props.emptyText}</div>}>
          <LineChart
            label={props.label}
            testId={`chart-${props.name}`}
            config={() =>
              props.lanes
                ? sessionFiguresConfig({
                    lanes: props.lanes,
                    figures: split().shown,
                    range: props.range,
                    unit: props.unit,
                  })
                : figuresConfig({
                    rows: props.rows,
                    figures: split().shown,
                    range: props.range,
                    unit: props.unit,
                  })
            }
          />
          <Show when={split().missing.length}>
            <p class="footnote" data-testid={`${props.name}-missing`}>
              {missingText()}
            </p>
          </Show>
        </Show>
      </Card>
    </Show>
  );
}
