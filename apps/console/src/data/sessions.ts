// Several sessions in one capture: naming them, picking one, and keeping
// only its samples and events. Pure (unit-tested without a browser).
import type { SessionInfo, StatsSample, TimelineEvent } from '@punktfunk/shared';

/** 'all', or one session's id. */
export type SessionPick = 'all' | (string & {});

/**
 * A client as the host names it, split: its name, and what tells two of that
 * name apart (the certificate's short fingerprint, "name (ab:cd:…)", or the
 * address of an unpaired loopback client, "name@127.0.0.1"); null when none.
 */
export function splitClient(client: string): { name: string; detail: string | null } {
  const fingerprint = /^(.+) \(([0-9a-f]{2}(?::[0-9a-f]{2})+)\)$/i.exec(client);
  if (fingerprint) return { name: fingerprint[1]!, detail: fingerprint[2]! };
  const address = /^(.+)@([^@]+)$/.exec(client);
  if (address) return { name: address[1]!, detail: address[2]! };
  return { name: client, detail: null };
}

/** How a session is named in pickers and legends: its client's name, else its id. */
export function sessionLabel(s: Pick<SessionInfo, 'client' | 'sessionId'>): string {
  return s.client ? splitClient(s.client).name : `session ${s.sessionId}`;
}

export const pathName = (kind: SessionInfo['kind']): string =>
  kind === 'native' ? 'punktfunk/1' : 'GameStream';

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

/** Labels for a list of sessions; two of one name are told apart by their session ids. */
export function sessionLabels(sessions: readonly Pick<SessionInfo, 'client' | 'sessionId'>[]): string[] {
  const labels = sessions.map(sessionLabel);
  return labels.map((label, i) =>
    labels.indexOf(label) !== labels.lastIndexOf(label) ? `${label} (${sessions[i]!.sessionId})` : label,
  );
}

/** A session's tooltip line: its full client name, path, mode and codec. */
export function sessionDetail(
  s: Pick<SessionInfo, 'client' | 'kind' | 'width' | 'height' | 'fps' | 'codec'>,
): string {
  return `${s.client ?? 'unknown client'} · ${pathName(s.kind)} · ${s.width}×${s.height}@${s.fps} ${s.codec}`;
}
