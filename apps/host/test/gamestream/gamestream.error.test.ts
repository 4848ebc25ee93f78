// Malformed GameStream requests against the real host: each gets a clear
// XML error status naming what was wrong, nothing is stored, and the host
// keeps serving.
import { randomBytes } from 'node:crypto';
import type { GameStreamClient } from '@punktfunk/gamestream-client';
import { leaf, parseXmlReply } from '@punktfunk/protocol';
import { enterPin, type RunningHost, startGameStreamHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRequest, sendUntilAnswered } from '../api/raw-http.js';

let host: RunningHost;
let client: GameStreamClient;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
let certHex: string;

beforeAll(async () => {
  const started = await startGameStreamHost();
  host = started.host;
  client = await started.newClient();
  certHex = Buffer.from(client.cert.certPem).toString('hex');
  // Launch cases need a paired client.
  const result = await client.pair('2468', async () => void (await enterPin(host, '2468')));
  if (!result.paired) throw new Error('setup: pairing failed');
});
afterAll(async () => {
  await host?.stop();
});

// [case, query without uniqueid/uuid (raw), expected status, message pattern]
const pairCases: [string, string, number, RegExp][] = [
  ['no phase parameter', '', 400, /exactly one of phrase/],
  ['two phase parameters', `phrase=getservercert&clientchallenge=${hex(16)}`, 400, /exactly one of/],
  ['unknown phrase', 'phrase=reboot', 400, /unknown pairing phrase 'reboot'/],
  ['salt missing', `phrase=getservercert&clientcert=${'ab'.repeat(8)}`, 400, /'salt' is missing/],
  [
    'salt not hex',
    `phrase=getservercert&salt=${'zz'.repeat(16)}&clientcert=00`,
    400,
    /'salt' must be hexadecimal/,
  ],
  [
    'salt odd length',
    `phrase=getservercert&salt=${'a'.repeat(31)}&clientcert=00`,
    400,
    /'salt' must be hexadecimal/,
  ],
  ['salt too short', `phrase=getservercert&salt=${hex(8)}&clientcert=00`, 400, /'salt' must be 16 bytes/],
  [
    'salt given twice',
    `phrase=getservercert&salt=${hex(16)}&salt=${hex(16)}&clientcert=00`,
    400,
    /'salt' is given 2 times/,
  ],
  [
    'clientcert not hex',
    `phrase=getservercert&salt=${hex(16)}&clientcert=xyz`,
    400,
    /'clientcert' must be hexadecimal/,
  ],
  [
    'clientcert not PEM',
    `phrase=getservercert&salt=${hex(16)}&clientcert=${hex(100)}`,
    400,
    /not a PEM certificate/,
  ],
  [
    'clientcert damaged PEM',
    `phrase=getservercert&salt=${hex(16)}&clientcert=${Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('hex')}`,
    400,
    /not a readable X.509 certificate/,
  ],
  [
    'clientcert too large',
    `phrase=getservercert&salt=${hex(16)}&clientcert=${'41'.repeat(8193)}`,
    400,
    /'clientcert' must be/,
  ],
  ['clientchallenge wrong length', `clientchallenge=${hex(15)}`, 400, /'clientchallenge' must be 16 bytes/],
  ['clientchallenge with no pairing', `clientchallenge=${hex(16)}`, 409, /no pairing is in progress/],
  ['serverchallengeresp not hex', `serverchallengeresp=${'g'.repeat(64)}`, 400, /must be hexadecimal/],
  [
    'clientpairingsecret too short',
    `clientpairingsecret=${hex(20)}`,
    400,
    /'clientpairingsecret' must be 144..1040 bytes/,
  ],
];

describe('malformed /pair requests', () => {
  it.each(pairCases)('%s → XML status %i', async (_case, raw, status, message) => {
    const reply = await client.http('/pair', {}, raw);
    expect(reply.httpStatus).toBe(200);
    expect(reply.statusCode).toBe(status);
    expect(reply.statusMessage).toMatch(message);
  });

  it('refuses a missing or malformed uniqueid', async () => {
    const get = async (query: string) =>
      parseXmlReply(await (await fetch(`http://127.0.0.1:${client.ports.http}/serverinfo${query}`)).text());
    expect(await get('')).toMatchObject({
      statusCode: 400,
      statusMessage: "parameter 'uniqueid' is missing",
    });
    expect((await get('?uniqueid=a%20b')).statusMessage).toMatch(/'uniqueid' must be 1..64 letters/);
    expect((await get('?uniqueid=abc&uuid=nope')).statusMessage).toMatch(/'uuid' is not a UUID/);
  });
});

