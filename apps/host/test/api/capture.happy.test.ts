import type { CaptureMeta, CaptureStatus, StatsSample } from '@punktfunk/shared';
import { sessionInfo, workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, BASE, readEvents } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('capture control', () => {
  it('start arms, status reports host-clock elapsed time, stop saves and returns the metadata', async () => {
    h.recorder.noteSession(sessionInfo());
    const started = await h.call('/stats/capture/start', { method: 'POST' });
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ armed: true, sampleCount: 0, elapsedMs: 0 });
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    h.clock.monoUs += 4_000_000;
    const status = (await (await h.call('/stats/capture/status')).json()) as CaptureStatus;
    expect(status).toMatchObject({ armed: true, sampleCount: 1, elapsedMs: 4000, kinds: ['native'] });
    const stopped = await h.call('/stats/capture/stop', { method: 'POST' });
    expect(stopped.status).toBe(200);
    const meta = (await stopped.json()) as CaptureMeta;
    expect(meta).toMatchObject({ id: '2026-11-24T10-15-03Z_1280x720', sampleCount: 1, durationMs: 4000 });
    expect((await (await h.call('/stats/capture/status')).json()) as CaptureStatus).toMatchObject({
      armed: false,
    });
  });

  it('start twice keeps the capture; stop with nothing armed is 204', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    const again = await h.call('/stats/capture/start', { method: 'POST' });
    expect(await again.json()).toMatchObject({ armed: true, sampleCount: 1 });
    expect((await h.call('/stats/capture/stop', { method: 'POST' })).status).toBe(200);
    const idle = await h.call('/stats/capture/stop', { method: 'POST' });
    expect(idle.status).toBe(204);
    expect(await idle.text()).toBe('');
  });

  it('live serves the armed capture so far', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    const res = await h.call('/stats/capture/live');
    expect(res.status).toBe(200);
    const live = (await res.json()) as { meta: CaptureMeta; samples: StatsSample[] };
    expect(live.meta.sampleCount).toBe(1);
    expect(live.samples[0]).toMatchObject({ tMs: 2000, sessionId: 's1' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('capture events', () => {
  it('streams status and samples to an EventSource holding a ticket', async () => {
    const ticket = (await (await h.call('/stats/capture/events/ticket', { method: 'POST' })).json()) as {
      ticket: string;
      expiresInMs: number;
    };
    expect(ticket.ticket).toMatch(/^[0-9a-f]{64}$/);
    // EventSource sends no headers: only the ticket in the URL.
    const res = await h.app.request(`${BASE}/stats/capture/events?ticket=${ticket.ticket}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readEvents(res, 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    const got = await events;
    expect(got.map((e) => e.event)).toEqual(['status', 'status', 'sample']);
    expect(got[0]?.data).toMatchObject({ armed: false });
    expect(got[1]?.data).toMatchObject({ armed: true });
    expect(got[2]?.data).toMatchObject({ tMs: 2000, sessionId: 's1' });
  });

  it('also accepts the bearer header (curl, fetch)', async () => {
    const res = await h.call('/stats/capture/events');
    expect(res.status).toBe(200);
    const [first] = await readEvents(res, 1);
    expect(first?.event).toBe('status');
  });
});
