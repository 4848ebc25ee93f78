// Who may do what: HTTPS routes demand the paired certificate on that very
// connection; waiting pairings hold no slot; HTTP cannot unpair anyone; the
// operator's routes need the token; GameStream can be switched off.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GameStreamClient, GsReply } from '@punktfunk/gamestream-client';
import { createSelfSignedCertificate } from '@punktfunk/identity';
import { leaf } from '@punktfunk/protocol';
import type { PendingPairing, PendingPairingsResponse } from '@punktfunk/shared';
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

const postPin = (requestId: string, pin: string) =>
  host.api(`/pairing/${requestId}/pin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  });

/** Waits (the test's timeout bounds it) until `count` GameStream requests wait, including `fingerprint` if given. */
async function waitForPending(count: number, fingerprint?: string): Promise<PendingPairing[]> {
  for (;;) {
    const body = (await (await host.api('/pairing/pending')).json()) as PendingPairingsResponse;
    const requests = body.requests.filter((r) => r.kind === 'gamestream');
    const seen = fingerprint === undefined || requests.some((r) => r.fingerprint === fingerprint);
    if (requests.length === count && seen) return requests;
    await sleep(20);
  }
}

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
  it('a waiting request holds no slot: a second client waits beside it, and the operator answers either', async () => {
    const second = await newClient('CCCCCCCCCCCCCCCC');
    let secondReply: Promise<GsReply> | null = null;
    let secondId = '';
    const first = stranger.pair('2020', async () => {
      await waitForPendingRequest(host);
      secondReply = second.getServerCert(randomBytes(16));
      const both = await waitForPending(2);
      expect(new Set(both.map((r) => r.fingerprint))).toEqual(
        new Set([stranger.fingerprint, second.fingerprint]),
      );
      // Named by kind, the PIN could go to either: the operator must pick one.
      expect((await postPin('gamestream', '2020')).status).toBe(409);
      secondId = both.find((r) => r.fingerprint === second.fingerprint)?.requestId ?? '';
      const firstId = both.find((r) => r.fingerprint === stranger.fingerprint)?.requestId ?? '';
      expect((await postPin(firstId, '2020')).status).toBe(200);
    });
    expect((await first).paired).toBe(true);
    expect(await clientsOf()).toContain(stranger.fingerprint);
    expect((await host.api(`/pairing/${secondId}/refuse`, { method: 'POST' })).status).toBe(200);
    const refused = await (secondReply as Promise<GsReply> | null);
    expect(refused?.statusCode).toBe(403);
    await host.api(`/clients/${stranger.fingerprint}`, { method: 'DELETE' });
  });

  it('a certificate that is paired already is refused at phase 1 and never shows as pending', async () => {
    const reply = await paired.getServerCert(randomBytes(16));
    expect(reply.statusCode).toBe(409);
    expect(reply.statusMessage).toMatch(/paired already; to pair it again, unpair it on the host first/);
    expect(await waitForPending(0)).toEqual([]);
  });

  it('one address holds at most two waiting requests: a third replaces its oldest', async () => {
    const clients = await Promise.all(['1A', '2B', '3C'].map((id) => newClient(id.repeat(8))));
    const replies: Promise<GsReply>[] = [];
    for (const [index, client] of clients.entries()) {
      replies.push(client.getServerCert(randomBytes(16)));
      await waitForPending(Math.min(index + 1, 2), client.fingerprint);
    }
    const replaced = await replies[0];
    expect(replaced?.statusCode).toBe(409);
    expect(replaced?.statusMessage).toMatch(/a newer pairing request from this address replaced this one/);
    const waiting = await waitForPending(2);
    expect(waiting.map((r) => r.fingerprint).sort()).toEqual(
      [clients[1]?.fingerprint, clients[2]?.fingerprint].sort(),
    );
    for (const request of waiting) await host.api(`/pairing/${request.requestId}/refuse`, { method: 'POST' });
    for (const reply of replies.slice(1)) expect((await reply).statusCode).toBe(403);
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
