// The Pairing page: clients waiting for the operator's PIN (pushed by the
// host the moment they ask), how each attempt ended, the paired clients and
// the apps GameStream clients may launch.
import type { HostStatusResponse } from '@punktfunk/shared';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import type { Pairings } from '../../data/resources.js';
import { Card } from '../../ui/controls.js';
import { AppsCard } from './apps-card.js';
import { HowToPair } from './how-to-pair.js';
import { OutcomeLines } from './outcomes.js';
import { PairedClientsCard } from './paired-clients.js';
import { RequestRow } from './request-row.js';

function useNowUnixMs(intervalMs: number) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

function RequestsCard(props: { pairings: Pairings; hostStatus: HostStatusResponse | undefined }) {
  const now = useNowUnixMs(1000);
  const count = () => props.pairings.waiting().length;
  return (
    <Card
      title={
        <>
          Pairing requests
          <Show when={count()}>
            <span class="count-pill">{count()} waiting</span>
          </Show>
        </>
      }
      testId="requests-card"
      subtitle="A client asking to pair shows a 4-digit PIN. Enter it here to let that client in."
    >
      <Show when={count()} fallback={<HowToPair hostStatus={props.hostStatus} />}>
        <ul class="requests">
          <For each={props.pairings.waiting()}>{(r) => <RequestRow request={r} now={now()} />}</For>
        </ul>
      </Show>
      <Show when={props.pairings.outcomes().length}>
        <h3 class="section-title">Recent attempts</h3>
        <OutcomeLines outcomes={props.pairings.outcomes()} />
      </Show>
    </Card>
  );
}

export function PairingPage(props: { pairings: Pairings; hostStatus: HostStatusResponse | undefined }) {
  return (
    <div class="page" data-testid="pairing-page">
      <RequestsCard pairings={props.pairings} hostStatus={props.hostStatus} />
      <div class="grid-2 grid-wide-left">
        <PairedClientsCard changes={props.pairings.pairedCount} />
        <AppsCard />
      </div>
    </div>
  );
}
