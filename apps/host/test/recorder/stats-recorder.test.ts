import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_CAPTURE_SAMPLES } from '@punktfunk/shared';
import { sessionInfo, workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecorderError } from '../../src/recorder/index.js';
import { type Harness, harness, openRecorder } from './fixtures.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const jsonFiles = async () => (await readdir(h.dir)).filter((f) => f.endsWith('.json')).sort();

describe('arming', () => {
  it('start is idempotent: a second start wipes nothing and returns the same status', () => {
    const armedChanges: boolean[] = [];
    h.recorder.onArmedChange((armed) => armedChanges.push(armed));
    const first = h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    h.clock.unixMs += 5000;
    const second = h.recorder.start();
    expect(second.armed).toBe(true);
    expect(second.startedUnixMs).toBe(first.startedUnixMs);
    expect(second.sampleCount).toBe(1);
    expect(armedChanges).toEqual([true]);
  });

  it('ignores samples while disarmed and windows that ended before arming', () => {
    h.recorder.addSample(workerStatsSample(h.clock.monoUs));
    expect(h.recorder.status().sampleCount).toBe(0);
    const armedAt = h.clock.monoUs;
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(armedAt - 1));
    h.recorder.addSample(workerStatsSample(armedAt + 2_000_000));
    const live = h.recorder.live();
    expect(live?.samples).toHaveLength(1);
    expect(live?.samples[0]?.tMs).toBe(2000);
    expect(live?.samples[0]).not.toHaveProperty('endMonoUs');
  });

  it('reports elapsed time from the injected monotonic clock, not the wall clock', () => {
    h.recorder.start();
    h.clock.monoUs += 2_500_000;
    h.clock.unixMs += 3_600_000; // a wall-clock jump must not show
    expect(h.recorder.status()).toMatchObject({ armed: true, elapsedMs: 2500 });
  });

  it('is idle with no capture: status empty, live null', () => {
    expect(h.recorder.status()).toEqual({
      armed: false,
      sampleCount: 0,
      startedUnixMs: null,
      elapsedMs: null,
      kinds: [],
      truncated: false,
    });
    expect(h.recorder.live()).toBeNull();
  });
});

describe('stop', () => {
  it('disarms before it saves, then saves', async () => {
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    const seenAtDisarm: { armed: boolean; files: Promise<string[]> }[] = [];
    h.recorder.onArmedChange((armed) => {
      if (!armed) seenAtDisarm.push({ armed: h.recorder.isArmed(), files: jsonFiles() });
    });
    const stopping = h.recorder.stop();
    // Disarmed synchronously: a sample arriving while the file is written is not taken.
    expect(h.recorder.isArmed()).toBe(false);
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    const meta = await stopping;
    expect(seenAtDisarm).toHaveLength(1);
    expect(seenAtDisarm[0]?.armed).toBe(false);
    expect(await seenAtDisarm[0]?.files).toEqual([]);
    expect(meta?.sampleCount).toBe(1);
    expect(await jsonFiles()).toEqual([`${meta?.id}.json`]);
  });

  it('returns null when nothing was armed', async () => {
    expect(await h.recorder.stop()).toBeNull();
    expect(await jsonFiles()).toEqual([]);
  });

  it('gives two captures in the same second (same size) different ids', async () => {
    h.recorder.noteSession(sessionInfo());
    h.recorder.start();
    const a = await h.recorder.stop();
    h.recorder.start();
    const b = await h.recorder.stop();
    expect(a?.id).toBe('2026-11-24T10-15-03Z_1280x720');
    expect(b?.id).toBe('2026-11-24T10-15-03Z_1280x720-2');
    expect(b?.id).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('keeps a capture whose save failed in memory and saves it on the next stop', async () => {
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    // The directory replaced by a file: every write fails (even as root).
    await rm(h.dir, { recursive: true });
    await writeFile(h.dir, 'in the way');
    const failed = await h.recorder.stop().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RecorderError);
    expect((failed as RecorderError).code).toBe('SAVE_FAILED');
    expect(h.recorder.unsavedCount()).toBe(1);
    await rm(h.dir);
    await openRecorder(h.dir, h.clock, h.log); // recreates the directory
    const meta = await h.recorder.stop();
    expect(meta?.sampleCount).toBe(1);
    expect(h.recorder.unsavedCount()).toBe(0);
  });
});

describe('sessions and metadata', () => {
  it('records metadata from sessions, including one that started before arming', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'early' }));
    h.recorder.start();
    h.recorder.noteSession(sessionInfo({ sessionId: 'gs', kind: 'gamestream', width: 1920, height: 1080 }));
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000, { sessionId: 'early' }));
    h.recorder.addSample(
      workerStatsSample(h.clock.monoUs + 2_000_000, { sessionId: 'gs', kind: 'gamestream' }),
    );
    h.clock.monoUs += 3_000_000;
    const meta = await h.recorder.stop();
    expect(meta).toMatchObject({
      kind: 'native',
      kinds: ['native', 'gamestream'],
      width: 1280,
      height: 720,
      fps: 60,
      codec: 'h264',
      encoderBackend: 'software',
      encoderName: 'libx264',
      client: 'test-client',
      durationMs: 3000,
      sampleCount: 2,
      truncated: false,
      hostName: 'test-host',
      hostVersion: '0.1.0',
      name: null,
      note: null,
    });
    expect(meta?.sessions.map((s) => s.sessionId)).toEqual(['early', 'gs']);
    expect(meta?.sessions[0]?.settings).toEqual(sessionInfo().settings);
    const saved = await h.recorder.load(meta?.id ?? '');
    expect(saved.samples.map((s) => s.sessionId)).toEqual(['early', 'gs']);
  });

  it('has no resolution in the id or metadata when no session ran', async () => {
    h.recorder.start();
    const meta = await h.recorder.stop();
    expect(meta).toMatchObject({ id: '2026-11-24T10-15-03Z', kind: null, width: null, sessions: [] });
  });

  it('forgets ended sessions for later captures', async () => {
    h.recorder.noteSession(sessionInfo());
    h.recorder.noteSessionEnd('s1');
    h.recorder.start();
    expect((await h.recorder.stop())?.sessions).toEqual([]);
  });
});

