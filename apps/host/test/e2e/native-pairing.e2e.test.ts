// Pairing a native client by PIN, as a user and an operator do it: the client
// prints a PIN, the operator enters it through the management API, the client
// streams; next time it is let in at once. A wrong PIN fails cleanly and the
// client can try again. Loopback pairing is switched on so this runs locally.
import { join } from 'node:path';
import {
  newConfigDir,
  type PairingClient,
  type RunningHost,
  startHost,
  startPairingClient,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const configDir = newConfigDir();
let host: RunningHost;

beforeAll(async () => {
  host = await startHost(configDir, { PUNKTFUNK_NATIVE_LOOPBACK_PAIRING: '1' });
});
afterAll(async () => {
  await host?.stop();
});

interface Pending {
  requestId: string;
  kind: string;
  clientName: string;
}

async function pendingIds(): Promise<string[]> {
  const body = (await (await host.api('/pairing/pending')).json()) as { requests: Pending[] };
  return body.requests.map((r) => r.requestId);
}

function startClient(clientDir: string, seconds: number): PairingClient {
  return startPairingClient(host.nativePort, clientDir, 'e2e-laptop', seconds);
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitingRequest(): Promise<Pending> {
  return until(async () => {
    const body = (await (await host.api('/pairing/pending')).json()) as { requests: Pending[] };
    return body.requests[0];
  }, 'a waiting pairing request');
}

async function enterPin(requestId: string, pin: string): Promise<number> {
  const res = await host.api(`/pairing/${requestId}/pin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  });
  return res.status;
}

describe('native pairing by PIN', () => {
  const clientDir = join(configDir, 'laptop');

  it('a new client shows a PIN; the operator enters it; the client streams', async () => {
    const client = startClient(clientDir, 2);
    const pin = (await until(
      () => client.stderr().match(/enter PIN (\d{4})/)?.[1],
      'the PIN on the client',
    )) as string;
    const request = await waitingRequest();
    expect(request).toMatchObject({ kind: 'native', clientName: 'e2e-laptop' });
    expect(await enterPin(request.requestId, pin)).toBe(200);
    const { code, summary } = await client.done;
    expect(code).toBe(0);
    expect(summary.framesDecoded).toBeGreaterThan(30);
    expect(client.stderr()).toMatch(/paired with the host/);
    expect(await pendingIds()).not.toContain(request.requestId);
    const clients = (await (await host.api('/clients')).json()) as { clients: { name: string }[] };
    expect(clients.clients.map((c) => c.name)).toContain('e2e-laptop');
  });

  it('the paired client is let in at once next time', async () => {
    const client = startClient(clientDir, 1);
    const { code, summary } = await client.done;
    expect(code).toBe(0);
    expect(summary.framesDecoded).toBeGreaterThan(10);
    expect(client.stderr()).not.toMatch(/enter PIN/);
  });

  it("renamed by the operator, the client's recording names it by that name and its short fingerprint", async () => {
    const body = (await (await host.api('/clients')).json()) as {
      clients: { fingerprint: string; shortFingerprint: string; name: string }[];
    };
    const paired = body.clients.find((c) => c.name === 'e2e-laptop');
    expect(paired?.shortFingerprint).toBe(paired?.fingerprint.slice(0, 16).match(/../g)?.join(':'));
    const renamed = await host.api(`/clients/${paired?.fingerprint}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'work laptop' }),
    });
    expect(renamed.status).toBe(200);
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    expect((await startClient(clientDir, 1).done).code).toBe(0);
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as {
      meta: { sessions: { client: string | null }[] };
    };
    expect(capture.meta.sessions.map((s) => s.client)).toEqual([`work laptop (${paired?.shortFingerprint})`]);
    expect(host.output()).toContain(`native client e2e-laptop (${paired?.shortFingerprint}) paired`);
  });

  it('a wrong PIN fails on both ends, and the client can try again', async () => {
    const otherDir = join(configDir, 'phone');
    const first = startClient(otherDir, 1);
    const pin = (await until(() => first.stderr().match(/enter PIN (\d{4})/)?.[1], 'the PIN')) as string;
    const wrong = pin === '0000' ? '1111' : '0000';
    const request = await waitingRequest();
    expect(await enterPin(request.requestId, wrong)).toBe(200);
    const failed = await first.done;
    expect(failed.code).toBe(1);
    expect(failed.summary.stopReason).toMatch(/pairing failed: the PIN entered on the host was wrong/);
    expect(await pendingIds()).not.toContain(request.requestId);
    // A PIN for a request that is not waiting any more is refused.
    expect(await enterPin(request.requestId, pin)).toBe(404);

    const retry = startClient(otherDir, 1);
    const pin2 = (await until(() => retry.stderr().match(/enter PIN (\d{4})/)?.[1], 'the new PIN')) as string;
    const request2 = await waitingRequest();
    expect(await enterPin(request2.requestId, pin2)).toBe(200);
    expect((await retry.done).code).toBe(0);
  });

  it('refuses malformed PINs and unknown requests', async () => {
    expect(await enterPin('nope', '12345')).toBe(400);
    expect(await enterPin('../x', '1234')).toBe(404);
    expect(await enterPin('abcdef12', '1234')).toBe(404);
  });

  it('the operator can refuse a request: the client is told, nothing is stored', async () => {
    const pairedBefore = ((await (await host.api('/clients')).json()) as { clients: unknown[] }).clients
      .length;
    const client = startClient(join(configDir, 'stranger'), 1);
    await until(() => client.stderr().match(/enter PIN (\d{4})/)?.[1], 'the PIN');
    const request = await waitingRequest();
    const res = await host.api(`/pairing/${request.requestId}/refuse`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { code, summary } = await client.done;
    expect(code).toBe(1);
    expect(summary.stopReason).toMatch(/refused/);
    const clients = (await (await host.api('/clients')).json()) as { clients: unknown[] };
    expect(clients.clients).toHaveLength(pairedBefore);
    expect((await host.api(`/pairing/${request.requestId}/refuse`, { method: 'POST' })).status).toBe(404);
  });
});
