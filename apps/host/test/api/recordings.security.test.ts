// Hostile ids never reach outside the captures directory: sentinel files
// around it must be neither read (their content never shows), written nor
// deleted, whatever form the id takes on the way in.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CaptureMeta } from '@punktfunk/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, BASE, json, TOKEN } from './helpers.js';

const SECRET = 'SENTINEL-7f3a do not serve';
let h: ApiHarness;
let saved: CaptureMeta;
let sentinels: string[];

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const content = entry.isFile()
      ? createHash('sha256')
          .update(await readFile(path))
          .digest('hex')
      : 'dir';
    out.set(relative(dir, path), `${content}:${info.mtimeMs}`);
  }
  return out;
}

beforeEach(async () => {
  h = await apiHarness();
  h.recorder.start();
  saved = (await h.recorder.stop())!;
  // Files a traversal would reach: next to the captures dir, above it, and a
  // sibling directory whose name starts like it.
  await mkdir(join(h.root, 'config', 'captures-old'), { recursive: true });
  sentinels = [
    join(h.root, 'config', 'secret.json'),
    join(h.root, 'secret.json'),
    join(h.root, 'config', 'captures-old', 'secret.json'),
    join(h.root, 'config', 'mgmt-token.json'),
  ];
  for (const path of sentinels) await writeFile(path, JSON.stringify({ meta: SECRET, samples: [SECRET] }));
});
afterEach(async () => {
  await h.cleanup();
});

// As they would appear in a URL path: raw (the URL parser resolves dot
// segments and backslashes before routing) and percent-encoded (reaches the
// route and decodes to the hostile string).
const HOSTILE_SEGMENTS = [
  '..',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '..%2Fsecret',
  '%2e%2e%2fsecret',
  '..%2F..%2Fsecret',
  '..%5Csecret',
  '..%2Fcaptures-old%2Fsecret',
  'a/b',
  'a%2Fb',
  'a\\b',
  'a%5Cb',
  'C:x',
  'C%3Ax',
  'C%3A%5Csecret',
  '',
  'x'.repeat(10_000),
  '%00',
  'secret%00',
  '2026-11-24T10-15-03Z%00.json',
  '%252e%252e',
  '.',
  '%2e',
  'CON',
];

const REQUESTS: [string, (seg: string) => string, RequestInit][] = [
  ['GET', (s) => `/stats/recordings/${s}`, {}],
  ['GET', (s) => `/stats/recordings/${s}/export.json`, {}],
  ['GET', (s) => `/stats/recordings/${s}/export.csv`, {}],
  ['PATCH', (s) => `/stats/recordings/${s}`, { method: 'PATCH', ...json({ name: 'pwned' }) }],
  ['DELETE', (s) => `/stats/recordings/${s}`, { method: 'DELETE' }],
];

describe('hostile recording ids', () => {
  it('are refused on every route, and nothing outside the captures directory is touched', async () => {
    const before = await tree(h.root);
    for (const segment of HOSTILE_SEGMENTS) {
      for (const [method, path, init] of REQUESTS) {
        const res = await h.call(path(segment), init);
        const text = await res.text();
        expect([400, 404], `${method} ${path(segment).slice(0, 80)} → ${res.status}`).toContain(res.status);
        expect(JSON.parse(text)).toHaveProperty('error');
        expect(text).not.toContain('SENTINEL');
      }
    }
    expect(await tree(h.root)).toEqual(before);
    for (const path of sentinels) expect(await readFile(path, 'utf8')).toContain(SECRET);
    expect((await h.recorder.list()).map((m) => m.id)).toEqual([saved.id]);
  });

  it('that reach the route are refused as invalid before any file is named', async () => {
    for (const segment of ['a%2Fb', 'a%5Cb', 'C%3Ax', '%00', '..%2Fsecret', 'x'.repeat(10_000)]) {
      const res = await h.call(`/stats/recordings/${segment}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^invalid recording id/);
    }
  });

  it('are refused by the recorder itself (defence in depth)', async () => {
    const hostile = [
      '..',
      '.',
      '../secret',
      '../../secret',
      'a/b',
      'a\\b',
      'C:x',
      '',
      'x'.repeat(10_000),
      'a\0b',
    ];
    for (const id of hostile) {
      await expect(h.recorder.load(id)).rejects.toMatchObject({ code: 'INVALID_ID' });
      await expect(h.recorder.delete(id)).rejects.toMatchObject({ code: 'INVALID_ID' });
      await expect(h.recorder.update(id, { name: 'x' })).rejects.toMatchObject({ code: 'INVALID_ID' });
    }
    for (const path of sentinels) expect(await readFile(path, 'utf8')).toContain(SECRET);
  });
});

describe('recording routes need the operator token', () => {
  it.each([
    ['GET', '/stats/recordings'],
    ['GET', '/stats/recordings/x'],
    ['PATCH', '/stats/recordings/x'],
    ['DELETE', '/stats/recordings/x'],
    ['GET', '/stats/recordings/x/export.json'],
    ['GET', '/stats/recordings/x/export.csv'],
  ])('%s %s: 401 without a token and with a wrong one', async (method, path) => {
    const none = await h.app.request(`${BASE}${path}`, { method });
    expect(none.status).toBe(401);
    const wrong = await h.app.request(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}0` },
    });
    expect(wrong.status).toBe(401);
  });

  it('a DELETE without the token deletes nothing', async () => {
    await h.app.request(`${BASE}/stats/recordings/${saved.id}`, { method: 'DELETE' });
    expect((await h.recorder.list()).map((m) => m.id)).toEqual([saved.id]);
  });
});
