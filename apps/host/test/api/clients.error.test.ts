// Renames the store must refuse: names that would display other than they
// are stored (controls, bidirectional overrides), empty or overlong names,
// unknown clients and malformed fingerprints. Nothing changes on a refusal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, json } from './helpers.js';

const A = 'a1'.repeat(32);
let h: ApiHarness;

beforeEach(async () => {
  h = await apiHarness();
  await h.paired.add(A, 'roth', 1);
});
afterEach(() => h.cleanup());

const rename = (fingerprint: string, body: unknown) =>
  h.call(`/clients/${fingerprint}`, { method: 'PATCH', ...json(body) });

describe('renaming a paired client: refusals', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(65)],
    ['a line break', 'roth\nadmin'],
    ['a NUL', 'roth\u0000'],
    ['a C1 control', 'roth\u0085'],
    ['a right-to-left override', 'evil\u202Egpj.exe'],
    ['a bidi isolate', '\u2066roth\u2069'],
    ['a left-to-right mark', 'roth\u200E'],
    ['an Arabic letter mark', 'roth\u061C'],
    ['a line separator', 'roth\u2028'],
  ])('refuses a name with %s (400) and keeps the old one', async (_why, name) => {
    const res = await rename(A, { name });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^name: (must|contains U\+[0-9A-F]{4}, a control or bidirectional formatting character$)/,
    );
    expect(h.paired.get(A)?.name).toBe('roth');
  });

  it('refuses a body that is not { name: string }', async () => {
    for (const body of [{}, { name: 5 }, { name: 'ok', admin: true }, null]) {
      expect((await rename(A, body)).status, JSON.stringify(body)).toBe(400);
    }
    const text = await h.call(`/clients/${A}`, { method: 'PATCH', body: 'name=x' });
    expect(text.status).toBe(415);
    expect(h.paired.get(A)?.name).toBe('roth');
  });

  it('answers 404 for a client that is not paired and 400 for a malformed fingerprint', async () => {
    const unknown = await rename('c3'.repeat(32), { name: 'x' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no paired client has that fingerprint' });
    expect((await rename('abc', { name: 'x' })).status).toBe(400);
    expect(h.paired.list()).toHaveLength(1);
  });

  it('needs the token', async () => {
    const res = await h.app.request(`http://127.0.0.1/api/v1/clients/${A}`, {
      method: 'PATCH',
      ...json({ name: 'mine now' }),
    });
    expect(res.status).toBe(401);
    expect(h.paired.get(A)?.name).toBe('roth');
  });
});
