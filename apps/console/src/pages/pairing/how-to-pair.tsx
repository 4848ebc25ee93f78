// What the Pairing page says while no client waits: how to make one ask,
// with the address another machine reaches the host at.
import type { HostStatusResponse } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import { KindBadge } from './kind-badge.js';

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

export function HowToPair(props: { hostStatus: HostStatusResponse | undefined }) {
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
