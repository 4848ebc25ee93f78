// The paired clients of both protocols: who, which certificate, since when,
// and Unpair after a confirmation.
import type { PairedClientInfo } from '@punktfunk/shared';
import { type Accessor, createSignal, For, Show } from 'solid-js';
import { createPairedClients, settled } from '../../data/resources.js';
import { useHost } from '../../providers/host.js';
import { ActionError, createAction } from '../../ui/action.js';
import { Button, Card, Confirm, errorText, Notice } from '../../ui/controls.js';
import { formatDateTime, shortFingerprint } from '../../ui/format.js';

/** Colons every two digits, as certificate viewers show a fingerprint. */
const spacedFingerprint = (hex: string) => hex.match(/.{1,2}/g)?.join(':') ?? hex;

function PairedTable(props: {
  clients: readonly PairedClientInfo[];
  onUnpair: (c: PairedClientInfo) => void;
}) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="paired-table">
        <thead>
          <tr>
            <th>Client</th>
            <th>Certificate (SHA-256)</th>
            <th>Paired</th>
            <th class="col-actions" />
          </tr>
        </thead>
        <tbody>
          <For each={props.clients}>
            {(c) => (
              <tr data-testid="paired-row" data-fingerprint={c.fingerprint}>
                <td class="rec-name">{c.name}</td>
                <td>
                  <code class="fingerprint" title={spacedFingerprint(c.fingerprint)}>
                    {shortFingerprint(c.fingerprint)}
                  </code>
                </td>
                <td class="nowrap">{formatDateTime(c.pairedUnixMs)}</td>
                <td class="col-actions">
                  <Button
                    small
                    kind="ghost-danger"
                    title={`unpair ${c.name}`}
                    testId="unpair"
                    onClick={() => props.onUnpair(c)}
                  >
                    Unpair
                  </Button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

export function PairedClientsCard(props: { changes: Accessor<number> }) {
  const host = useHost();
  const { clients, refetch, mutate } = createPairedClients(host, props.changes);
  const action = createAction();
  const [unpairing, setUnpairing] = createSignal<PairedClientInfo | null>(null);
  const list = () => settled(clients) ?? [];
  const confirmUnpair = async (client: PairedClientInfo) => {
    await action.run(`Could not unpair ${client.name}`, async () => {
      await host.api.unpair(client.fingerprint);
      mutate((prev) => prev?.filter((c) => c.fingerprint !== client.fingerprint));
      void refetch();
    });
    setUnpairing(null);
  };
  return (
    <Card
      title="Paired clients"
      testId="paired-card"
      subtitle="Let in without a PIN. Moonlight and punktfunk/1 clients share this list."
    >
      <ActionError action={action} />
      <Show when={clients.error && !settled(clients)}>
        <Notice kind="error">Could not load the paired clients: {errorText(clients.error)}</Notice>
      </Show>
      <Show
        when={list().length}
        fallback={
          <div class="empty" data-testid="paired-empty">
            {clients.loading
              ? 'Loading…'
              : 'No client is paired yet. Pair one above; from then on it is let in without a PIN.'}
          </div>
        }
      >
        <PairedTable clients={list()} onUnpair={setUnpairing} />
      </Show>
      <Show when={unpairing()}>
        {(client) => (
          <Confirm
            title="Unpair this client?"
            confirmLabel="Unpair"
            onConfirm={() => confirmUnpair(client())}
            onCancel={() => setUnpairing(null)}
          >
            <p>
              <b>{client().name}</b> (<code>{shortFingerprint(client().fingerprint)}</code>) will no longer be
              let in. To stream again it has to pair again with a new PIN.
            </p>
          </Confirm>
        )}
      </Show>
    </Card>
  );
}
