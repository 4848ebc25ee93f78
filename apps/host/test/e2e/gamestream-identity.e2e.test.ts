// Clients told apart by their certificate, against the real host: two
// installs of one Moonlight client (moonlight-embedded sends one fixed
// uniqueid, and both are called "roth") pair as two clients, each listed
// with its own short fingerprint. The operator renames one through the API;
// the next stream's recording names the client by that name and its short
// fingerprint, and so does the host's log.
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import type { Capture, PairedClientsResponse } from '@punktfunk/shared';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// moonlight-embedded's fixed uniqueid, as real installs send it.
const FIXED_UNIQUE_ID = '0123456789ABCDEF';
let host: RunningHost;
let first: GameStreamClient;
let second: GameStreamClient;

const short = (fingerprint: string) => (fingerprint.slice(0, 16).match(/../g) ?? []).join(':');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listed(): Promise<PairedClientsResponse['clients']> {
  return ((await (await host.api('/clients')).json()) as PairedClientsResponse).clients;
}

beforeAll(async () => {
  host = await startHost(newConfigDir());
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  const ports = { http: gamestream.httpPort, https: gamestream.httpsPort };
  // Same uniqueid, same device name; each install made its own certificate.
  first = await GameStreamClient.create(ports, { uniqueId: FIXED_UNIQUE_ID, deviceName: 'roth' });
  second = await GameStreamClient.create(ports, { uniqueId: FIXED_UNIQUE_ID, deviceName: 'roth' });
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('GameStream clients told apart by certificate', () => {
  it('pairs two installs with the same uniqueid and name as two clients, each with its short fingerprint', async () => {
    expect(first.fingerprint).not.toBe(second.fingerprint);
    for (const [client, pin] of [
      [first, '1111'],
      [second, '2222'],
    ] as const) {
      const paired = await client.pair(pin, async () => void (await enterPin(host, pin)));
      expect(paired.paired).toBe(true);
    }
    const clients = await listed();
    expect(clients).toEqual([
      expect.objectContaining({
        fingerprint: first.fingerprint,
        shortFingerprint: short(first.fingerprint),
        name: 'roth',
      }),
      expect.objectContaining({
        fingerprint: second.fingerprint,
        shortFingerprint: short(second.fingerprint),
        name: 'roth',
      }),
    ]);
    expect(clients[0]?.shortFingerprint).not.toBe(clients[1]?.shortFingerprint);
    // The log tells the two apart too.
    for (const client of [first, second])
      expect(host.output()).toContain(`GameStream pairing with roth (${short(client.fingerprint)}): paired`);
    // Neither pairing overwrote the other: both certificates still open the HTTPS lane.
    expect(leaf(await first.https('/serverinfo'), 'PairStatus')).toBe('1');
    expect(leaf(await second.https('/serverinfo'), 'PairStatus')).toBe('1');
  }, 60_000);

  it("renamed through the API, the client's new name (with its short fingerprint) names it in the next recording and the log", async () => {
    const renamed = await host.api(`/clients/${second.fingerprint}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'living room' }),
    });
    expect(renamed.status).toBe(200);
    expect((await listed()).map((c) => c.name)).toEqual(['roth', 'living room']);
    const label = `living room (${short(second.fingerprint)})`;

    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const keys = newLaunchKeys();
    expect(leaf(await second.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      videoEncryption: false,
      audioEncryption: false,
    });
    await sleep(1500);
    expect((await second.https('/cancel')).statusCode).toBe(200);
    await session.ended;
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    expect(capture.meta.sessions.map((s) => s.client)).toEqual([label]);
    expect(capture.meta.client).toBe(label);
    expect(host.output()).toContain(
      `GameStream /launch by ${label} from 127.0.0.1: 1280x720@60 (Desktop, session`,
    );
    expect(host.output()).not.toContain(`${FIXED_UNIQUE_ID}@`);
  }, 60_000);
});
