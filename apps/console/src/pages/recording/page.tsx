// One recording: what it was, its summary figures, and its time series.
import type { Capture, CaptureMeta } from '@punktfunk/shared';
import { createEffect, createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { ApiError } from '../data/api.js';
import { createRecording, settled } from '../data/resources.js';
import { timeline } from '../data/series.js';
import { stageNames, summarize } from '../data/summary.js';
import { useHost } from '../providers/host.js';
import { Link, useRouter } from '../providers/router.js';
import { LineChart } from '../ui/chart.js';
import { Button, Card, Confirm, errorText, Notice, Segmented, Stat } from '../ui/controls.js';
import {
  formatDateTime,
  formatDuration,
  formatKbps,
  formatMode,
  formatNumber,
  formatPercent,
  formatUs,
} from '../ui/format.js';
import {
  figuresConfig,
  HEALTH_FIGURES,
  HOST_TOTAL,
  latencyConfig,
  NETWORK_FIGURES,
  rangeOf,
  SEND_FIGURES,
  splitMeasured,
  stageText,
  throughputConfig,
} from './charts.js';
import { SessionSettingsCard } from './session-settings.js';
import { StageLegend } from './stage-legend.js';

export const OPEN_MARK = 'punktfunk:open-recording';
export const DRAWN_MARK = 'punktfunk:charts-drawn';

function MetaLine(props: { meta: CaptureMeta }) {
  const m = () => props.meta;
  const bitrate = () => m().sessions[0]?.bitrateKbps ?? null;
  return (
    <div class="meta-line">
      <span>{formatDateTime(m().startedUnixMs)}</span>
      <span>{m().kinds.join(' + ') || 'no session'}</span>
      <span>{formatMode(m().width, m().height, m().fps)}</span>
      <span>{m().codec ?? '—'}</span>
      <span>
        {m().encoderName ?? '—'} <span class="muted">({m().encoderBackend ?? '—'})</span>
      </span>
      <span>{formatKbps(bitrate())}</span>
      <Show when={m().client}>
        <span>client {m().client}</span>
      </Show>
      <span>{formatDuration(m().durationMs)}</span>
      <span>{m().sampleCount} samples</span>
      <Show when={m().truncated}>
        <span class="tag tag-warn">truncated at 5400 samples</span>
      </Show>
      <span class="muted">
        host {m().hostName} {m().hostVersion}
      </span>
    </div>
  );
}

function Annotate(props: { meta: CaptureMeta; onSaved: (meta: CaptureMeta) => void }) {
  const host = useHost();
  const [name, setName] = createSignal(props.meta.name ?? '');
  const [note, setNote] = createSignal(props.meta.note ?? '');
  const [status, setStatus] = createSignal<string | null>(null);
  const dirty = () => name() !== (props.meta.name ?? '') || note() !== (props.meta.note ?? '');
  const save = async () => {
    try {
      props.onSaved(await host.api.patchRecording(props.meta.id, { name: name(), note: note() }));
      setStatus('Saved.');
    } catch (e) {
      setStatus(`Not saved: ${errorText(e)}`);
    }
  };
  return (
    <div class="annotate">
      <label>
        Name
        <input
          data-testid="recording-name"
          value={name()}
          maxLength={200}
          placeholder="e.g. baseline 720p60"
          title={`Empty: the recording is shown as ${props.meta.id}`}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label class="grow">
        Note
        <textarea
          data-testid="recording-note"
          rows={2}
          value={note()}
          placeholder="e.g. wired, game X, after driver update"
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      <div class="annotate-actions">
        <Button kind="primary" onClick={save} disabled={!dirty()} testId="save-annotation">
          Save
        </Button>
        <span class="muted small">{status()}</span>
      </div>
    </div>
  );
}

function SummaryCard(props: { capture: Capture }) {
  const summary = createMemo(() => summarize(props.capture));
  return (
    <Card title="Summary" testId="summary-card" subtitle="Per-window figures over the whole recording">
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

function Charts(props: { capture: Capture; onAllDrawn: () => void }) {
  const [which, setWhich] = createSignal<'p50' | 'p99'>('p50');
  const samples = () => props.capture.samples;
  const rows = createMemo(() => timeline(samples()));
  const range = createMemo(() => rangeOf(rows()));
  const stages = createMemo(() => stageNames(samples()));
  const budget = createMemo(() => {
    const fps = props.capture.meta.fps;
    return fps ? 1e6 / fps : null;
  });
  const health = createMemo(() => splitMeasured(samples(), HEALTH_FIGURES));
  const network = createMemo(() => splitMeasured(samples(), NETWORK_FIGURES));
  const send = createMemo(() => splitMeasured(samples(), SEND_FIGURES));
  const expected = () =>
    2 + (health().shown.length ? 1 : 0) + (network().shown.length ? 1 : 0) + (send().shown.length ? 1 : 0);
  let drawn = 0;
  const onDrawn = () => {
    drawn++;
    if (drawn === expected()) props.onAllDrawn();
  };
  const notMeasured = (names: { label: string }[]) =>
    names.length ? `Not measured on this path: ${names.map((f) => f.label).join(', ')}.` : '';

  return (
    <>
      <Card
        title="Latency by stage"
        testId="latency-card"
        subtitle="Stacked per-stage time per frame; the white line is the measured host total"
        actions={
          <Segmented
            label="percentile"
            value={which()}
            onChange={setWhich}
            options={[
              { value: 'p50', label: 'p50' },
              { value: 'p99', label: 'p99' },
            ]}
          />
        }
      >
        <LineChart
          label="latency"
          testId="chart-latency"
          height={300}
          onDrawn={onDrawn}
          config={() =>
            latencyConfig({
              rows: rows(),
              stages: stages(),
              which: which(),
              frameBudgetUs: budget(),
              range: range(),
            })
          }
        />
        <StageLegend stages={stages()} budget={budget() !== null} />
      </Card>
      <div class="grid-2">
        <Card
          title="Throughput"
          testId="throughput-card"
          subtitle="New and repeated frames, wire rate and encoder target"
        >
          <LineChart
            label="throughput"
            testId="chart-throughput"
            onDrawn={onDrawn}
            config={() =>
              throughputConfig({
                rows: rows(),
                samples: samples(),
                streamFps: props.capture.meta.fps,
                range: range(),
              })
            }
          />
        </Card>
        <Card title="Health" testId="health-card" subtitle="Counters per window">
          <Show
            when={health().shown.length}
            fallback={<div class="empty">No health counter was measured on this path.</div>}
          >
            <LineChart
              label="health"
              testId="chart-health"
              onDrawn={onDrawn}
              config={() =>
                figuresConfig({ rows: rows(), figures: health().shown, range: range(), unit: 'count' })
              }
            />
          </Show>
          <Show when={health().missing.length}>
            <p class="footnote" data-testid="health-missing">
              {notMeasured(health().missing)}
            </p>
          </Show>
        </Card>
        <Card
          title="Network & client"
          testId="network-card"
          subtitle="Round trip and what the client reported"
        >
          <Show
            when={network().shown.length}
            fallback={
              <div class="empty">
                Not measured: this path reported no round-trip time and no client figures.
              </div>
            }
          >
            <LineChart
              label="network"
              testId="chart-network"
              onDrawn={onDrawn}
              config={() =>
                figuresConfig({ rows: rows(), figures: network().shown, range: range(), unit: 'ms' })
              }
            />
            <Show when={network().missing.length}>
              <p class="footnote">{notMeasured(network().missing)}</p>
            </Show>
          </Show>
        </Card>
        <Show when={send().shown.length}>
          <Card
            title="Send cost per frame"
            testId="send-card"
            subtitle="Mean time spent inside the send stage"
          >
            <LineChart
              label="send cost"
              testId="chart-send"
              onDrawn={onDrawn}
              config={() =>
                figuresConfig({ rows: rows(), figures: send().shown, range: range(), unit: 'ms' })
              }
            />
          </Card>
        </Show>
      </div>
    </>
  );
}

export function RecordingPage(props: { id: string; onChanged: () => void }) {
  performance.clearMarks(OPEN_MARK);
  performance.clearMarks(DRAWN_MARK);
  performance.mark(OPEN_MARK);
  const host = useHost();
  const router = useRouter();
  const { recording, mutate } = createRecording(host, () => props.id);
  const [deleting, setDeleting] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  createEffect(() => {
    const r = settled(recording);
    if (r) document.title = `${r.meta.name ?? r.meta.id} · punktfunk`;
  });
  const allDrawn = () => {
    performance.mark(DRAWN_MARK);
    document.body.dataset.chartsDrawn = props.id;
  };
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(`${what}: ${errorText(e)}`);
    }
  };
  return (
    <div class="page" data-testid="recording-page">
      <div class="crumbs">
        <Link href="/">← Performance</Link>
      </div>
      <Switch>
        <Match when={recording.error}>
          <Notice kind="error" testId="recording-error">
            {recording.error instanceof ApiError && recording.error.status === 404
              ? `There is no recording “${props.id}” (deleted?).`
              : `Could not load the recording: ${errorText(recording.error)}`}
          </Notice>
        </Match>
        <Match when={!settled(recording)}>
          <div class="empty">Loading the recording…</div>
        </Match>
        <Match when={settled(recording)}>
          {(capture) => (
            <>
              <Card
                title={<span data-testid="recording-title">{capture().meta.name ?? capture().meta.id}</span>}
                subtitle={<MetaLine meta={capture().meta} />}
                actions={
                  <>
                    <Button
                      onClick={() => act('Download failed', () => host.api.download(props.id, 'json'))}
                      testId="download-json"
                    >
                      Download JSON
                    </Button>
                    <Button
                      onClick={() => act('Download failed', () => host.api.download(props.id, 'csv'))}
                      testId="download-csv"
                    >
                      Download CSV
                    </Button>
                    <Button kind="ghost-danger" onClick={() => setDeleting(true)}>
                      Delete
                    </Button>
                  </>
                }
              >
                <Annotate
                  meta={capture().meta}
                  onSaved={(meta) => {
                    mutate({ ...capture(), meta });
                    props.onChanged();
                  }}
                />
                <Show when={error()}>
                  <Notice kind="error">{error()}</Notice>
                </Show>
              </Card>
              <SessionSettingsCard sessions={capture().meta.sessions} />
              <Show
                when={capture().samples.length}
                fallback={
                  <Notice>This recording holds no samples: no session streamed while it was armed.</Notice>
                }
              >
                <SummaryCard capture={capture()} />
                <Charts capture={capture()} onAllDrawn={allDrawn} />
              </Show>
              <Show when={deleting()}>
                <Confirm
                  title="Delete this recording?"
                  confirmLabel="Delete"
                  onCancel={() => setDeleting(false)}
                  onConfirm={() =>
                    act('Could not delete', async () => {
                      await host.api.deleteRecording(props.id);
                      props.onChanged();
                      router.navigate('/');
                    })
                  }
                >
                  <p>
                    <b>{capture().meta.name ?? capture().meta.id}</b> will be removed from the host. This
                    cannot be undone.
                  </p>
                </Confirm>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}
