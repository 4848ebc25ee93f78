// Several sessions in one capture: naming them, picking one, and keeping
// only its samples and events. Pure (unit-tested without a browser).
import type { SessionInfo, StatsSample, TimelineEvent } from '@punktfunk/shared';

/** 'all', or one session's id. */
export type SessionPick = 'all' | (string & {});

/** How a session is named in pickers, legends and lists: its client, else its id; and its path. */
export function sessionLabel(s: Pick<SessionInfo, 'client' | 'sessionId' | 'kind'>): string {
  return `${s.client ?? `session ${s.sessionId}`} · ${s.kind}`;
}

/** The display a session streams: its description, or "desktop" where the host did not say (older hosts). */
export function displayText(s: Pick<SessionInfo, 'display'>): string {
  const d = s.display;
  if (!d) return 'desktop';
  return d.mode === 'virtual' ? `virtual: ${d.description}` : `desktop: ${d.description}`;
}

export function samplesOf(samples: readonly StatsSample[], pick: SessionPick): readonly StatsSample[] {
  return pick === 'all' ? samples : samples.filter((s) => s.sessionId === pick);
}

/** A session's events and the host-wide ones (operator markers), which belong to every session. */
export function eventsOf(events: readonly TimelineEvent[], pick: SessionPick): readonly TimelineEvent[] {
  return pick === 'all' ? events : events.filter((e) => e.sessionId === null || e.sessionId === pick);
}

/** Session ids in the order their first sample came. */
export function sampledSessions(samples: readonly StatsSample[]): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    if (!seen.has(s.sessionId)) {
      seen.add(s.sessionId);
      ids.push(s.sessionId);
    }
  }
  return ids;
}

/** Each session's newest sample (the live figures of the sessions list). */
export function latestBySession(samples: readonly StatsSample[]): Map<string, StatsSample> {
  const latest = new Map<string, StatsSample>();
  for (const s of samples) {
    const known = latest.get(s.sessionId);
    if (!known || s.tMs >= known.tMs) latest.set(s.sessionId, s);
  }
  return latest;
}

/** A pick that names a session no longer offered falls back to all. */
export function validPick(pick: SessionPick, offered: readonly string[]): SessionPick {
  return pick === 'all' || offered.includes(pick) ? pick : 'all';
}
