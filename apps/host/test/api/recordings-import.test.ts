// POST /stats/recordings/import: a recording exported by one host (real
// files, the real export routes) is imported into another under a fresh id,
// with its origin; every refusal names the problem and stores nothing.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Capture, type CaptureMeta, FRAME_FIELD, FRAMES_HEADER_BYTES } from '@punktfunk/shared';
import { recordingFixture } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseCaptureId } from '../../src/recorder/capture-id.js';
import { serializeCapture } from '../../src/recorder/index.js';
import { type ApiHarness, apiHarness } from './helpers.js';

let src: ApiHarness;
let dst: ApiHarness;
let json: string;
let frames: Uint8Array;

const ORIGINAL_ID = '2026-11-20T08-00-00Z_1920x1080';

beforeEach(async () => {
  src = await apiHarness();
  dst = await apiHarness();
  const fixture = recordingFixture({ id: ORIGINAL_ID, sessions: 2, sessionSeconds: 20 });
  const capture: Capture = { ...fixture.capture, meta: { ...fixture.capture.meta, hostName: 'studio-pc' } };
  await writeFile(join(src.dir, `${ORIGINAL_ID}.json`), serializeCapture(capture));
  await writeFile(join(src.dir, `${ORIGINAL_ID}.frames.bin`), fixture.frames as Uint8Array);
  json = await (await src.call(`/stats/recordings/${ORIGINAL_ID}/export.json`)).text();
  frames = new Uint8Array(await (await src.call(`/stats/recordings/${ORIGINAL_ID}/frames`)).arrayBuffer());
});
afterEach(async () => {
  await src.cleanup();
  await dst.cleanup();
});

function form(recording: string | null, sidecar: Uint8Array | null, extra?: [string, string]): FormData {
  const body = new FormData();
  if (recording !== null) body.append('recording', new Blob([recording]), 'export.json');
  if (sidecar !== null) body.append('frames', new Blob([Buffer.from(sidecar)]), 'rec.frames.bin');
  if (extra) body.append(extra[0], extra[1]);
  return body;
}

function post(body: FormData | string, headers: Record<string, string> = {}) {
  return dst.call('/stats/recordings/import', { method: 'POST', body, headers });
}

/** The captures directory, names and contents: a refusal must leave it as it was. */
async function snapshot(): Promise<string[]> {
  const names = (await readdir(dst.dir)).sort();
  return Promise.all(names.map(async (n) => `${n}:${(await readFile(join(dst.dir, n))).toString('base64')}`));
}

function edited(edit: (file: Record<string, unknown> & { meta: Record<string, unknown> }) => void): string {
  const file = JSON.parse(json);
  edit(file);
  return JSON.stringify(file);
}

describe('import: happy path', () => {
  it('JSON and sidecar: a fresh id, the origin, the same frames bytes, the verdict as exported', async () => {
    expect(frames.length).toBeGreaterThan(64 * 1024); // more than every other route takes
    const res = await post(form(json, frames));
    expect(res.status).toBe(201);
    const meta = (await res.json()) as CaptureMeta;
    const { startedUnixMs } = (JSON.parse(json) as Capture).meta;
    // Named like a local recording, from its start and size; never the file's own id.
    expect(meta.id).toBe(baseCaptureId(startedUnixMs, 1920, 1080));
    expect(meta.id).not.toBe(ORIGINAL_ID);
    expect(meta.hostName).toBe('studio-pc');
    expect(meta.origin).toEqual({
      hostName: 'studio-pc',
      hostVersion: '0.1.0',
      importedUnixMs: expect.any(Number),
      originalId: ORIGINAL_ID,
    });
    const loaded = (await (await dst.call(`/stats/recordings/${meta.id}`)).json()) as Capture;
    const exported = JSON.parse(json) as Capture;
    expect(loaded.samples).toEqual(exported.samples);
    expect(loaded.meta.verdict).toEqual(exported.meta.verdict);
    const served = new Uint8Array(
      await (await dst.call(`/stats/recordings/${meta.id}/frames`)).arrayBuffer(),
    );
    expect(Buffer.from(served).equals(Buffer.from(frames))).toBe(true);
    const list = (await (await dst.call('/stats/recordings')).json()) as { recordings: CaptureMeta[] };
    expect(list.recordings.map((r) => [r.id, r.origin?.hostName])).toEqual([[meta.id, 'studio-pc']]);
  });

  it('a fresh id when the id exists: the second import is saved beside the first', async () => {
    const first = (await (await post(form(json, frames))).json()) as CaptureMeta;
    const second = (await (await post(form(json, frames))).json()) as CaptureMeta;
    expect(second.id).toBe(`${first.id}-2`);
    expect(second.origin?.originalId).toBe(ORIGINAL_ID);
    expect((await readdir(dst.dir)).sort()).toEqual([
      `${first.id}-2.frames.bin`,
      `${first.id}-2.json`,
      `${first.id}.frames.bin`,
      `${first.id}.json`,
    ]);
  });

  it('application/json alone, for a recording without a timeline', async () => {
    const noTimeline = edited((f) => {
      f.meta.timeline = null;
      f.meta.id = 'someone-elses-id';
    });
    const res = await post(noTimeline, { 'content-type': 'application/json' });
    expect(res.status).toBe(201);
    const meta = (await res.json()) as CaptureMeta;
    expect(meta.id).not.toBe('someone-elses-id');
    expect(meta.origin?.originalId).toBe('someone-elses-id');
    expect((await dst.call(`/stats/recordings/${meta.id}/frames`)).status).toBe(404);
    expect((await readdir(dst.dir)).sort()).toEqual([`${meta.id}.json`]);
  });

  it('local recordings have origin null, and files from before origin existed load as null', async () => {
    const old = edited((f) => delete f.meta.origin);
    expect(old).not.toContain('"origin"');
    await writeFile(join(dst.dir, 'old.json'), old);
    const meta = (await (await dst.call('/stats/recordings/old')).json()) as Capture;
    expect(meta.meta.origin).toBeNull();
  });
});

