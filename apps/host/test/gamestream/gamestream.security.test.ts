// Who may do what: HTTPS routes demand the paired certificate on that very
// connection; one pairing at a time; HTTP cannot unpair anyone; the
// operator's routes need the token; GameStream can be switched off.
import { randomBytes } from 'node:crypto';
import type { GameStreamClient } from '@punktfunk/gamestream-client';
import { createSelfSignedCertificate } from '@punktfunk/identity';
import { leaf } from '@punktfunk/protocol';
import {
  enterPin,
  newConfigDir,
  type RunningHost,
  startGameStreamHost,
  startHost,
  waitForPendingRequest,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let host: RunningHost;
let paired: GameStreamClient;
let stranger: GameStreamClient;
let newClient: (uniqueId?: string) => Promise<GameStreamClient>;

const clientsOf = async () =>
  ((await (await host.api('/clients')).json()) as { clients: { fingerprint: string }[] }).clients.map(
    (c) => c.fingerprint,
  );

beforeAll(async () => {
  const started = await startGameStreamHost();
  host = started.host;
  newClient = started.newClient;
  paired = await newClient('AAAAAAAAAAAAAAAA');
  stranger = await newClient('BBBBBBBBBBBBBBBB');
  const result = await paired.pair('1357', async () => void (await enterPin(host, '1357')));
  if (!result.paired) throw new Error('setup: pairing failed');
});
afterAll(async () => {
  await host?.stop();
});

describe('HTTPS routes need the paired certificate on that connection', () => {
  for (const path of ['/applist', '/launch', '/resume', '/cancel']) {
    it(`${path}: 401 without a certificate and with an unpaired one; nothing starts`, async () => {
      const params = { appid: 1, mode: '1280x720x60', rikey: randomBytes(16).toString('hex'), rikeyid: 7 };
      const none = await paired.https(path, params, '', null);
      const unpaired = await stranger.https(path, params);
      for (const reply of [none, unpaired]) {
        expect(reply.statusCode).toBe(401);
        expect(reply.statusMessage).toMatch(/not paired/);
      }
      expect(leaf(await paired.https('/serverinfo'), 'currentgame')).toBe('0');
    });
  }

  it('decides PairStatus per connection, not per uniqueid', async () => {
    const otherCert = await createSelfSignedCertificate('NVIDIA GameStream Client');
    // Same uniqueid as the paired client, another certificate.
    expect(leaf(await paired.https('/serverinfo', {}, '', otherCert), 'PairStatus')).toBe('0');
    expect(leaf(await paired.https('/serverinfo'), 'PairStatus')).toBe('1');
    expect(leaf(await paired.https('/pair', { phrase: 'pairchallenge' }, '', otherCert), 'paired')).toBe('0');
  });

  it('pairchallenge is refused over plain HTTP', async () => {
    const reply = await paired.http('/pair', { phrase: 'pairchallenge' });
    expect(reply.statusCode).toBe(400);
  });
});

describe('pairing', () => {
  it('refuses a second pairing while one waits for its PIN, then completes the first', async () => {
    const first = stranger.pair('2020', async () => {
      await waitForPendingRequest(host);
      const second = await (await newClient('CCCCCCCCCCCCCCCC')).getServerCert(randomBytes(16));
      expect(second.statusCode).toBe(503);
      expect(second.statusMessage).toMatch(/another pairing is in progress/);
      await enterPin(host, '2020');
    });
    expect((await first).paired).toBe(true);
    expect(await clientsOf()).toContain(stranger.fingerprint);
    await host.api(`/clients/${stranger.fingerprint}`, { method: 'DELETE' });
  });

  it('ends a pairing whose phases come out of order, and frees the slot', async () => {
    const client = await newClient('DDDDDDDDDDDDDDDD');
    const phase1 = client.getServerCert(randomBytes(16));
    await enterPin(host, '1111');
    expect(leaf(await phase1, 'paired')).toBe('1');
    // Phase 3 before phase 2.
    const early = await client.http('/pair', { serverchallengeresp: randomBytes(32).toString('hex') });
    expect(early.statusCode).toBe(409);
    const late = await client.http('/pair', { clientchallenge: randomBytes(16).toString('hex') });
    expect(late.statusMessage).toMatch(/no pairing is in progress/);
    expect(await clientsOf()).not.toContain(client.fingerprint);
  });

  it('another uniqueid cannot continue or cancel a pairing in progress', async () => {
    const client = await newClient('EEEEEEEEEEEEEEEE');
    const intruder = await newClient('FFFFFFFFFFFFFFFF');
    const phase1 = client.getServerCert(randomBytes(16));
    await enterPin(host, '3333');
    await phase1;
    const hijack = await intruder.http('/pair', { clientchallenge: randomBytes(16).toString('hex') });
    expect(hijack.statusCode).toBe(409);
    expect(hijack.statusMessage).toMatch(/another client is pairing/);
    await intruder.http('/unpair');
    // Still in progress for its owner: its /unpair ends it.
    expect((await client.http('/unpair')).statusCode).toBe(200);
    expect(
      (await client.http('/pair', { clientchallenge: randomBytes(16).toString('hex') })).statusCode,
    ).toBe(409);
  });

  it('drops the pending request when the client goes away while waiting for the PIN', async () => {
    const client = await newClient('1111111111111111');
    const abort = new AbortController();
    const phase1 = client.getServerCert(randomBytes(16), abort.signal).catch((error: Error) => error);
    await waitForPendingRequest(host);
    abort.abort();
    await phase1;
    for (;;) {
      const body = (await (await host.api('/pairing/pending')).json()) as { requests: unknown[] };
      if (body.requests.length === 0) break;
    }
    const none = await host.api('/pairing/gamestream/pin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: '0000' }),
    });
    expect(none.status).toBe(409);
  });
});

describe('unpairing', () => {
  it('/unpair over plain HTTP cannot remove a paired client (nothing proves who asks)', async () => {
    expect((await paired.http('/unpair')).statusCode).toBe(200);
    expect(await clientsOf()).toContain(paired.fingerprint);
    expect(leaf(await paired.https('/serverinfo'), 'PairStatus')).toBe('1');
  });
});

describe('management API', () => {
  it('needs the bearer token for every GameStream route', async () => {
    const base = host.apiBase;
    const pin = await fetch(`${base}/pairing/gamestream/pin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"pin":"1234"}',
    });
    expect(pin.status).toBe(401);
    expect((await fetch(`${base}/clients`)).status).toBe(401);
    expect((await fetch(`${base}/gamestream/apps`)).status).toBe(401);
    expect((await fetch(`${base}/clients/${paired.fingerprint}`, { method: 'DELETE' })).status).toBe(401);
    expect(await clientsOf()).toContain(paired.fingerprint);
  });
});

describe('switched off', () => {
  it('PUNKTFUNK_GAMESTREAM=0 opens no GameStream port and says so in the API', async () => {
    const off = await startHost(newConfigDir(), { PUNKTFUNK_GAMESTREAM: '0' });
    try {
      expect(off.gamestream).toBeNull();
      expect(off.output()).toMatch(/GameStream is switched off/);
      expect(await (await off.api('/gamestream/apps')).json()).toEqual({ enabled: false, apps: [] });
    } finally {
      await off.stop();
    }
  });
});
