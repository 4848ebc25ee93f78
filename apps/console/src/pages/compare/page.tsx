// Compare: two or more recordings overlaid on one time axis, their summary
// figures side by side with the differences, and how their settings differ.
import type { Capture, CaptureMeta } from '@punktfunk/shared';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { overlayConfig } from '../../charts/overlay.js';
import { SERIES_COLORS } from '../../charts/palette.js';
import { createRecordingsById } from '../../data/resources.js';
import { timeline } from '../../data/series.js';
import { stageNames } from '../../data/summary.js';
import { useHost } from '../../providers/host.js';
import { Link, useRouter } from '../../providers/router.js';
import { LineChart } from '../../ui/chart.js';
import { Card, errorText, Notice, Segmented } from '../../ui/controls.js';
import { formatDateTime } from '../../ui/format.js';
import { figureRows, type Metric, metricsFor } from './figures.js';
import { labelOf, SettingsTable, SummaryTable } from './tables.js';

function Picker(props: {
  ids: readonly string[];
  onChange: (ids: string[]) => void;
  recordings: CaptureMeta[] | undefined;
}) {
  return (
    <div class="picker">
      <For each={props.recordings ?? []}>
        {(r) => (
          <label class="pick-chip" classList={{ active: props.ids.includes(r.id) }}>
            <input
              type="checkbox"
              checked={props.ids.includes(r.id)}
              onChange={() =>
                props.onChange(
                  props.ids.includes(r.id) ? props.ids.filter((x) => x !== r.id) : [...props.ids, r.id],
                )
              }
            />
            {r.name ?? r.id} <span class="muted small">{formatDateTime(r.startedUnixMs)}</span>
          </label>
        )}
      </For>
    </div>
  );
}

function OverTimeCard(props: { captures: readonly Capture[]; metrics: readonly Metric[] }) {
  const [metric, setMetric] = createSignal('host-p50');
  const current = () => props.metrics.find((m) => m.value === metric()) ?? props.metrics[0]!;
  const timelines = createMemo(() =>
    props.captures.map((c, i) => ({
      label: labelOf(c),
      color: SERIES_COLORS[i % SERIES_COLORS.length]!,
      rows: timeline(c.samples),
    })),
  );
  return (
    <Card
      title="Over time"
      testId="compare-chart-card"
      subtitle="Each recording from its own start, on one time axis"
      actions={
        <Segmented
          label="figure"
          value={metric()}
          onChange={setMetric}
          options={props.metrics.map((m) => ({ value: m.value, label: m.label }))}
        />
      }
    >
      <LineChart
        label="compare"
        testId="chart-compare"
        height={320}
        config={() =>
          overlayConfig({
            series: timelines(),
            pick: current().pick,
            unit: current().unit,
            title: current().label,
          })
        }
      />
    </Card>
  );
}

function ComparePanels(props: { captures: Capture[] }) {
  const stages = createMemo(() => stageNames(props.captures.flatMap((c) => c.samples.slice(0, 50))));
  const metrics = createMemo(() => metricsFor(stages()));
  const rows = createMemo(() => figureRows(stages()));
  return (
    <>
      <OverTimeCard captures={props.captures} metrics={metrics()} />
      {/* Side by side for two recordings; more get the full width each. */}
      <div class={props.captures.length > 2 ? 'stack' : 'grid-2 grid-wide-left'}>
        <SummaryTable captures={props.captures} rows={rows()} />
        <SettingsTable captures={props.captures} />
      </div>
    </>
  );
}

export function ComparePage(props: { recordings: CaptureMeta[] | undefined }) {
  const host = useHost();
  const router = useRouter();
  const ids = createMemo(() =>
    (router.route().query.get('ids') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const captures = createRecordingsById(host, ids);
  const setIds = (next: string[]) =>
    router.navigate(next.length ? `/compare?ids=${next.map(encodeURIComponent).join(',')}` : '/compare', {
      replace: true,
    });
  return (
    <div class="page" data-testid="compare-page">
      <div class="crumbs">
        <Link href="/">← Performance</Link>
      </div>
      <Card title="Compare recordings" subtitle="Pick two or more">
        <Picker ids={ids()} onChange={setIds} recordings={props.recordings} />
      </Card>
      <Show
        when={ids().length >= 2}
        fallback={<div class="empty">Pick at least two recordings to compare.</div>}
      >
        <Show
          when={!captures.error}
          fallback={<Notice kind="error">Could not load: {errorText(captures.error)}</Notice>}
        >
          <Show when={captures()} fallback={<div class="empty">Loading…</div>}>
            {(list) => <ComparePanels captures={list()} />}
          </Show>
        </Show>
      </Show>
    </div>
  );
}