describe('import: refusals store nothing', () => {
  const damagedFrames = () => frames.slice(0, frames.length - 5);
  const withSession = (index: number) => {
    const copy = frames.slice();
    new DataView(copy.buffer).setUint16(FRAMES_HEADER_BYTES + FRAME_FIELD.sessionIndex, index, true);
    return copy;
  };
  const cases: [string, () => FormData | string, Record<string, string>, number, RegExp][] = [
    ['malformed JSON', () => form('{"format":', frames), {}, 400, /not valid JSON/],
    [
      'a wrong format',
      () =>
        form(
          edited((f) => (f.format = 'other.v9')),
          frames,
        ),
      {},
      422,
      /not a punktfunk\.capture\.v1 file/,
    ],
    [
      'a schema failure',
      () =>
        form(
          edited((f) => (f.meta.sampleCount = 'many')),
          frames,
        ),
      {},
      422,
      /meta\.sampleCount/,
    ],
    [
      'a hostile id',
      () =>
        form(
          edited((f) => (f.meta.id = '../../etc/passwd')),
          frames,
        ),
      {},
      422,
      /meta\.id is not a recording id/,
    ],
    [
      'a hostile name',
      () =>
        form(
          edited((f) => (f.meta.name = 'evil\u202Egnp.exe')),
          frames,
        ),
      {},
      422,
      /meta\.name/,
    ],
    [
      'a control character in the host name',
      () =>
        form(
          edited((f) => (f.meta.hostName = 'a\u0007b')),
          frames,
        ),
      {},
      422,
      /meta\.hostName/,
    ],
    [
      'a start that is no time',
      () =>
        form(
          edited((f) => (f.meta.startedUnixMs = 1e300)),
          frames,
        ),
      {},
      422,
      /startedUnixMs/,
    ],
    ['a damaged sidecar', () => form(json, damagedFrames()), {}, 422, /frames sidecar is damaged/],
    [
      'a sidecar with another record count',
      () =>
        form(
          edited((f) => ((f.meta.timeline as { frames: number }).frames += 1)),
          frames,
        ),
      {},
      422,
      /records where the recording says/,
    ],
    [
      'a record naming a session the recording lacks',
      () => form(json, withSession(2)),
      {},
      422,
      /names session 2; the recording has 2/,
    ],
    ['a timeline without its sidecar', () => form(json, null), {}, 422, /send its \.frames\.bin/],
    [
      'a sidecar for a recording without a timeline',
      () =>
        form(
          edited((f) => (f.meta.timeline = null)),
          frames,
        ),
      {},
      422,
      /has no timeline/,
    ],
    ['no recording part', () => form(null, frames), {}, 400, /"recording" part/],
    ['an unknown part', () => form(json, frames, ['extra', 'x']), {}, 400, /unknown part "extra"/],
    ['another content type', () => json, { 'content-type': 'text/plain' }, 415, /multipart\/form-data/],
  ];
  for (const [what, body, headers, status, message] of cases) {
    it(`${what}: ${status}`, async () => {
      await post(form(json, frames)); // something already there, that must stay as it is
      const before = await snapshot();
      const res = await post(body(), headers);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('an oversized body: 413 naming the import limit; other routes keep 64 KiB', async () => {
    const before = await snapshot();
    const res = await post('x', {
      'content-type': 'application/json',
      'content-length': String(200 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/the import is larger than \d+ bytes/);
    expect(await snapshot()).toEqual(before);
    const patch = await dst.call(`/stats/recordings/x`, {
      method: 'PATCH',
      body: 'x'.repeat(70 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(patch.status).toBe(413);
  });

  it('an oversized sidecar part: 413', async () => {
    const before = await snapshot();
    const big = new Uint8Array(64 + 648_000 * 32 + 1);
    const res = await post(form(json, big));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/frames sidecar is larger/);
    expect(await snapshot()).toEqual(before);
  });

  it('is described in the OpenAPI document: multipart or JSON, with its 413', async () => {
    const doc = (await (await dst.call('/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody: { content: object }; responses: object } }>;
    };
    const post = doc.paths['/stats/recordings/import']?.post;
    expect(Object.keys(post?.requestBody.content ?? {})).toEqual(['multipart/form-data', 'application/json']);
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['201', '413', '422', '401']));
  });

  it('needs the bearer token', async () => {
    const res = await dst.app.request('http://127.0.0.1/api/v1/stats/recordings/import', {
      method: 'POST',
      body: form(json, frames),
    });
    expect(res.status).toBe(401);
    expect(await readdir(dst.dir)).toEqual([]);
  });
});
