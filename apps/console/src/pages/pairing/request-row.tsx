// One waiting request: who, from where, for how long, and the PIN field.
import type { PendingPairing } from '@punktfunk/shared';
import { createSignal, onMount, Show } from 'solid-js';
import { useHost } from '../../providers/host.js';
import { type Action, createAction } from '../../ui/action.js';
import { Button } from '../../ui/controls.js';
import { formatWaited } from '../../ui/format.js';
import { KindBadge } from './kind-badge.js';

function PinForm(props: { request: PendingPairing; action: Action; onHandedOver: () => void }) {
  const host = useHost();
  const [pin, setPin] = createSignal('');
  const submit = async () => {
    if (!/^[0-9]{4}$/.test(pin())) return props.action.fail('The PIN has 4 digits.');
    const handed = await props.action.run('Could not hand over the PIN', () =>
      host.api.submitPin(props.request, pin()),
    );
    // The outcome arrives as an event once the client has checked the PIN.
    if (handed) props.onHandedOver();
  };
  const refuse = () => props.action.run('Could not refuse', () => host.api.refusePairing(props.request));
  let input: HTMLInputElement | undefined;
  // A new request takes the focus unless the operator is typing somewhere else.
  onMount(() => {
    const active = document.activeElement;
    if (!active || active === document.body) input?.focus();
  });
  return (
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
        aria-label={`PIN shown by ${props.request.clientName}`}
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
  );
}

export function RequestRow(props: { request: PendingPairing; now: number }) {
  const action = createAction();
  const [checking, setChecking] = createSignal(false);
  const r = () => props.request;
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
        <PinForm request={r()} action={action} onHandedOver={() => setChecking(true)} />
      </Show>
      <Show when={action.error()}>
        <div class="request-error" role="alert">
          {action.error()}
        </div>
      </Show>
    </li>
  );
}
