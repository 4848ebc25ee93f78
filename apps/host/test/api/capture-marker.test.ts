// POST /stats/capture/marker: an operator's marker on the armed capture's
// event lane, through the real Hono app and the real recorder.
import type { Capture, TimelineEvent } from '@punktfunk/shared';
import { MAX_CAPTURE_EVENTS } from '@punktfunk/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, BASE, json, readEvents, TOKEN } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const mark = (body: unknown) => h.call('/stats/capture/marker', { method: 'POST', ...json(body) });

describe('markers', () => {
  it('puts the label on the lane, stamped on the host clock, and it is saved with the capture', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    h.clock.monoUs += 1_500_000;
    const res = await mark({ label: '  started the game  ' });
    expect(res.status).toBe(200);
    const event = (await res.json()) as TimelineEvent;
    expect(event).toEqual({
      tMs: 1500,
      sessionId: null,
      type: 'marker',
      summary: 'marker: started the game',
      details: { label: 'started the game' },
    });
    const meta = (await (await h.call('/stats/capture/stop', { method: 'POST' })).json()) as { id: string };
    const saved = (await (await h.call(`/stats/recordings/${meta.id}`)).json()) as Capture;
    expect(saved.meta.eventCount).toBe(1);
    expect(saved.events).toEqual([event]);
  });

  it('is 409 with no capture armed, and nothing is kept', async () => {
    const res = await mark({ label: 'too early' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/no capture is armed/);
    await h.call('/stats/capture/start', { method: 'POST' });
    expect(h.recorder.live()?.events).toEqual([]);
  });

  it('is 409, saying so, when the capture holds its maximum of events', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    for (let i = 0; i < MAX_CAPTURE_EVENTS; i++) {
      h.recorder.addEvent({
        monoUs: h.clock.monoUs,
        sessionId: null,
        type: 'marker',
        summary: 'm',
        details: {},
      });
    }
    const res = await mark({ label: 'one more' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/maximum of 20000 events/);
  });

  it.each([
    [{}, /label/],
    [{ label: '' }, /label must not be empty/],
    [{ label: '   ' }, /label must not be empty/],
    [{ label: 'x'.repeat(121) }, /at most 120/],
    [{ label: 'two\nlines' }, /control characters/],
    [{ label: 'evil \u202e txt' }, /U\+202E/],
    [{ label: 42 }, /label/],
    [{ label: 'ok', extra: true }, /extra/],
    ['just a string', /./],
  ])('refuses %j with a 400 that says why', async (body, message) => {
    await h.call('/stats/capture/start', { method: 'POST' });
    const res = await mark(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(h.recorder.live()?.events).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    const res = await h.call('/stats/capture/marker', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"label":',
    });
    expect(res.status).toBe(400);
    const wrongType = await h.call('/stats/capture/marker', { method: 'POST', body: 'label=x' });
    expect(wrongType.status).toBe(415);
  });

  it('accepts 120 characters', async () => {
    await h.call('/stats/capture/start', { method: 'POST' });
    expect((await mark({ label: 'é'.repeat(120) })).status).toBe(200);
  });
});

describe('the event stream', () => {
  it('sends timeline-event and telemetry as the recorder takes them', async () => {
    const res = await h.app.request(`${BASE}/stats/capture/events`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const events = readEvents(res, 4);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await h.call('/stats/capture/start', { method: 'POST' });
    await mark({ label: 'here' });
    h.recorder.addTelemetry({
      monoUs: h.clock.monoUs + 1_000_000,
      windowMs: 1000,
      machineCpuPct: 50,
      cpuCores: 2,
      processCpuPct: 10,
      runQueue: 1,
      loadAvg1: 0.5,
      memUsedMb: 1000,
      memTotalMb: 4000,
      processRssMb: 100,
      gpuPct: null,
      gpuEncoderPct: null,
    });
    const got = await events;
    expect(got.map((e) => e.event)).toEqual(['status', 'status', 'timeline-event', 'telemetry']);
    expect(got[2]?.data).toMatchObject({ type: 'marker', details: { label: 'here' } });
    expect(got[3]?.data).toMatchObject({ tMs: 1000, machineCpuPct: 50, gpuPct: null });
  });
});
