// Compare: two or more recordings overlaid on one time axis, their summary
// figures side by side with the differences, and how their settings differ.
import type { Capture, CaptureMeta, StatsSample } from '@punktfunk/shared';
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { createRecordingsById } from '../data/resources.js';
import { stageUs, timeline, usToMs } from '../data/series.js';
import { type CaptureSummary, stageNames, summarize } from '../data/summary.js';
import { useHost } from '../providers/host.js';
import { Link, useRouter } from '../providers/router.js';
import { LineChart } from '../ui/chart.js';
import { Card, errorText, Notice, Segmented } from '../ui/controls.js';
import {
  formatDateTime,
  formatDuration,
  formatKbps,
  formatMode,
  formatNumber,
  formatPercent,
  formatUs,
} from '../ui/format.js';
import { overlayConfig, SERIES_COLORS } from './charts.js';
import { formatSetting, orderSettingKeys, settingLabel } from './session-settings.js';

interface Metric {
  value: string;
  label: string;
  unit: 'ms' | 'fps' | 'Mb/s';
  pick: (s: StatsSample) => number | null;
}

function metricsFor(stages: readonly string[]): Metric[] {
  return [
    { value: 'host-p50', label: 'host p50', unit: 'ms', pick: (s) => usToMs(s.hostP50Us) },
    { value: 'host-p99', label: 'host p99', unit: 'ms', pick: (s) => usToMs(s.hostP99Us) },
    ...stages.map((name) => ({
      value: `stage-${name}`,
      label: `${name} p50`,
      unit: 'ms' as const,
      pick: (s: StatsSample) => usToMs(stageUs(s, name, 'p50')),
    })),
    { value: 'fps', label: 'fps', unit: 'fps', pick: (s) => s.fps },
    { value: 'wire', label: 'wire Mb/s', unit: 'Mb/s', pick: (s) => s.wireMbps },
  ];
}

const labelOf = (m: CaptureMeta) => m.name ?? m.id;

/** A recording id breaks after its "_" (before the mode) when a column is narrow. */
function breakable(label: string): JSX.Element {
  return label.split('_').flatMap((part, i) => (i ? ['_', <wbr />, part] : [part]));
}

interface FigureRow {
  label: string;
  /** Lower is better (latency) or higher is better (fps). */
  better: 'lower' | 'higher';
  value: (s: CaptureSummary) => number | null;
  format: (v: number | null) => string;
  formatDelta: (d: number) => string;
}

/**
 * A signed difference at the precision it is shown with; "±0" when it rounds
 * to nothing there (never "−0.0").
 */
function signed(d: number, magnitude: string, isZero: boolean): string {
  return isZero ? '±0' : `${d > 0 ? '+' : '−'}${magnitude}`;
}

function signedNumber(d: number, digits: number, unit = ''): string {
  const text = Math.abs(d).toFixed(digits);
  return signed(d, `${text}${unit ? ` ${unit}` : ''}`, Number(text) === 0);
}

function figureRows(stages: readonly string[]): FigureRow[] {
  const us = (label: string, value: FigureRow['value']): FigureRow => ({
    label,
    better: 'lower',
    value,
    format: (v) => formatUs(v),
    // formatUs shows whole µs below 1 ms.
    formatDelta: (d) => signed(d, formatUs(Math.abs(d)), Math.round(Math.abs(d)) === 0),
  });
  const stat = (name: string) => (s: CaptureSummary) => s.latency.find((l) => l.name === name);
  return [
    us('host total median', (s) => stat('host')(s)?.medianUs ?? null),
    us('host total p95', (s) => stat('host')(s)?.p95Us ?? null),
    us('host total p99', (s) => stat('host')(s)?.p99Us ?? null),
    ...stages.map((name) => us(`${name} median`, (s) => stat(name)(s)?.medianUs ?? null)),
    {
      label: 'fps average',
      better: 'higher',
      value: (s) => s.averageFps,
      format: (v) => formatNumber(v, 1),
      formatDelta: (d) => signedNumber(d, 1),
    },
    {
      label: 'fps 1 % low',
      better: 'higher',
      value: (s) => s.onePercentLowFps,
      format: (v) => formatNumber(v, 1),
      formatDelta: (d) => signedNumber(d, 1),
    },
    {
      label: 'windows over budget',
      better: 'lower',
      value: (s) => s.overBudgetShare,
      format: (v) => formatPercent(v),
      // Percentage points, as precise as formatPercent shows the shares.
      formatDelta: (d) => signedNumber(d * 100, Math.abs(d) < 0.1 ? 1 : 0, 'pt'),
    },
    {
      label: 'wire average',
      better: 'lower',
      value: (s) => s.averageWireMbps,
      format: (v) => formatNumber(v, 1, 'Mb/s'),
      // A small difference gets a second digit rather than showing as 0.0.
      formatDelta: (d) => signedNumber(d, Math.abs(d) < 0.1 ? 2 : 1, 'Mb/s'),
    },
  ];
}

