import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, BASE } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('capture errors', () => {
  it('live is 404 with an error body when nothing is armed', async () => {
    const res = await h.call('/stats/capture/live');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no capture is armed' });
  });

  it('an unknown route under /api/v1 is a 404 JSON error', async () => {
    const res = await h.call('/stats/capture/explode', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route POST /api/v1/stats/capture/explode' });
  });

  it('a wrong method on a known path is a JSON error', async () => {
    const res = await h.call('/stats/capture/start');
    expect(res.status).toBe(404);
    expect(await res.json()).toHaveProperty('error');
  });

  it('a save that fails is a 500 that says why, and the capture waits to be saved again', async () => {
    const { rm, writeFile } = await import('node:fs/promises');
    await h.call('/stats/capture/start', { method: 'POST' });
    await rm(h.dir, { recursive: true });
    await writeFile(h.dir, 'in the way');
    const res = await h.call('/stats/capture/stop', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^capture not saved: .*stop again to retry$/,
    );
    await rm(h.dir);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(h.dir);
    const retried = await h.call('/stats/capture/stop', { method: 'POST' });
    expect(retried.status).toBe(200);
  });

  it('an expired ticket is refused', async () => {
    const { ticket } = (await (await h.call('/stats/capture/events/ticket', { method: 'POST' })).json()) as {
      ticket: string;
    };
    h.ticketClock.ms += 30_001;
    const res = await h.app.request(`${BASE}/stats/capture/events?ticket=${ticket}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid or expired ticket' });
  });
});