describe('the sample cap', () => {
  it(`keeps the first ${MAX_CAPTURE_SAMPLES} samples, refuses the next and marks the capture truncated`, async () => {
    h.recorder.start();
    const armedAt = h.clock.monoUs;
    for (let i = 1; i <= MAX_CAPTURE_SAMPLES + 1; i++) {
      h.recorder.addSample(workerStatsSample(armedAt + i * 2_000_000, { fps: i }));
    }
    expect(h.recorder.status()).toMatchObject({ sampleCount: MAX_CAPTURE_SAMPLES, truncated: true });
    const meta = await h.recorder.stop();
    const saved = await h.recorder.load(meta?.id ?? '');
    expect(saved.meta).toMatchObject({ sampleCount: MAX_CAPTURE_SAMPLES, truncated: true });
    expect(saved.samples).toHaveLength(MAX_CAPTURE_SAMPLES);
    expect(saved.samples[0]).toMatchObject({ tMs: 2000, fps: 1 });
    expect(saved.samples.at(-1)).toMatchObject({ fps: MAX_CAPTURE_SAMPLES });
  });
});

describe('saved captures', () => {
  it('a new recorder on the same directory lists and loads what the last one saved', async () => {
    h.recorder.noteSession(sessionInfo());
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    const meta = await h.recorder.stop();
    const restarted = await openRecorder(h.dir, h.clock, h.log);
    expect(await restarted.list()).toEqual([meta]);
    const loaded = await restarted.load(meta?.id ?? '');
    expect(loaded.meta).toEqual(meta);
    expect(loaded.samples[0]).toMatchObject({ tMs: 2000, sessionId: 's1', packetsLost: null, fecUs: 120 });
  });

  it('lists newest first', async () => {
    for (const offsetMs of [0, 60_000, 30_000]) {
      h.clock.unixMs = Date.UTC(2026, 10, 24, 10, 0, 0) + offsetMs;
      h.recorder.start();
      await h.recorder.stop();
    }
    const starts = (await h.recorder.list()).map((m) => m.startedUnixMs);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('skips a file that does not parse, with a warning, and lists the rest', async () => {
    h.recorder.start();
    const good = await h.recorder.stop();
    const goodText = await readFile(join(h.dir, `${good?.id}.json`), 'utf8');
    await writeFile(join(h.dir, 'garbage.json'), '{ this is not json');
    await writeFile(join(h.dir, 'cut-short.json'), goodText.slice(0, goodText.length - 10));
    await writeFile(join(h.dir, 'foreign.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(h.dir, 'notes.txt'), 'not a capture at all');
    const listed = await h.recorder.list();
    expect(listed.map((m) => m.id)).toEqual([good?.id]);
    const warned = h.log.warnings.join('\n');
    for (const name of ['garbage.json', 'cut-short.json', 'foreign.json']) expect(warned).toContain(name);
    expect(warned).not.toContain('notes.txt');
    await expect(h.recorder.load('garbage')).rejects.toMatchObject({ code: 'UNREADABLE' });
  });

  it('reads a capture file written by hand in another layout', async () => {
    h.recorder.start();
    const meta = await h.recorder.stop();
    const capture = await h.recorder.load(meta?.id ?? '');
    const pretty = JSON.stringify({ format: 'punktfunk.capture.v1', ...capture }, null, 2);
    await writeFile(join(h.dir, 'by-hand.json'), pretty);
    const listed = await h.recorder.list();
    expect(listed.map((m) => m.id).sort()).toEqual(['by-hand', meta?.id].sort());
  });

  it('names and annotates a recording, keeping its samples', async () => {
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    const meta = await h.recorder.stop();
    const id = meta?.id ?? '';
    const named = await h.recorder.update(id, { name: 'baseline', note: 'first run\nwired' });
    expect(named).toMatchObject({ name: 'baseline', note: 'first run\nwired' });
    expect(await h.recorder.update(id, { note: null })).toMatchObject({ name: 'baseline', note: null });
    const loaded = await h.recorder.load(id);
    expect(loaded.meta).toMatchObject({ name: 'baseline', note: null });
    expect(loaded.samples).toHaveLength(1);
  });

  it('deletes a recording; a missing one is NOT_FOUND', async () => {
    h.recorder.start();
    const meta = await h.recorder.stop();
    await h.recorder.delete(meta?.id ?? '');
    expect(await h.recorder.list()).toEqual([]);
    await expect(h.recorder.delete(meta?.id ?? '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.recorder.load('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes temp files a crash left behind when it opens', async () => {
    await writeFile(join(h.dir, 'x.json.tmp'), '{"half');
    await openRecorder(h.dir, h.clock, h.log);
    expect(await readdir(h.dir)).toEqual([]);
  });
});

describe('listeners', () => {
  it('emits each appended sample, and a throwing listener stops nothing', () => {
    const seen: number[] = [];
    h.recorder.onSample(() => {
      throw new Error('boom');
    });
    const off = h.recorder.onSample((s) => seen.push(s.tMs));
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    off();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
    expect(seen).toEqual([1000]);
    expect(h.recorder.status().sampleCount).toBe(2);
    expect(h.log.errors.join()).toContain('boom');
  });
});
