import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, BASE, TOKEN } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const ROUTES: [string, string][] = [
  ['POST', '/stats/capture/start'],
  ['POST', '/stats/capture/stop'],
  ['GET', '/stats/capture/status'],
  ['GET', '/stats/capture/live'],
  ['GET', '/stats/capture/events'],
  ['POST', '/stats/capture/events/ticket'],
  ['POST', '/stats/capture/marker'],
];

describe('capture routes need the operator token', () => {
  it.each(ROUTES)('%s %s without credentials is 401 and changes nothing', async (method, path) => {
    const res = await h.app.request(`${BASE}${path}`, { method });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: 'missing credentials: send Authorization: Bearer <token>' });
    expect(h.recorder.isArmed()).toBe(false);
  });

  it.each(ROUTES)('%s %s with a wrong token is 401', async (method, path) => {
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      'Bearer',
      `Basic ${TOKEN}`,
      TOKEN,
    ]) {
      const res = await h.app.request(`${BASE}${path}`, { method, headers: { authorization } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid bearer token' });
    }
    expect(h.recorder.isArmed()).toBe(false);
  });

  it('answers an unknown /api/v1 route only after authentication (no route probing)', async () => {
    const res = await h.app.request(`${BASE}/stats/secret-admin`);
    expect(res.status).toBe(401);
  });

  it('never takes the token from the URL', async () => {
    for (const query of [`token=${TOKEN}`, `access_token=${TOKEN}`, `ticket=${TOKEN}`]) {
      const res = await h.app.request(`${BASE}/stats/capture/events?${query}`);
      expect(res.status).toBe(401);
    }
  });

  it('a ticket opens the event stream once, and nothing else', async () => {
    const issue = async () =>
      (
        (await (await h.call('/stats/capture/events/ticket', { method: 'POST' })).json()) as {
          ticket: string;
        }
      ).ticket;
    const ticket = await issue();
    const elsewhere = await h.app.request(`${BASE}/stats/capture/start?ticket=${ticket}`, { method: 'POST' });
    expect(elsewhere.status).toBe(401);
    expect(h.recorder.isArmed()).toBe(false);
    const first = await h.app.request(`${BASE}/stats/capture/events?ticket=${ticket}`);
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const replay = await h.app.request(`${BASE}/stats/capture/events?ticket=${ticket}`);
    expect(replay.status).toBe(401);
  });

  it('a ticket opens only the event stream it was issued for', async () => {
    const issue = async (path: string) =>
      ((await (await h.call(path, { method: 'POST' })).json()) as { ticket: string }).ticket;
    const captureTicket = await issue('/stats/capture/events/ticket');
    const pairingTicket = await issue('/pairing/events/ticket');
    for (const [ticket, other] of [
      [captureTicket, '/pairing/events'],
      [pairingTicket, '/stats/capture/events'],
    ] as const) {
      const res = await h.app.request(`${BASE}${other}?ticket=${ticket}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid or expired ticket' });
    }
    // Each opens its own stream (fresh ones: presenting a ticket spends it).
    for (const [ticketPath, stream] of [
      ['/stats/capture/events/ticket', '/stats/capture/events'],
      ['/pairing/events/ticket', '/pairing/events'],
    ] as const) {
      const res = await h.app.request(`${BASE}${stream}?ticket=${await issue(ticketPath)}`);
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
  });

  it('accepts the Bearer scheme in any case, as HTTP says', async () => {
    const res = await h.app.request(`${BASE}/stats/capture/status`, {
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
  });
});