const launchCases: [string, Record<string, string | number>, number, RegExp][] = [
  ['rikey missing', { rikey: '' }, 400, /'rikey' is missing/],
  ['rikey not hex', { rikey: 'q'.repeat(32) }, 400, /'rikey' must be hexadecimal/],
  ['rikey wrong length', { rikey: hex(8) }, 400, /'rikey' must be 16 bytes/],
  ['rikeyid not a number', { rikeyid: 'abc' }, 400, /'rikeyid' must be an integer/],
  ['rikeyid out of range', { rikeyid: '99999999999' }, 400, /'rikeyid'/],
  ['mode malformed', { mode: '1280x720' }, 400, /'mode' must be <width>x<height>x<fps>/],
  ['mode fps 0', { mode: '1280x720x0' }, 400, /fps must be in 1..1000/],
  ['mode width 0', { mode: '0x720x60' }, 400, /width and height must be in/],
  ['appid not a number', { appid: 'one' }, 400, /'appid' must be an integer/],
  ['appid unknown', { appid: 42 }, 404, /no app with id 42/],
  ['localAudioPlayMode 2', { localAudioPlayMode: 2 }, 400, /'localAudioPlayMode' must be 0 or 1/],
];

describe('malformed /launch requests (paired client)', () => {
  it.each(launchCases)('%s → XML status %i, no session', async (_case, params, status, message) => {
    const reply = await client.launch(params);
    expect(reply.statusCode).toBe(status);
    expect(reply.statusMessage).toMatch(message);
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
  });

  it('refuses /resume with nothing running and a second /launch while one runs', async () => {
    expect(
      (await client.https('/resume', { appid: 1, mode: '1280x720x60', rikey: hex(16), rikeyid: 1 }))
        .statusCode,
    ).toBe(409);
    expect((await client.launch()).statusCode).toBe(200);
    const second = await client.launch();
    expect(second.statusCode).toBe(409);
    expect(second.statusMessage).toMatch(/an app is running already/);
    expect((await client.https('/cancel')).statusCode).toBe(200);
  });
});

describe('unknown requests', () => {
  it('answers unknown paths, other methods and HTTPS-only paths on HTTP with XML errors', async () => {
    const unknown = await client.http('/reboot');
    expect([unknown.httpStatus, unknown.statusCode]).toEqual([404, 404]);
    const post = await fetch(`http://127.0.0.1:${client.ports.http}/serverinfo?uniqueid=a`, {
      method: 'POST',
    });
    expect(post.status).toBe(405);
    expect(await post.text()).toMatch(/status_code="405"/);
    const applist = await client.http('/applist');
    expect(applist.statusMessage).toMatch(/served over HTTPS only/);
  });
});

describe('what the GameStream HTTP lane reads is capped', () => {
  it('a 50 MB body is answered (405) without being read, and a 40 KB header with 431', async () => {
    const url = `http://127.0.0.1:${client.ports.http}`;
    const total = 50 * 1024 * 1024;
    const post = openRequest(url, {
      method: 'POST',
      path: '/pair?uniqueid=a',
      headers: { host: '127.0.0.1', 'content-length': String(total) },
    });
    const { reply, sentBytes } = await sendUntilAnswered(post, Buffer.alloc(64 * 1024, 0x61), total);
    post.socket.destroy();
    expect(reply.status).toBe(405);
    expect(sentBytes).toBeLessThan(total);
    const huge = openRequest(url, {
      method: 'GET',
      path: '/serverinfo?uniqueid=a',
      headers: { host: '127.0.0.1', 'x-filler': 'a'.repeat(40 * 1024) },
    });
    expect((await huge.reply).status).toBe(431);
    huge.socket.destroy();
    // Still serving.
    expect((await client.http('/serverinfo')).statusCode).toBe(200);
  });
});

describe('management API input', () => {
  const pin = (body: unknown) =>
    host.api('/pairing/gamestream/pin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a PIN that is not 4 digits, extra fields, and a PIN with no request waiting', async () => {
    expect((await pin({ pin: '12a4' })).status).toBe(400);
    expect((await pin({ pin: '12345' })).status).toBe(400);
    expect((await pin({ pin: '1234', extra: 1 })).status).toBe(400);
    const none = await pin({ pin: '1234' });
    expect(none.status).toBe(409);
    expect(await none.json()).toEqual({ error: 'no pairing request is waiting for a PIN' });
  });

  it('refuses a malformed or unknown fingerprint on unpair', async () => {
    expect((await host.api('/clients/not-hex', { method: 'DELETE' })).status).toBe(400);
    expect((await host.api(`/clients/${'0'.repeat(64)}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('stored nothing from any of the bad requests: only the one paired client', async () => {
    const body = (await (await host.api('/clients')).json()) as {
      clients: { fingerprint: string }[];
    };
    expect(body.clients.map((c) => c.fingerprint)).toEqual([client.fingerprint]);
    expect(((await (await host.api('/pairing/pending')).json()) as { requests: unknown[] }).requests).toEqual(
      [],
    );
    expect(certHex.length).toBeGreaterThan(0);
  });
});
