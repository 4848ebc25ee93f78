// The recorder's event lane and host telemetry: stamping on the engine
// clock, ignoring what comes while idle or from before arming, the cap,
// ordering on save, and what the saved file holds.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PendingTimelineEvent, TimelineEvent } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { PendingTelemetrySample } from '../../src/recorder/index.js';
import { type Harness, harness } from './fixtures.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

const event = (monoUs: number, summary = 'keyframe (client request)'): PendingTimelineEvent => ({
  monoUs,
  sessionId: 's1',
  type: 'keyframe',
  summary,
  details: { reason: 'client-request', frameIndex: 7 },
});

const telemetry = (monoUs: number): PendingTelemetrySample => ({
  monoUs,
  windowMs: 1000,
  machineCpuPct: 120,
  cpuCores: 2,
  processCpuPct: 40,
  runQueue: 2,
  loadAvg1: 1.5,
  memUsedMb: 2048,
  memTotalMb: 8192,
  processRssMb: 300,
  gpuPct: null,
  gpuEncoderPct: null,
});

describe('events', () => {
  it('are ignored while idle and when they happened before arming', async () => {
    h = await harness();
    const seen: TimelineEvent[] = [];
    h.recorder.onEvent((e) => seen.push(e));
    expect(h.recorder.addEvent(event(h.clock.monoUs))).toBeNull();
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    expect(h.recorder.addEvent(event(armedAt - 1))).toBeNull();
    expect(h.recorder.live()?.events).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('are stamped in ms since arming, without monoUs, and go to the listeners', async () => {
    h = await harness();
    const seen: TimelineEvent[] = [];
    h.recorder.onEvent((e) => seen.push(e));
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    const stamped = h.recorder.addEvent(event(armedAt + 2_500_500));
    expect(stamped).toEqual({
      tMs: 2500.5,
      sessionId: 's1',
      type: 'keyframe',
      summary: 'keyframe (client request)',
      details: { reason: 'client-request', frameIndex: 7 },
    });
    expect(seen).toEqual([stamped]);
    expect(h.recorder.live()?.meta).toMatchObject({ eventCount: 1, eventsTruncated: false });
  });

  it('keep the start past the cap and say eventsTruncated', async () => {
    h = await harness({ maxEvents: 3 });
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    for (let i = 1; i <= 5; i++) h.recorder.addEvent(event(armedAt + i * 1000, `e${i}`));
    const live = h.recorder.live();
    expect(live?.events.map((e) => e.summary)).toEqual(['e1', 'e2', 'e3']);
    expect(live?.meta).toMatchObject({ eventCount: 3, eventsTruncated: true });
  });

  it('are saved sorted by time (workers post theirs in batches) with the telemetry', async () => {
    h = await harness();
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    h.recorder.addEvent(event(armedAt + 3000, 'late'));
    h.recorder.addEvent(event(armedAt + 1000, 'early'));
    h.recorder.addEvent(event(armedAt + 2000, 'middle'));
    h.recorder.addTelemetry(telemetry(armedAt + 1_000_000));
    h.clock.monoUs += 2_000_000;
    const meta = await h.recorder.stop();
    expect(meta).toMatchObject({ eventCount: 3, eventsTruncated: false });
    const file = JSON.parse(await readFile(join(h.dir, `${meta?.id}.json`), 'utf8'));
    expect(file.events.map((e: TimelineEvent) => e.summary)).toEqual(['early', 'middle', 'late']);
    expect(file.telemetry).toEqual([{ tMs: 1000, ...withoutMono(telemetry(0)) }]);
    const loaded = await h.recorder.load(meta?.id as string);
    expect(loaded.events.map((e) => e.tMs)).toEqual([1, 2, 3]);
    expect(loaded.telemetry[0]?.machineCpuPct).toBe(120);
  });

  it('a new capture starts with an empty lane', async () => {
    h = await harness({ maxEvents: 1 });
    h.recorder.start();
    h.recorder.addEvent(event(h.clock.monoUs));
    h.recorder.addEvent(event(h.clock.monoUs));
    await h.recorder.stop();
    h.recorder.start();
    expect(h.recorder.live()?.meta).toMatchObject({ eventCount: 0, eventsTruncated: false });
    expect(h.recorder.live()?.telemetry).toEqual([]);
  });
});

describe('telemetry', () => {
  it('is ignored while idle and before arming, stamped, capped like samples, and emitted', async () => {
    h = await harness({ maxSamples: 2 });
    const seen: number[] = [];
    h.recorder.onTelemetry((t) => seen.push(t.tMs));
    h.recorder.addTelemetry(telemetry(h.clock.monoUs));
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    h.recorder.addTelemetry(telemetry(armedAt - 1));
    for (let i = 1; i <= 3; i++) h.recorder.addTelemetry(telemetry(armedAt + i * 1_000_000));
    expect(h.recorder.live()?.telemetry.map((t) => t.tMs)).toEqual([1000, 2000]);
    expect(seen).toEqual([1000, 2000]);
    expect(h.recorder.live()?.telemetry[0]).not.toHaveProperty('monoUs');
  });
});

function withoutMono(sample: PendingTelemetrySample) {
  const { monoUs: _, ...rest } = sample;
  return rest;
}
