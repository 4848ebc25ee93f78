// The reason label of punktfunk_sessions_ended_total. The session manager
// knows why a session ended as a sentence (the lane's client-disconnect
// says it); a label needs a few fixed values, so the sentences the host
// writes are sorted here. A new sentence that matches none is 'other'.
import type { SessionEnd } from '../streaming/core/session-manager.js';

export const END_REASONS = [
  'failed',
  'host-stopping',
  'operator',
  'timeout',
  'replaced',
  'client',
  'ended',
  'stopped',
  'other',
] as const;
export type EndReason = (typeof END_REASONS)[number];

const RULES: readonly [RegExp, EndReason][] = [
  [/host is (stopping|shutting down)|host closed/i, 'host-stopping'],
  [/operator/i, 'operator'],
  [/went silent|no ping|never pinged|timed? ?out/i, 'timeout'],
  [/replaced|another app is launching/i, 'replaced'],
  [/client|connection closed|cancelled/i, 'client'],
  // The source ended on its own (a replayed trace, the desktop closed).
  [/stream ended|desktop|source ended/i, 'ended'],
];

export function endReason(end: Pick<SessionEnd, 'error' | 'reason'>): EndReason {
  if (end.error !== null) return 'failed';
  if (end.reason === null) return 'stopped';
  for (const [pattern, reason] of RULES) if (pattern.test(end.reason)) return reason;
  return 'other';
}
