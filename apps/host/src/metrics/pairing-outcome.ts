// The outcome label of punktfunk_pairing_attempts_total, from the updates
// both protocols' pairings publish through PendingPairings (the console's
// pairing list): one attempt is counted once, at its first final state
// (a refused GameStream request is reported refused, then failed).
import type { PairingKind, PairingUpdate } from '@punktfunk/shared';

export const PAIRING_OUTCOMES = [
  'paired',
  'wrong-pin',
  'refused',
  'replaced',
  'cancelled',
  'failed',
] as const;
export type PairingOutcomeLabel = (typeof PAIRING_OUTCOMES)[number];

// Attempts whose outcome was counted, remembered so a second report of the same one is not.
const MAX_REMEMBERED = 256;

export function pairingOutcome(update: Pick<PairingUpdate, 'state' | 'detail'>): PairingOutcomeLabel | null {
  if (update.state === 'waiting') return null;
  if (update.state === 'paired') return 'paired';
  if (/refused/i.test(update.detail)) return 'refused';
  if (/replaced/i.test(update.detail)) return 'replaced';
  if (update.state === 'cancelled') return 'cancelled';
  if (/wrong pin|proof did not match|not signed/i.test(update.detail)) return 'wrong-pin';
  return 'failed';
}

/** Counts each attempt (request id) once, at its first final update. */
export class PairingAttemptCounter {
  private readonly counted = new Set<string>();

  constructor(private readonly count: (path: PairingKind, outcome: PairingOutcomeLabel) => void) {}

  note(update: PairingUpdate): void {
    const outcome = pairingOutcome(update);
    if (outcome === null || this.counted.has(update.requestId)) return;
    this.counted.add(update.requestId);
    if (this.counted.size > MAX_REMEMBERED) this.counted.delete(this.counted.values().next().value as string);
    this.count(update.kind, outcome);
  }
}
