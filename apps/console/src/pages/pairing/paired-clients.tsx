// The Pairing page's lower half: the paired clients (unpair with a
// confirmation) and the apps GameStream clients may launch.
import type { PairedClientInfo } from '@punktfunk/shared';
import { type Accessor, createSignal, For, Show } from 'solid-js';
import { createGameStreamApps, createPairedClients, settled } from '../data/resources.js';
import { useHost } from '../providers/host.js';
import { Button, Card, Confirm, errorText, Notice } from '../ui/controls.js';
import { formatDateTime, shortFingerprint } from '../ui/format.js';

/** Colons every two digits, as certificate viewers show a fingerprint. */
const spacedFingerprint = (hex: string) => hex.match(/.{1,2}/g)?.join(':') ?? hex;

export function PairedClientsCard(props: { changes: Accessor<number> }) {
  const host = useHost();
  const { clients, refetch, mutate } = createPairedClients(host, props.changes);
  const [unpairing, setUnpairing] = createSignal<PairedClientInfo | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const list = () => settled(clients) ?? [];
  const confirmUnpair = async () => {
    const client = unpairing();
    if (!client) return;
    setError(null);
    try {
      await host.api.unpair(client.fingerprint);
      mutate((prev) => prev?.filter((c) => c.fingerprint !== client.fingerprint));
      void refetch();
    } catch (e) {
      setError(`Could not unpair ${client.name}: ${errorText(e)}`);
    }
    setUnpairing(null);
  };
  return (
    <Card
      title="Paired clients"
      testId="paired-card"
      subtitle="Let in without a PIN. Moonlight and punktfunk/1 clients share this list."
    >
      <Show when={error()}>
        <Notice kind="error">{error()}</Notice>
      </Show>
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
              <For each={list()}>
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
                        onClick={() => setUnpairing(c)}
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
      </Show>
      <Show when={unpairing()}>
        {(client) => (
          <Confirm
            title="Unpair this client?"
            confirmLabel="Unpair"
            onConfirm={confirmUnpair}
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

export function AppsCard() {
  const host = useHost();
  const { apps } = createGameStreamApps(host);
  const body = () => settled(apps);
  return (
    <Card title="Apps" testId="apps-card" subtitle="What a paired Moonlight client can launch.">
      <Show when={apps.error && !body()}>
        <Notice kind="error">Could not load the apps: {errorText(apps.error)}</Notice>
      </Show>
      <Show when={body()?.enabled === false}>
        <Notice kind="warn">
          GameStream is switched off on this host (<code>PUNKTFUNK_GAMESTREAM=0</code>): Moonlight cannot find
          or pair with it. punktfunk/1 clients still can.
        </Notice>
      </Show>
      <Show when={body()?.enabled}>
        <Show when={body()?.apps.length} fallback={<div class="empty">No apps are configured.</div>}>
          <ul class="apps" data-testid="apps-list">
            <For each={body()?.apps ?? []}>
              {(app) => (
                <li class="app" data-testid="app">
                  <span class="app-icon">{app.title.slice(0, 1).toUpperCase()}</span>
                  <span class="app-title">{app.title}</span>
                  <span class="muted small">id {app.id}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <p class="footnote">
          The list is <code>apps.json</code> in the host's config directory; the host reads it at start.
        </p>
      </Show>
    </Card>
  );
}
