// The real exchange against the running host, as a Moonlight client does it:
// serverinfo, five-phase pairing with the PIN entered through the management
// API, serverinfo over HTTPS, applist, launch, resume, cancel, unpair; and a
// restart keeps the pairing.

import type { GameStreamClient } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { enterPin, type RunningHost, startGameStreamHost, startHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let host: RunningHost;
let client: GameStreamClient;
let ports: { http: number; https: number };

beforeAll(async () => {
  const started = await startGameStreamHost();
  host = started.host;
  ports = started.ports;
  client = await started.newClient();
});
afterAll(async () => {
  await host?.stop();
});

describe('GameStream against the real host', () => {
  it('answers serverinfo over HTTP with every field a client requires, unpaired', async () => {
    const reply = await client.http('/serverinfo');
    const status = (await (await host.api('/status')).json()) as { uniqueId: string; hostName: string };
    expect(reply.statusCode).toBe(200);
    expect(leaf(reply, 'PairStatus')).toBe('0');
    expect(leaf(reply, 'appversion')).toBe('7.1.431.-1');
    expect(leaf(reply, 'currentgame')).toBe('0');
    expect(leaf(reply, 'state')).toBe('SUNSHINE_SERVER_FREE');
    expect(leaf(reply, 'uniqueid')).toBe(status.uniqueId);
    expect(leaf(reply, 'hostname')).toBe(status.hostName);
    expect(Number(leaf(reply, 'HttpsPort'))).toBe(ports.https);
    expect(Number(leaf(reply, 'ExternalPort'))).toBe(ports.http);
    expect(Number(leaf(reply, 'ServerCodecModeSupport')) & 0x1).toBe(0x1); // H.264 always opens
    expect(reply.groups.get('DisplayMode')?.[0]?.get('Width')).toBeDefined();
  });

  it('pairs in five phases with the PIN the operator enters, and lists the client', async () => {
    const result = await client.pair('4711', async () => {
      const res = await enterPin(host, '4711');
      expect(res.status).toBe(200);
    });
    expect(result).toEqual({ paired: true, failedAt: null, message: null });
    const clients = (await (await host.api('/clients')).json()) as {
      clients: { fingerprint: string }[];
    };
    expect(clients.clients.map((c) => c.fingerprint)).toEqual([client.fingerprint]);
    const pending = (await (await host.api('/pairing/pending')).json()) as { requests: unknown[] };
    expect(pending.requests).toEqual([]);
  });

  it('reports PairStatus 1 over HTTPS with the paired certificate, and 0 over HTTP', async () => {
    const https = await client.https('/serverinfo');
    expect(leaf(https, 'PairStatus')).toBe('1');
    const status = (await (await host.api('/status')).json()) as { certFingerprintSha256: string };
    expect(https.serverFingerprint).toBe(status.certFingerprintSha256);
    expect(leaf(await client.http('/serverinfo'), 'PairStatus')).toBe('0');
  });

  it('lists the apps (Desktop by default), also through the management API', async () => {
    const reply = await client.https('/applist');
    expect(reply.statusCode).toBe(200);
    expect(reply.groups.get('App')?.map((app) => [app.get('ID'), app.get('AppTitle')])).toEqual([
      ['1', 'Desktop'],
    ]);
    const api = await (await host.api('/gamestream/apps')).json();
    expect(api).toEqual({ enabled: true, apps: [{ id: 1, title: 'Desktop' }] });
  });

  it('launches, shows the game as running, resumes, and cancels', async () => {
    const launch = await client.launch({ mode: '1920x1080x60' });
    expect(launch.statusCode).toBe(200);
    expect(leaf(launch, 'gamesession')).toBe('1');
    const busy = await client.https('/serverinfo');
    expect(leaf(busy, 'currentgame')).toBe('1');
    expect(leaf(busy, 'state')).toBe('SUNSHINE_SERVER_BUSY');
    const resume = await client.https('/resume', {
      appid: 1,
      mode: '1280x720x60',
      rikey: '00112233445566778899aabbccddeeff',
      rikeyid: -5,
    });
    expect(leaf(resume, 'resume')).toBe('1');
    const cancel = await client.https('/cancel');
    expect(leaf(cancel, 'cancel')).toBe('1');
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
  });

  it('keeps the pairing across a restart of the host', async () => {
    await host.stop();
    host = await startHost(host.configDir);
    ports.http = host.gamestream?.httpPort ?? 0;
    ports.https = host.gamestream?.httpsPort ?? 0;
    expect(leaf(await client.https('/serverinfo'), 'PairStatus')).toBe('1');
  });

  it('unpairs over HTTPS: the certificate no longer opens anything', async () => {
    expect((await client.https('/unpair')).statusCode).toBe(200);
    expect(leaf(await client.https('/serverinfo'), 'PairStatus')).toBe('0');
    expect((await client.https('/applist')).statusCode).toBe(401);
    const clients = (await (await host.api('/clients')).json()) as { clients: unknown[] };
    expect(clients.clients).toEqual([]);
  });

  it('fails cleanly on a wrong PIN, stores nothing, and lets the client try again', async () => {
    const wrong = await client.pair('1234', async () => void (await enterPin(host, '9999')));
    expect(wrong).toMatchObject({ paired: false, failedAt: 'clientpairingsecret' });
    expect(((await (await host.api('/clients')).json()) as { clients: unknown[] }).clients).toEqual([]);
    const retry = await client.pair('1234', async () => void (await enterPin(host, '1234')));
    expect(retry.paired).toBe(true);
  });

  it('unpairs through the management API', async () => {
    const res = await host.api(`/clients/${client.fingerprint}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(leaf(await client.https('/serverinfo'), 'PairStatus')).toBe('0');
  });
});
