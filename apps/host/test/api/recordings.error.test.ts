import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureMeta } from '@punktfunk/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, json } from './helpers.js';

let h: ApiHarness;
let saved: CaptureMeta;
beforeEach(async () => {
  h = await apiHarness();
  h.recorder.start();
  saved = (await h.recorder.stop())!;
});
afterEach(async () => {
  await h.cleanup();
});

async function expectError(res: Response, status: number, message: RegExp | string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string };
  expect(Object.keys(body)).toEqual(['error']);
  if (typeof message === 'string') expect(body.error).toBe(message);
  else expect(body.error).toMatch(message);
}

describe('recording errors', () => {
  it('an unknown id is 404', async () => {
    await expectError(await h.call('/stats/recordings/nope'), 404, 'no recording nope');
    await expectError(await h.call('/stats/recordings/nope', { method: 'DELETE' }), 404, 'no recording nope');
    await expectError(await h.call('/stats/recordings/nope/export.csv'), 404, 'no recording nope');
    await expectError(
      await h.call('/stats/recordings/nope', { method: 'PATCH', ...json({ name: 'x' }) }),
      404,
      'no recording nope',
    );
  });

  it('a damaged file is a 500 that names it, and the listing skips it', async () => {
    await writeFile(join(h.dir, 'broken.json'), '{"format":"punktfunk.capture.v1","meta":');
    await expectError(await h.call('/stats/recordings/broken'), 500, 'recording broken is unreadable');
    const list = (await (await h.call('/stats/recordings')).json()) as { recordings: CaptureMeta[] };
    expect(list.recordings.map((m) => m.id)).toEqual([saved.id]);
    expect(h.log.warnings.join()).toContain('broken.json');
  });

  it.each([
    [{}, /send name and\/or note/],
    [{ title: 'x' }, /title|unrecognized/i],
    [{ name: 42 }, /^name: /],
    [{ name: 'x'.repeat(201) }, /^name: /],
    [{ name: 'bell\u0007' }, /name must not contain control characters/],
    [{ note: 'nul\u0000' }, /note must not contain control characters/],
    [{ name: 'invoice\u202Efdp.exe' }, /^name: name contains U\+202E, a control or bidirectional formatting/],
    [{ name: 'left\u200Emark' }, /name contains U\+200E/],
    [{ note: 'line one\nline two \u2067isolate' }, /note contains U\+2067/],
    [{ note: 'x'.repeat(10_001) }, /^note: /],
    [[], /expected object/i],
    ['just a string', /expected object/i],
  ])('PATCH %j is refused with 400 and changes nothing', async (body, message) => {
    await expectError(
      await h.call(`/stats/recordings/${saved.id}`, { method: 'PATCH', ...json(body) }),
      400,
      message,
    );
    expect((await h.recorder.load(saved.id)).meta).toEqual(saved);
  });

  it('PATCH with a body that is not JSON is 400; with another content type 415', async () => {
    const path = `/stats/recordings/${saved.id}`;
    await expectError(
      await h.call(path, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: '{"name":',
      }),
      400,
      'the body is not valid JSON',
    );
    await expectError(
      await h.call(path, {
        method: 'PATCH',
        headers: { 'content-type': 'text/plain' },
        body: '{"name":"x"}',
      }),
      415,
      'send the body as application/json',
    );
  });

  it('PATCH with an oversized body is 413', async () => {
    const body = JSON.stringify({ note: 'x'.repeat(70_000) });
    await expectError(
      await h.call(`/stats/recordings/${saved.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        body,
      }),
      413,
      /larger than 65536 bytes/,
    );
  });
});
