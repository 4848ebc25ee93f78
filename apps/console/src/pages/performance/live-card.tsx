// The Live card: the armed capture's charts, with the session picker, and
// the sessions' colours the whole Performance page shares.
import type { HostStatusResponse } from '@punktfunk/shared';
import { createMemo, createSignal, Show } from 'solid-js';
import { sessionColor } from '../../charts/palette.js';
import type { LiveCapture } from '../../data/resources.js';
import {
  type SessionPick,
  sampledSessions,
  sessionDetail,
  sessionLabels,
  validPick,
} from '../../data/sessions.js';
import { Card } from '../../ui/controls.js';
import type { PickableSession } from '../../ui/session-picker.js';
import { LiveCharts } from './live-charts.js';

/**
 * Sessions' colours on the live view: the n-th session the console saw
 * (still known after it ended, so a colour never moves to another session).
 */
export function createLiveSessions(live: LiveCapture, hostStatus: () => HostStatusResponse | undefined) {
  const colorOf = (sessionId: string) => {
    const ids = [...live.sessions().keys()];
    const known = ids.indexOf(sessionId);
    if (known >= 0) return sessionColor(known);
    const running = (hostStatus()?.sessions ?? []).findIndex((s) => s.sessionId === sessionId);
    return sessionColor(ids.length + Math.max(0, running));
  };
  const pickable = createMemo<PickableSession[]>(() => {
    const ids = sampledSessions(live.samples());
    const infos = ids.map((id) => live.sessions().get(id) ?? { sessionId: id, client: null });
    const labels = sessionLabels(infos);
    return ids.map((id, i) => {
      const info = live.sessions().get(id);
      return { sessionId: id, label: labels[i]!, color: colorOf(id), detail: info && sessionDetail(info) };
    });
  });
  return { colorOf, pickable };
}

export type LiveSessions = ReturnType<typeof createLiveSessions>;

export function LiveCard(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  sessions: LiveSessions;
}) {
  const [picked, setPicked] = createSignal<SessionPick>('all');
  // A picked session that left the last ten minutes falls back to all.
  const pick = () =>
    validPick(
      picked(),
      props.sessions.pickable().map((s) => s.sessionId),
    );
  // The fps of the session shown (the newest sample's with all), known even
  // after it ended, so the frame-time and fps reference lines stay while its samples are drawn.
  const streamFps = () => {
    const samples = props.live.samples();
    const last = samples[samples.length - 1];
    const id = pick() === 'all' ? last?.sessionId : pick();
    const shown = id ? props.live.sessions().get(id) : undefined;
    return shown?.fps ?? props.hostStatus?.sessions[0]?.fps ?? null;
  };
  return (
    <Show when={props.live.status()?.armed || props.live.samples().length > 0}>
      <Card
        title="Live"
        testId="live-card"
        subtitle={
          props.live.status()?.armed ? 'Last 10 minutes, updated as samples arrive' : 'The capture just saved'
        }
      >
        <LiveCharts
          samples={props.live.samples()}
          events={props.live.events()}
          sessions={props.sessions.pickable()}
          pick={pick()}
          onPick={setPicked}
          streamFps={streamFps()}
          colorOf={props.sessions.colorOf}
        />
      </Card>
    </Show>
  );
}
