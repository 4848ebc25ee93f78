// The Performance page: capture control, the live charts while armed, and the
// saved recordings.
import type { CaptureMeta, HostStatusResponse, RecordingsListResponse } from '@punktfunk/shared';
import { createSignal, onMount, Show } from 'solid-js';
import type { LiveCapture } from '../../data/resources.js';
import { Link } from '../../providers/router.js';
import { Card, Notice } from '../../ui/controls.js';
import { formatDuration } from '../../ui/format.js';
import { CaptureControl } from './capture-control.js';
import { LiveCharts } from './live-charts.js';
import { RecordingsTable } from './recordings-table.js';

export function PerformancePage(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  recordings: {
    list: () => CaptureMeta[] | undefined;
    skipped: () => RecordingsListResponse['skipped'];
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
          <LiveCharts samples={props.live.samples()} events={props.live.events()} streamFps={streamFps()} />
        </Card>
      </Show>
      <RecordingsTable
        list={props.recordings.list}
        skipped={props.recordings.skipped}
        loading={props.recordings.loading}
        error={props.recordings.error}
        refetch={props.recordings.refetch}
      />
    </div>
  );
}
