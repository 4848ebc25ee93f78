// The Performance page: capture control, the live charts while armed, and the
// saved recordings.
import type { CaptureMeta, HostStatusResponse } from '@punktfunk/shared';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { LiveCapture } from '../data/resources.js';
import { useHost } from '../providers/host.js';
import { Link } from '../providers/router.js';
import { Button, Card, errorText, Notice, Stat } from '../ui/controls.js';
import { formatDuration, formatMode } from '../ui/format.js';
import { LiveCharts } from './live-charts.js';
import { RecordingsTable } from './recordings-table.js';

function useNow(intervalMs: number) {
  const [now, setNow] = createSignal(performance.now());
  const timer = setInterval(() => setNow(performance.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

function CaptureControl(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  onSaved: (meta: CaptureMeta | null) => void;
}) {
  const host = useHost();
  const now = useNow(500);
  const [error, setError] = createSignal<string | null>(null);
  const armed = () => props.live.status()?.armed ?? false;
  // The host's elapsed time, counted forward from when it was read.
  const elapsed = () => {
    const s = props.live.status();
    if (!s?.armed || s.elapsedMs === null) return null;
    return s.elapsedMs + (now() - props.live.statusAt());
  };
  const start = async () => {
    setError(null);
    try {
      props.live.setStatus(await host.api.startCapture());
    } catch (e) {
      setError(`Could not start the capture: ${errorText(e)}`);
    }
  };
  const stop = async () => {
    setError(null);
    try {
      const meta = await host.api.stopCapture();
      await props.live.refreshStatus();
      props.onSaved(meta);
    } catch (e) {
      setError(`Could not stop and save: ${errorText(e)}`);
    }
  };
  const sessions = () => props.hostStatus?.sessions ?? [];
  return (
    <Card
      title="Capture"
      testId="capture-card"
      subtitle="Records per-stage timings of every streaming session while armed."
      actions={
        <Show
          when={armed()}
          fallback={
            <Button kind="primary" onClick={start} testId="start-capture">
              ● Start capture
            </Button>
          }
        >
          <Button kind="danger" onClick={stop} testId="stop-capture">
            ■ Stop &amp; save
          </Button>
        </Show>
      }
    >
      <div class="capture-row">
        <div class={`badge ${armed() ? 'badge-recording' : 'badge-idle'}`} data-testid="capture-badge">
          <span class="badge-dot" />
          {armed() ? 'Recording' : 'Idle'}
        </div>
        <Stat
          label="Elapsed"
          value={armed() ? formatDuration(elapsed()) : '—'}
          testId="capture-elapsed"
          hint="on the host's clock"
        />
        <Stat
          label="Samples"
          value={String(props.live.status()?.sampleCount ?? 0)}
          testId="capture-samples"
        />
        <Stat
          label="Paths"
          value={
            (props.live.status()?.kinds.length ? props.live.status()!.kinds.join(' + ') : null) ??
            (sessions().length ? [...new Set(sessions().map((s) => s.kind))].join(' + ') : 'none')
          }
        />
        <Show when={props.live.status()?.truncated}>
          <Notice kind="warn">The capture is full (5400 samples); later samples are not kept.</Notice>
        </Show>
      </div>
      <div class="sessions" data-testid="sessions">
        <Show
          when={sessions().length}
          fallback={
            <span class="muted">No session is streaming. Samples arrive once a client connects.</span>
          }
        >
          <For each={sessions()}>
            {(s) => (
              <span class="session-chip">
                <span class="live-dot" />
                {s.kind} · {formatMode(s.width, s.height, s.fps)} · {s.codec} · {s.encoderName}
                {s.client ? ` · ${s.client}` : ''}
              </span>
            )}
          </For>
        </Show>
      </div>
      <Show when={error()}>
        <Notice kind="error">{error()}</Notice>
      </Show>
    </Card>
  );
}

export function PerformancePage(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  recordings: {
    list: () => CaptureMeta[] | undefined;
    loading: () => boolean;
    error: () => unknown;
    refetch: () => unknown;
  };
}) {
  const [saved, setSaved] = createSignal<CaptureMeta | null>(null);
  // Opening the page shows the list as it is now: a capture stopped elsewhere
  // (the API, another tab) is announced before its recording is saved.
  onMount(() => {
    if (!props.recordings.loading()) void props.recordings.refetch();
  });
  // The fps of the session the live charts show last, known even after it ended,
  // so the frame-time and fps reference lines stay while its samples are drawn.
  const streamFps = () => {
    const samples = props.live.samples();
    const last = samples[samples.length - 1];
    const shown = last ? props.live.sessions().get(last.sessionId) : undefined;
    return shown?.fps ?? props.hostStatus?.sessions[0]?.fps ?? null;
  };
  return (
    <div class="page" data-testid="performance-page">
      <CaptureControl
        live={props.live}
        hostStatus={props.hostStatus}
        onSaved={(meta) => {
          setSaved(meta);
          void props.recordings.refetch();
        }}
      />
      <Show when={saved()}>
        {(meta) => (
          <Notice kind="info" testId="saved-notice">
            Saved {meta().sampleCount} samples ({formatDuration(meta().durationMs)}) as{' '}
            <Link href={`/recordings/${encodeURIComponent(meta().id)}`}>{meta().name ?? meta().id}</Link>.
          </Notice>
        )}
      </Show>
      <Show when={props.live.status()?.armed || props.live.samples().length > 0}>
        <Card
          title="Live"
          testId="live-card"
          subtitle={
            props.live.status()?.armed
              ? 'Last 10 minutes, updated as samples arrive'
              : 'The capture just saved'
          }
        >
          <LiveCharts samples={props.live.samples()} streamFps={streamFps()} />
        </Card>
      </Show>
      <RecordingsTable
        list={props.recordings.list}
        loading={props.recordings.loading}
        error={props.recordings.error}
        refetch={props.recordings.refetch}
      />
    </div>
  );
}
