// The Pairing page: clients waiting for the operator's PIN (pushed by the
// host the moment they ask), how each attempt ended, the paired clients and
// the apps GameStream clients may launch.
import type { HostStatusResponse, PairingKind, PendingPairing } from '@punktfunk/shared';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { PairingOutcomeLine, Pairings } from '../data/resources.js';
import { useHost } from '../providers/host.js';
import { Button, Card, errorText } from '../ui/controls.js';
import { formatTime, formatWaited } from '../ui/format.js';
import { AppsCard, PairedClientsCard } from './paired-clients.js';

const KIND_LABEL: Record<PairingKind, string> = { gamestream: 'GameStream', native: 'punktfunk/1' };

export function KindBadge(props: { kind: PairingKind }) {
  return <span class={`kind kind-${props.kind}`}>{KIND_LABEL[props.kind]}</span>;
}

function useNowUnixMs(intervalMs: number) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

/** One waiting request: who, from where, for how long, and the PIN field. */
function RequestRow(props: { request: PendingPairing; now: number }) {
  const host = useHost();
  const [pin, setPin] = createSignal('');
  const [checking, setChecking] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async () => {
    if (!/^[0-9]{4}$/.test(pin())) {
      setError('The PIN has 4 digits.');
      return;
    }
    setError(null);
    try {
      await host.api.submitPin(props.request, pin());
      setChecking(true); // the outcome arrives as an event once the client has checked it
    } catch (e) {
      setError(`Could not hand over the PIN: ${errorText(e)}`);
    }
  };
  const refuse = async () => {
    try {
      await host.api.refusePairing(props.request);
    } catch (e) {
      setError(`Could not refuse: ${errorText(e)}`);
    }
  };
  const r = () => props.request;
  let input: HTMLInputElement | undefined;
  // A new request takes the focus unless the operator is typing somewhere else.
  onMount(() => {
    const active = document.activeElement;
    if (!active || active === document.body) input?.focus();
  });
  return (
    <li class="request" data-testid="pairing-request" data-kind={r().kind} data-id={r().requestId}>
      <span class="request-dot" />
      <div class="request-who">
        <div class="request-name">
          <KindBadge kind={r().kind} />
          <b data-testid="request-name">{r().clientName}</b>
        </div>
        <div class="muted small">
          from {r().address} · waiting {formatWaited(props.now - r().requestedUnixMs)} · certificate{' '}
          <code title={r().fingerprint}>{r().fingerprint.slice(0, 8)}…</code>
        </div>
      </div>
      <Show
        when={!checking()}
        fallback={
          <span class="muted" data-testid="request-checking">
            Checking the PIN with the client…
          </span>
        }
      >
        <form
          class="pin-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            ref={input}
            class="pin-input"
            data-testid="pin-input"
            aria-label={`PIN shown by ${r().clientName}`}
            placeholder="PIN"
            inputmode="numeric"
            autocomplete="off"
            pattern="[0-9]{4}"
            maxLength={4}
            value={pin()}
            onInput={(e) => {
              const digits = e.currentTarget.value.replace(/\D/g, '').slice(0, 4);
              e.currentTarget.value = digits;
              setPin(digits);
            }}
          />
          <Button type="submit" kind="primary" disabled={pin().length !== 4} testId="pin-submit">
            Pair
          </Button>
          <Button
            type="button"
            kind="ghost-danger"
            onClick={refuse}
            testId="pin-refuse"
            title="Do not let this client in"
          >
            Refuse
          </Button>
        </form>
      </Show>
      <Show when={error()}>
        <div class="request-error" role="alert">
          {error()}
        </div>
      </Show>
    </li>
  );
}

/** What an ended attempt means for the operator, in a few words. */
function outcomeText(o: PairingOutcomeLine): string {
  if (o.state === 'paired') return 'paired';
  if (o.state === 'cancelled') return 'stopped waiting (the client left or the wait timed out)';
  if (/wrong|did not match/i.test(o.detail)) return 'wrong PIN — the client can try again';
  if (/refused/i.test(o.detail)) return 'refused by you';
  return `failed: ${o.detail} — the client can try again`;
}

function OutcomeLines(props: { outcomes: readonly PairingOutcomeLine[] }) {
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

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(\.\d{1,3}){3}\]?)$/i;

/**
 * Where another machine reaches the host: the addresses the host reports
 * (IPv4 first), else the address this page was opened at unless that is
 * loopback (the console's default, useless on another machine); else none.
 */
function pairingAddresses(status: HostStatusResponse | undefined): {
  address: string | null;
  others: string[];
} {
  const lan = status?.lanAddresses ?? [];
  if (lan.length) return { address: lan[0]!, others: lan.slice(1) };
  const page = window.location.hostname;
  return { address: page && !LOOPBACK.test(page) ? page : null, others: [] };
}

function HowToPair(props: { hostStatus: HostStatusResponse | undefined }) {
  const where = () => pairingAddresses(props.hostStatus);
  const address = () => where().address ?? '<host address>';
  return (
    <div class="empty how-to" data-testid="requests-empty">
      <div class="how-to-title">No client is waiting to pair.</div>
      <div class="how-to-steps">
        <div>
          <KindBadge kind="gamestream" /> In Moonlight, add this host (<code>{address()}</code>) and pick it:
          a PIN appears; enter it here.
        </div>
        <div>
          <KindBadge kind="native" /> Run <code>pnpm client -- --host {address()}</code> on the other machine:
          it prints a PIN; enter it here.
        </div>
      </div>
      <Show when={where().others.length}>
        <div class="muted small" data-testid="other-addresses">
          Its other addresses:{' '}
          <For each={where().others}>
            {(a, i) => (
              <>
                {i() ? ', ' : ''}
                <code>{a}</code>
              </>
            )}
          </For>
          .
        </div>
      </Show>
      <Show when={props.hostStatus && !where().address}>
        <div class="notice notice-warn small" data-testid="no-lan-address">
          The host reports no LAN address (no network interface besides loopback), so other machines cannot
          reach it yet. Connect it to the network; its address then shows here.
        </div>
      </Show>
      <div class="muted small">Requests show up here the moment a client asks.</div>
    </div>
  );
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
