// How the latest pairing attempts ended, newest first.
import { For } from 'solid-js';
import type { PairingOutcomeLine } from '../../data/resources.js';
import { formatTime } from '../../ui/format.js';
import { KindBadge } from './kind-badge.js';

/** What an ended attempt means for the operator, in a few words. */
function outcomeText(o: PairingOutcomeLine): string {
  if (o.state === 'paired') return 'paired';
  if (o.state === 'cancelled') return 'stopped waiting (the client left or the wait timed out)';
  if (/wrong|did not match/i.test(o.detail)) return 'wrong PIN — the client can try again';
  if (/refused/i.test(o.detail)) return 'refused by you';
  return `failed: ${o.detail} — the client can try again`;
}

export function OutcomeLines(props: { outcomes: readonly PairingOutcomeLine[] }) {
  return (
    <ul class="outcomes" data-testid="pairing-outcomes">
      <For each={props.outcomes}>
        {(o) => (
          <li class={`outcome outcome-${o.state}`} data-testid="pairing-outcome" data-state={o.state}>
            <span class="outcome-mark">{o.state === 'paired' ? '✓' : o.state === 'failed' ? '✕' : '–'}</span>
            <span class="muted small nowrap">{formatTime(o.receivedUnixMs)}</span>
            <KindBadge kind={o.kind} />
            <b>{o.clientName}</b>
            <span>{outcomeText(o)}</span>
          </li>
        )}
      </For>
    </ul>
  );
}