/** The relative difference: whole percent, one decimal below 1 %, nothing when it rounds to 0. */
function shareText(share: number | null): string | null {
  if (share === null || !Number.isFinite(share)) return null;
  const pct = Math.abs(share * 100);
  const text = pct.toFixed(pct < 1 ? 1 : 0);
  return Number(text) === 0 ? null : `${share > 0 ? '+' : '−'}${text} %`;
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

/** Settings that differ between the recordings are highlighted. */
function settingRows(captures: readonly Capture[]): { label: string; values: string[] }[] {
  const first = (c: Capture) => c.meta.sessions[0];
  const rows: { label: string; values: string[] }[] = [
    { label: 'path', values: captures.map((c) => c.meta.kinds.join(' + ') || '—') },
    { label: 'resolution', values: captures.map((c) => formatMode(c.meta.width, c.meta.height, null)) },
    { label: 'fps', values: captures.map((c) => String(c.meta.fps ?? '—')) },
    { label: 'codec', values: captures.map((c) => c.meta.codec ?? '—') },
    { label: 'bitrate', values: captures.map((c) => formatKbps(first(c)?.bitrateKbps)) },
    {
      label: 'encoder',
      values: captures.map((c) => `${c.meta.encoderName ?? '—'} (${c.meta.encoderBackend ?? '—'})`),
    },
    { label: 'client', values: captures.map((c) => c.meta.client ?? '—') },
    { label: 'host', values: captures.map((c) => `${c.meta.hostName} ${c.meta.hostVersion}`) },
  ];
  const keys = orderSettingKeys(captures.flatMap((c) => Object.keys(first(c)?.settings ?? {})));
  for (const k of keys) {
    rows.push({
      label: settingLabel(k),
      values: captures.map((c) => formatSetting(k, first(c)?.settings[k])),
    });
  }
  return rows;
}

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
            {labelOf(r)} <span class="muted small">{formatDateTime(r.startedUnixMs)}</span>
          </label>
        )}
      </For>
    </div>
  );
}

function ComparePanels(props: { captures: Capture[] }) {
  const stages = createMemo(() => stageNames(props.captures.flatMap((c) => c.samples.slice(0, 50))));
  const metrics = createMemo(() => metricsFor(stages()));
  const [metric, setMetric] = createSignal('host-p50');
  const current = () => metrics().find((m) => m.value === metric()) ?? metrics()[0]!;
  const timelines = createMemo(() =>
    props.captures.map((c, i) => ({
      label: labelOf(c.meta),
      color: SERIES_COLORS[i % SERIES_COLORS.length]!,
      rows: timeline(c.samples),
    })),
  );
  const summaries = createMemo(() => props.captures.map((c) => summarize(c)));
  const rows = createMemo(() => figureRows(stages()));
  const settings = createMemo(() => settingRows(props.captures));
  const headers = (numeric: boolean): JSX.Element => (
    <For each={props.captures}>
      {(c, i) => (
        <th class={numeric ? 'num' : undefined}>
          <span class="swatch" style={{ background: SERIES_COLORS[i() % SERIES_COLORS.length] }} />
          {breakable(labelOf(c.meta))}
        </th>
      )}
    </For>
  );
  return (
    <>
      <Card
        title="Over time"
        testId="compare-chart-card"
        subtitle="Each recording from its own start, on one time axis"
        actions={
          <Segmented
            label="figure"
            value={metric()}
            onChange={setMetric}
            options={metrics().map((m) => ({ value: m.value, label: m.label }))}
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
      {/* Side by side for two recordings; more get the full width each. */}
      <div class={props.captures.length > 2 ? 'stack' : 'grid-2 grid-wide-left'}>
        <Card title="Summary" testId="compare-summary" subtitle="Differences against the first recording">
          <div class="table-wrap">
            <table class="table table-compact compare-table">
              <thead>
                <tr>
                  <th>Figure</th>
                  {headers(true)}
                </tr>
              </thead>
              <tbody>
                <For each={rows()}>
                  {(row) => (
                    <tr>
                      <td>{row.label}</td>
                      <For each={summaries()}>
                        {(s, i) => (
                          <td class="num">
                            {row.format(row.value(s))}
                            <Show when={i() > 0}>
                              <div>
                                <Delta row={row} base={row.value(summaries()[0]!)} value={row.value(s)} />
                              </div>
                            </Show>
                          </td>
                        )}
                      </For>
                    </tr>
                  )}
                </For>
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
        <Card title="Settings" testId="compare-settings" subtitle="Highlighted where the recordings differ">
          <div class="table-wrap">
            <table class="table table-compact compare-table">
              <thead>
                <tr>
                  <th>Setting</th>
                  {headers(false)}
                </tr>
              </thead>
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
