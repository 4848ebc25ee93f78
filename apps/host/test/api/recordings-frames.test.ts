// GET /stats/recordings/:id/frames and /frames.csv: the sidecar's layout cut
// to a time range, one CSV row per frame; bad ranges and hostile ids get
// clear errors, and "no timeline recorded" (404) stays distinct from "the
// timeline file is missing or damaged" (422).
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CaptureMeta,
  FRAME_RECORD_BYTES,
  type FrameRecord,
  parseFramesFile,
  readFrameRecord,
  writeFrameRecord,
} from '@punktfunk/shared';
import { sessionInfo } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './helpers.js';

let h: ApiHarness;
let saved: CaptureMeta;

/** `count` frames 10 ms apart from `startMonoUs` (engine clock), as a worker block. */
function block(startMonoUs: number, count: number, hostUs: number | null = 5000): DataView {
  const view = new DataView(new ArrayBuffer(count * FRAME_RECORD_BYTES));
  for (let i = 0; i < count; i++) {
    const frame: FrameRecord = {
      captureStartUs: startMonoUs + i * 10_000,
      frameIndex: i,
      encodedBytes: 1000 + i,
      hostUs,
      sessionIndex: 0,
      keyframe: i === 0,
      repeated: false,
      stageClipped: false,
      stagesUs: [1, 2, 3, 4],
    };
    writeFrameRecord(view, i, frame);
  }
  return view;
}

beforeEach(async () => {
  h = await apiHarness();
  h.recorder.noteSession(sessionInfo({ sessionId: 'n1', kind: 'native' }));
  h.recorder.noteSession(sessionInfo({ sessionId: '=HYPERLINK("x")', kind: 'gamestream' }));
  h.recorder.start();
  h.recorder.addFrames('n1', block(h.clock.monoUs, 10), 10);
  h.recorder.addFrames('=HYPERLINK("x")', block(h.clock.monoUs + 5000, 2, null), 2);
  saved = (await h.recorder.stop())!;
});
afterEach(async () => {
  await h.cleanup();
});

async function frames(query = '') {
  const res = await h.call(`/stats/recordings/${saved.id}/frames${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  return parseFramesFile(new Uint8Array(await res.arrayBuffer()));
}

describe('the frame timeline routes', () => {
  it('serves the whole sidecar: header and every record', async () => {
    const { header, records } = await frames();
    expect(header.recordCount).toBe(12);
    expect(readFrameRecord(records, 0)).toMatchObject({ captureStartUs: 0, frameIndex: 0, keyframe: true });
  });

  it('cuts to ?fromMs=&toMs= (start inclusive, end exclusive); recordCount says how many', async () => {
    const { header, records } = await frames('?fromMs=20&toMs=50');
    // Session n1 at 20, 30, 40 ms; the other session at 5 and 15 ms.
    expect(header.recordCount).toBe(3);
    expect([0, 1, 2].map((i) => readFrameRecord(records, i).captureStartUs)).toEqual([
      20_000, 30_000, 40_000,
    ]);
    expect((await frames('?fromMs=85.5')).header.recordCount).toBe(1);
    expect((await frames('?toMs=0.001')).header.recordCount).toBe(1);
    expect((await frames('?fromMs=1000')).header.recordCount).toBe(0);
  });

  it('refuses bad ranges with a clear 400', async () => {
    for (const query of [
      'fromMs=abc',
      'fromMs=-5',
      'toMs=1e3',
      'fromMs=',
      'toMs=Infinity',
      'fromMs=0x10',
      'fromMs=50&toMs=50',
      'fromMs=60&toMs=20',
    ]) {
      for (const route of ['frames', 'frames.csv']) {
        const res = await h.call(`/stats/recordings/${saved.id}/${route}?${query}`);
        expect(res.status, `${route}?${query}`).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/fromMs|toMs/);
      }
    }
  });

  it('hostile ids get a 400 or a 404, never a file', async () => {
    for (const id of ['..', '%2e%2e', '..%2f..%2fsecret', 'a%00b', 'con', 'x'.repeat(129)]) {
      const res = await h.call(`/stats/recordings/${id}/frames`);
      expect([400, 404], id).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/json/);
    }
    const missing = await h.call('/stats/recordings/no-such-recording/frames');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no recording no-such-recording' });
  });

  it('404 when no timeline was recorded, 422 when its file is missing or damaged', async () => {
    h.clock.unixMs += 60_000;
    h.recorder.start();
    const empty = (await h.recorder.stop())!;
    const none = await h.call(`/stats/recordings/${empty.id}/frames`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(
      /has no frame timeline \(none was recorded\)/,
    );
    const path = join(h.dir, `${saved.id}.frames.bin`);
    await writeFile(path, 'PFFRAMES but not really');
    const damaged = await h.call(`/stats/recordings/${saved.id}/frames.csv`);
    expect(damaged.status).toBe(422);
    expect(((await damaged.json()) as { error: string }).error).toMatch(/is damaged/);
    await rm(path);
    const gone = await h.call(`/stats/recordings/${saved.id}/frames`);
    expect(gone.status).toBe(422);
    expect(((await gone.json()) as { error: string }).error).toMatch(/is missing/);
    // The recording itself still loads.
    expect((await h.call(`/stats/recordings/${saved.id}`)).status).toBe(200);
  });

  it('a sidecar replaced by a link to another file is refused (422), the target never served', async () => {
    const secret = join(h.root, 'secret.bin');
    await writeFile(secret, 'SENTINEL do not serve');
    const path = join(h.dir, `${saved.id}.frames.bin`);
    await rm(path);
    await symlink(secret, path);
    const res = await h.call(`/stats/recordings/${saved.id}/frames`);
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toMatch(/is not a regular file/);
    expect(text).not.toMatch(/SENTINEL/);
  });

  it("frames.csv: a row per frame, stage columns by the sessions' stage names, formulas defused", async () => {
    const res = await h.call(`/stats/recordings/${saved.id}/frames.csv?toMs=20`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="punktfunk-${saved.id}-frames.csv"`,
    );
    expect((await res.text()).split('\r\n')).toEqual([
      't_ms,session,frame_index,capture_us,submit_us,encode_us,packetize_us,send_us,host_us,encoded_bytes,keyframe,repeated',
      // In the sidecar's order: each session's blocks as they arrived.
      '0,n1,0,1,2,3,,4,5000,1000,1,0',
      '10,n1,1,1,2,3,,4,5000,1001,0,0',
      `5,"'=HYPERLINK(""x"")",0,1,,2,3,4,,1000,1,0`,
      `15,"'=HYPERLINK(""x"")",1,1,,2,3,4,,1001,0,0`,
      '',
    ]);
  });
});
