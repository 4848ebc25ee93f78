// The paired clients of both protocols: who, which certificate (its short
// fingerprint next to the name tells two installs of one client apart), since
// when; Rename in place, and Unpair after a confirmation.
import type { PairedClientInfo } from '@punktfunk/shared';
import { type Accessor, createSignal, For, Show } from 'solid-js';
import { createPairedClients, settled } from '../../data/resources.js';
import { useHost } from '../../providers/host.js';
import { ActionError, createAction } from '../../ui/action.js';
import { Button, Card, Confirm, errorText, Notice } from '../../ui/controls.js';
import { formatDateTime } from '../../ui/format.js';

/** Colons every two digits, as certificate viewers show a fingerprint. */
const spacedFingerprint = (hex: string) => hex.match(/.{1,2}/g)?.join(':') ?? hex;

// As the host allows (PATCH /clients/:fingerprint); it also refuses control and bidi characters.
const CLIENT_NAME_MAX_CHARS = 64;

/** The name and, next to it, the short fingerprint: two installs of one client share a name, never a certificate. */
function ClientName(props: { client: PairedClientInfo }) {
  return (
    <span class="client-name">
      <span data-testid="client-name">{props.client.name}</span>
      <code
        class="fingerprint"
        data-testid="client-fingerprint"
        title={`certificate SHA-256 ${spacedFingerprint(props.client.fingerprint)}`}
      >
        {props.client.shortFingerprint}
      </code>
    </span>
  );
}

function RenameForm(props: {
  client: PairedClientInfo;
  onSave: (name: string) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [name, setName] = createSignal(props.client.name);
  const save = () => props.onSave(name());
  return (
    <form
      class="rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input
        data-testid="rename-input"
        aria-label={`new name for ${props.client.name}`}
        value={name()}
        maxLength={CLIENT_NAME_MAX_CHARS}
        ref={(el) => queueMicrotask(() => el.select())}
        onInput={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      />
      <Button small kind="primary" type="submit" testId="rename-save" disabled={name().trim() === ''}>
        Save
      </Button>
      <Button small kind="ghost" testId="rename-cancel" onClick={props.onCancel}>
        Cancel
      </Button>
      <code class="fingerprint" title={spacedFingerprint(props.client.fingerprint)}>
        {props.client.shortFingerprint}
      </code>
    </form>
  );
}

function PairedTable(props: {
  clients: readonly PairedClientInfo[];
  renaming: string | null;
  onRename: (c: PairedClientInfo | null) => void;
  onSaveName: (c: PairedClientInfo, name: string) => Promise<unknown>;
  onUnpair: (c: PairedClientInfo) => void;
}) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="paired-table">
        <thead>
          <tr>
            <th>Client and certificate (SHA-256, first 8 bytes)</th>
            <th>Paired</th>
            <th class="col-actions" />
          </tr>
        </thead>
        <tbody>
          <For each={props.clients}>
            {(c) => (
              <tr data-testid="paired-row" data-fingerprint={c.fingerprint}>
                <td class="rec-name">
                  <Show when={props.renaming === c.fingerprint} fallback={<ClientName client={c} />}>
                    <RenameForm
                      client={c}
                      onSave={(name) => props.onSaveName(c, name)}
                      onCancel={() => props.onRename(null)}
                    />
                  </Show>
                </td>
                <td class="nowrap">{formatDateTime(c.pairedUnixMs)}</td>
                <td class="col-actions">
                  <Button
                    small
                    kind="ghost"
                    title={`rename ${c.name}`}
                    testId="rename"
                    onClick={() => props.onRename(c)}
                  >
                    Rename
                  </Button>
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
  const [renaming, setRenaming] = createSignal<string | null>(null);
  const list = () => settled(clients) ?? [];
  const saveName = async (client: PairedClientInfo, name: string) => {
    const done = await action.run(`Could not rename ${client.name}`, async () => {
      const renamed = await host.api.renameClient(client.fingerprint, name);
      mutate((prev) => prev?.map((c) => (c.fingerprint === renamed.fingerprint ? renamed : c)));
    });
    if (done) setRenaming(null);
  };
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
        <PairedTable
          clients={list()}
          renaming={renaming()}
          onRename={(c) => setRenaming(c?.fingerprint ?? null)}
          onSaveName={saveName}
          onUnpair={setUnpairing}
        />
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
              <b>{client().name}</b> (<code>{client().shortFingerprint}</code>) will no longer be let in. To
              stream again it has to pair again with a new PIN.
            </p>
          </Confirm>
        )}
      </Show>
    </Card>
  );
}
