// Compare's two tables: the summary figures side by side with their
// differences, and the settings, highlighted where the recordings differ.
import type { Capture } from '@punktfunk/shared';
import { createMemo, For, type JSX, Show } from 'solid-js';
import { SERIES_COLORS } from '../../charts/palette.js';
import { type CaptureSummary, summarize } from '../../data/summary.js';
import { Card } from '../../ui/controls.js';
import { formatDuration } from '../../ui/format.js';
import { type FigureRow, settingRows, shareText } from './figures.js';

export const labelOf = (c: Capture) => c.meta.name ?? c.meta.id;

/** A recording id breaks after its "_" (before the mode) when a column is narrow. */
function breakable(label: string): JSX.Element {
  return label.split('_').flatMap((part, i) => (i ? ['_', <wbr />, part] : [part]));
}

/** One column head per recording, with its colour in the chart. */
function Headers(props: { captures: readonly Capture[]; first: string; numeric: boolean }) {
  return (
    <thead>
      <tr>
        <th>{props.first}</th>
        <For each={props.captures}>
          {(c, i) => (
            <th class={props.numeric ? 'num' : undefined}>
              <span class="swatch" style={{ background: SERIES_COLORS[i() % SERIES_COLORS.length] }} />
              {breakable(labelOf(c))}
            </th>
          )}
        </For>
      </tr>
    </thead>
  );
}

function Delta(props: { row: FigureRow; base: number | null; value: number | null }) {
  const delta = () => (props.base === null || props.value === null ? null : props.value - props.base);
  const text = () => props.row.formatDelta(delta() ?? 0);
  const share = () => {
    const d = delta();
    return d === null || !props.base ? null : d / props.base;
  };
  const tone = () => {
    const s = share();
    if (text() === '±0' || (s !== null && Math.abs(s) < 0.02)) return 'same';
    return delta()! < 0 === (props.row.better === 'lower') ? 'better' : 'worse';
  };
  return (
    <Show when={delta() !== null}>
      <span class={`delta delta-${tone()}`} title={text() === '±0' ? 'the same as the first' : undefined}>
        {text()}
        <Show when={text() !== '±0' && shareText(share())}>{(pct) => ` (${pct()})`}</Show>
      </span>
    </Show>
  );
}

function SummaryRow(props: { row: FigureRow; summaries: readonly CaptureSummary[] }) {
  const base = () => props.row.value(props.summaries[0]!);
  return (
    <tr>
      <td>{props.row.label}</td>
      <For each={props.summaries}>
        {(s, i) => (
          <td class="num">
            {props.row.format(props.row.value(s))}
            <Show when={i() > 0}>
              <div>
                <Delta row={props.row} base={base()} value={props.row.value(s)} />
              </div>
            </Show>
          </td>
        )}
      </For>
    </tr>
  );
}

export function SummaryTable(props: { captures: readonly Capture[]; rows: readonly FigureRow[] }) {
  const summaries = createMemo(() => props.captures.map((c) => summarize(c)));
  return (
    <Card title="Summary" testId="compare-summary" subtitle="Differences against the first recording">
      <div class="table-wrap">
        <table class="table table-compact compare-table">
          <Headers captures={props.captures} first="Figure" numeric />
          <tbody>
            <For each={props.rows}>{(row) => <SummaryRow row={row} summaries={summaries()} />}</For>
            <tr>
              <td>duration · samples</td>
              <For each={props.captures}>
                {(c) => (
                  <td class="num">
                    {formatDuration(c.meta.durationMs)} · {c.meta.sampleCount}
                  </td>
                )}
              </For>
            </tr>
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** "Recorded on different hosts: a, b (imported)" when they were; nothing when one host recorded them all. */
function HostsNote(props: { captures: readonly Capture[] }) {
  const hosts = () => [...new Set(props.captures.map((c) => c.meta.hostName))];
  const imported = (name: string) => props.captures.some((c) => c.meta.hostName === name && c.meta.origin);
  return (
    <Show when={hosts().length > 1}>
      <p class="muted small" data-testid="compare-hosts">
        Recorded on different hosts:{' '}
        {hosts()
          .map((h) => (imported(h) ? `${h} (imported)` : h))
          .join(', ')}
      </p>
    </Show>
  );
}

export function SettingsTable(props: { captures: readonly Capture[] }) {
  const settings = createMemo(() => settingRows(props.captures));
  return (
    <Card title="Settings" testId="compare-settings" subtitle="Highlighted where the recordings differ">
      <HostsNote captures={props.captures} />
      <div class="table-wrap">
        <table class="table table-compact compare-table">
          <Headers captures={props.captures} first="Setting" numeric={false} />
          <tbody>
            <For each={settings()}>
              {(row) => (
                <tr
                  classList={{ differs: new Set(row.values).size > 1 }}
                  data-differs={new Set(row.values).size > 1}
                >
                  <td>{row.label}</td>
                  <For each={row.values}>{(v) => <td>{v}</td>}</For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Card>
  );
}
