// The Performance page: capture control, the live charts while armed, and the
// saved recordings.
import type { CaptureMeta, HostStatusResponse, RecordingsListResponse } from '@punktfunk/shared';
import { createSignal, onMount, Show } from 'solid-js';
import type { LiveCapture } from '../../data/resources.js';
import { latestBySession } from '../../data/sessions.js';
import { Link } from '../../providers/router.js';
import { Notice } from '../../ui/controls.js';
import { formatDuration } from '../../ui/format.js';
import { CaptureControl } from './capture-control.js';
import { createLiveSessions, LiveCard } from './live-card.js';
import { RecordingsTable } from './recordings-table.js';
import { SessionList } from './session-list.js';

export function PerformancePage(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  /** Asks the host's status again (a session was ended). */
  onSessionsChanged: () => void;
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
  const liveSessions = createLiveSessions(props.live, () => props.hostStatus);
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
      <SessionList
        sessions={props.hostStatus?.sessions ?? []}
        colorOf={liveSessions.colorOf}
        latest={latestBySession(props.live.samples())}
        armed={props.live.status()?.armed ?? false}
        onEnded={props.onSessionsChanged}
      />
      <Show when={saved()}>
        {(meta) => (
          <Notice kind="info" testId="saved-notice">
            Saved {meta().sampleCount} samples ({formatDuration(meta().durationMs)}) as{' '}
            <Link href={`/recordings/${encodeURIComponent(meta().id)}`}>{meta().name ?? meta().id}</Link>.
          </Notice>
        )}
      </Show>
      <LiveCard live={props.live} hostStatus={props.hostStatus} sessions={liveSessions} />
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
