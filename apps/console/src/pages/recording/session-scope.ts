// Which of a recording's sessions the page shows (all, or the one picked),
// and each session's colour and name: one colour per meta.sessions index, the
// same on the frame-time chart, the lanes, the lists and the settings.
import type { Capture, SessionInfo, StatsSample, TimelineEvent } from '@punktfunk/shared';
import { sessionColor } from '../../charts/palette.js';
import { eventsOf, type SessionPick, samplesOf, sessionLabels } from '../../data/sessions.js';

export interface SessionScope {
  pick: SessionPick;
  /** The picked session's index in meta.sessions; null: all. */
  index: number | null;
  /** More than one session: colours and names tell them apart. */
  several: boolean;
  sessions: readonly SessionInfo[];
  colorOf(index: number): string;
  label(index: number): string;
  /** An event's session colour on the lane; null for host-wide events or a single session. */
  eventColor(sessionId: string | null): string | null;
  /** Whether a session (by index) is shown. */
  shows(index: number): boolean;
  samples(samples: readonly StatsSample[]): readonly StatsSample[];
  events(events: readonly TimelineEvent[]): readonly TimelineEvent[];
  /** The picked session's fps; with all of several the fastest one's; else the recording's. */
  fps: number | null;
}

export function sessionScope(capture: Capture, pick: SessionPick): SessionScope {
  const sessions = capture.meta.sessions;
  const found = sessions.findIndex((s) => s.sessionId === pick);
  const index = pick === 'all' || found < 0 ? null : found;
  const effective: SessionPick = index === null ? 'all' : pick;
  const several = sessions.length > 1;
  const indexOf = new Map(sessions.map((s, i) => [s.sessionId, i]));
  const labels = sessionLabels(sessions);
  return {
    pick: effective,
    index,
    several,
    sessions,
    colorOf: sessionColor,
    label: (i) => labels[i] ?? `session ${i}`,
    eventColor: (sessionId) => {
      if (!several || sessionId === null) return null;
      const i = indexOf.get(sessionId);
      return i === undefined ? null : sessionColor(i);
    },
    shows: (i) => index === null || i === index,
    samples: (samples) => samplesOf(samples, effective),
    events: (events) => eventsOf(events, effective),
    // All of several: the fastest session's (the strictest frame time) for the budget lines.
    fps:
      (index === null ? (several ? Math.max(...sessions.map((s) => s.fps)) : null) : sessions[index]?.fps) ??
      capture.meta.fps ??
      sessions[0]?.fps ??
      null,
  };
}
