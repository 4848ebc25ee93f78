import {
  type Capture,
  type CaptureMeta,
  NO_TIMELINE_REASON,
  type RecordingsListResponse,
} from '@punktfunk/shared';
import { sessionInfo, workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, json } from './helpers.js';

let h: ApiHarness;
let saved: CaptureMeta;
beforeEach(async () => {
  h = await apiHarness();
  h.recorder.noteSession(sessionInfo());
  h.recorder.start();
  h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
  h.recorder.addSample(
    workerStatsSample(h.clock.monoUs + 4_000_000, {
      sessionId: 'gs,1',
      kind: 'gamestream',
      stages: [
        { name: 'capture', p50Us: 700, p99Us: 900 },
        { name: 'packetize', p50Us: 50, p99Us: 80 },
      ],
      fecUs: null,
    }),
  );
  saved = (await h.recorder.stop())!;
});
afterEach(async () => {
  await h.cleanup();
});

describe('recordings', () => {
  it('lists metadata only, newest first', async () => {
    h.clock.unixMs += 60_000;
    h.recorder.start();
    const newer = await h.recorder.stop();
    const res = await h.call('/stats/recordings');
    expect(res.status).toBe(200);
    const body = (await res.json()) as RecordingsListResponse;
    expect(body.recordings.map((m) => m.id)).toEqual([newer?.id, saved.id]);
    expect(body.recordings[1]).toEqual(saved);
    expect(body.recordings[1]).not.toHaveProperty('samples');
  });

  it('lists and serves the verdict computed on stop', async () => {
    const verdict = {
      level: 'healthy',
      reasons: [NO_TIMELINE_REASON],
      sessions: [{ sessionId: 's1', level: 'healthy', reasons: [] }],
    };
    const listed = (await (await h.call('/stats/recordings')).json()) as RecordingsListResponse;
    expect(listed.recordings[0]?.verdict).toEqual(verdict);
    const one = (await (await h.call(`/stats/recordings/${saved.id}`)).json()) as Capture;
    expect(one.meta.verdict).toEqual(verdict);
  });

  it('serves one recording with its samples', async () => {
    const res = await h.call(`/stats/recordings/${saved.id}`);
    expect(res.status).toBe(200);
    const capture = (await res.json()) as Capture;
    expect(capture.meta).toEqual(saved);
    expect(capture.samples.map((s) => s.tMs)).toEqual([2000, 4000]);
  });

  it('names and annotates a recording; empty text clears', async () => {
    const res = await h.call(`/stats/recordings/${saved.id}`, {
      method: 'PATCH',
      ...json({ name: '  baseline  ', note: 'wired\nno FEC' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: saved.id, name: 'baseline', note: 'wired\nno FEC' });
    const cleared = await h.call(`/stats/recordings/${saved.id}`, { method: 'PATCH', ...json({ note: '' }) });
    expect(await cleared.json()).toMatchObject({ name: 'baseline', note: null });
    const listed = (await (await h.call('/stats/recordings')).json()) as RecordingsListResponse;
    expect(listed.recordings[0]).toMatchObject({ name: 'baseline', note: null, sampleCount: 2 });
  });

  it('deletes a recording', async () => {
    const res = await h.call(`/stats/recordings/${saved.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await h.call(`/stats/recordings/${saved.id}`)).status).toBe(404);
  });

  it('downloads the JSON file as an attachment', async () => {
    const res = await h.call(`/stats/recordings/${saved.id}/export.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="punktfunk-${saved.id}.json"`);
    const file = (await res.json()) as Capture & { format: string };
    expect(file.format).toBe('punktfunk.capture.v1');
    expect(file.meta).toEqual(saved);
  });

  it('exports CSV: a row per sample, stages flattened, null as an empty cell', async () => {
    const res = await h.call(`/stats/recordings/${saved.id}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="punktfunk-${saved.id}.csv"`);
    const [header, first, second, end] = (await res.text()).split('\r\n');
    const columns = header?.split(',') ?? [];
    expect(columns.slice(0, 15)).toEqual([
      't_ms',
      'session_id',
      'kind',
      'window_ms',
      'measured_frames',
      'capture_p50_us',
      'capture_p99_us',
      'submit_p50_us',
      'submit_p99_us',
      'encode_p50_us',
      'encode_p99_us',
      'packetize_p50_us',
      'packetize_p99_us',
      'send_p50_us',
      'send_p99_us',
    ]);
    expect(columns).toContain('e2e_p99_us');
    const row = (line: string | undefined) =>
      Object.fromEntries(
        columns.map((c, i) => [c, line?.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.[i]?.replace(/,$/, '')]),
      );
    expect(row(first)).toMatchObject({
      t_ms: '2000',
      session_id: 's1',
      capture_p50_us: '800',
      packetize_p50_us: '',
      fec_us: '120',
      packets_lost: '',
    });
    expect(row(second)).toMatchObject({
      t_ms: '4000',
      session_id: '"gs,1"',
      kind: 'gamestream',
      submit_p50_us: '',
      packetize_p99_us: '80',
      fec_us: '',
    });
    expect(end).toBe('');
  });
});
