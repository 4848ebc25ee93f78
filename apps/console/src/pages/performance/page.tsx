// The Performance page: capture control, the live charts while armed, and the
// saved recordings.
import type { CaptureMeta, HostStatusResponse, RecordingsListResponse } from '@punktfunk/shared';
import { createMemo, createSignal, onMount, Show } from 'solid-js';
import { sessionColor } from '../../charts/palette.js';
import type { LiveCapture } from '../../data/resources.js';
import {
  latestBySession,
  type SessionPick,
  sampledSessions,
  sessionLabel,
  validPick,
} from '../../data/sessions.js';
import { Link } from '../../providers/router.js';
import { Card, Notice } from '../../ui/controls.js';
import { formatDuration, formatMode } from '../../ui/format.js';
import type { PickableSession } from '../../ui/session-picker.js';
import { CaptureControl } from './capture-control.js';
import { LiveCharts } from './live-charts.js';
import { RecordingsTable } from './recordings-table.js';
import { SessionList } from './session-list.js';

/**
 * Sessions' colours on the live view: the n-th session the console saw
 * (still known after it ended, so a colour never moves to another session).
 */
function createLiveSessions(live: LiveCapture, hostStatus: () => HostStatusResponse | undefined) {
  const colorOf = (sessionId: string) => {
    const ids = [...live.sessions().keys()];
    const known = ids.indexOf(sessionId);
    if (known >= 0) return sessionColor(known);
    const running = (hostStatus()?.sessions ?? []).findIndex((s) => s.sessionId === sessionId);
    return sessionColor(ids.length + Math.max(0, running));
  };
  const pickable = createMemo<PickableSession[]>(() =>
    sampledSessions(live.samples()).map((id) => {
      const info = live.sessions().get(id);
      return {
        sessionId: id,
        label: info ? sessionLabel(info) : `session ${id}`,
        color: colorOf(id),
        detail: info ? `${formatMode(info.width, info.height, info.fps)} ${info.codec}` : undefined,
      };
    }),
  );
  return { colorOf, pickable };
}

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
  // The fps of the session the live charts show last, known even after it ended,
  // so the frame-time and fps reference lines stay while its samples are drawn.
  const liveSessions = createLiveSessions(props.live, () => props.hostStatus);
  const [picked, setPicked] = createSignal<SessionPick>('all');
  // A picked session that left the last ten minutes falls back to all.
  const pick = () =>
    validPick(
      picked(),
      liveSessions.pickable().map((s) => s.sessionId),
    );
  const streamFps = () => {
    const samples = props.live.samples();
    const last = samples[samples.length - 1];
    const id = pick() === 'all' ? last?.sessionId : pick();
    const shown = id ? props.live.sessions().get(id) : undefined;
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
          <LiveCharts
            samples={props.live.samples()}
            events={props.live.events()}
            sessions={liveSessions.pickable()}
            pick={pick()}
            onPick={setPicked}
            streamFps={streamFps()}
            colorOf={liveSessions.colorOf}
          />
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
