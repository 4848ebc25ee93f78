// Starting a host with GameStream on free ports, and the operator's side of
// pairing through the management API.
import { setTimeout as sleep } from 'node:timers/promises';
import { GameStreamClient } from '@punktfunk/gamestream-client';
import type { PendingPairingsResponse } from '@punktfunk/shared';
import { newConfigDir, type RunningHost, startHost } from './host-process.js';

export async function startGameStreamHost(configDir = newConfigDir(), env: Record<string, string> = {}) {
  const host = await startHost(configDir, env);
  if (!host.gamestream) throw new Error('GameStream did not start');
  const ports = { http: host.gamestream.httpPort, https: host.gamestream.httpsPort };
  return { host, ports, newClient: (uniqueId?: string) => GameStreamClient.create(ports, uniqueId) };
}

/** A GameStream host and a test client paired with it (the operator entered `pin`). */
export async function startPairedGameStreamHost(pin = '9753', env: Record<string, string> = {}) {
  const started = await startGameStreamHost(newConfigDir(), env);
  const client = await started.newClient();
  const paired = await client.pair(pin, async () => void (await enterPin(started.host, pin)));
  if (!paired.paired) throw new Error(`pairing failed:\n${started.host.output()}`);
  return { ...started, client };
}

/** Waits (without a deadline of its own) until a GameStream request is pending, as the console would learn of it. */
export async function waitForPendingRequest(
  host: RunningHost,
): Promise<PendingPairingsResponse['requests'][number]> {
  for (;;) {
    const body = (await (await host.api('/pairing/pending')).json()) as PendingPairingsResponse;
    const request = body.requests.find((r) => r.kind === 'gamestream');
    if (request) return request;
    await sleep(20);
  }
}

/** The operator types `pin` into the console once the request shows. */
export async function enterPin(host: RunningHost, pin: string): Promise<Response> {
  await waitForPendingRequest(host);
  return host.api('/pairing/gamestream/pin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  });
}

/**
 * Pairs one client per name, in turn (the host pairs one at a time): each its
 * own certificate, uniqueid `<idPrefix><NAME>`, device name `client-<name>`,
 * and PIN 1111, 2222, … in the order of `names`.
 */
export async function pairGameStreamClients<Name extends string>(
  host: RunningHost,
  names: readonly Name[],
  idPrefix: string,
): Promise<Record<Name, GameStreamClient>> {
  const gs = host.gamestream;
  if (!gs) throw new Error('GameStream did not start');
  const clients = {} as Record<Name, GameStreamClient>;
  for (const [index, name] of names.entries()) {
    const pin = String(index + 1).repeat(4);
    const client = await GameStreamClient.create(
      { http: gs.httpPort, https: gs.httpsPort },
      { uniqueId: `${idPrefix}${name.toUpperCase()}`, deviceName: `client-${name}` },
    );
    const paired = await client.pair(pin, async () => void (await enterPin(host, pin)));
    if (!paired.paired) throw new Error(`pairing client-${name} failed:\n${host.output()}`);
    clients[name] = client;
  }
  return clients;
}
