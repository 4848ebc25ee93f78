// DELETE /api/v1/sessions/:id: the operator ends a running session. What
// ending a GameStream or punktfunk/1 stream does is the streaming side's
// (gamestream-stream.e2e.test.ts ends a real one); here the route: the id is
// checked, an unknown one is 404, and only the operator's token may call it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, TOKEN } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('DELETE /sessions/:id', () => {
  it('ends a running session: 204, then 404 (it is gone)', async () => {
    h.running.add('1a2b3c4d');
    expect((await h.call('/sessions/1a2b3c4d', { method: 'DELETE' })).status).toBe(204);
    expect(h.ended).toEqual(['1a2b3c4d']);
    const again = await h.call('/sessions/1a2b3c4d', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: string }).error).toMatch(/no session with that id/);
  });

  it('refuses an id that is no session id (400) and callers without the token (401)', async () => {
    const bad = await h.call(`/sessions/${'x'.repeat(5)}`, { method: 'DELETE' });
    expect(bad.status).toBe(400);
    h.running.add('1a2b3c4d');
    const none = await h.app.request('http://127.0.0.1/api/v1/sessions/1a2b3c4d', { method: 'DELETE' });
    expect(none.status).toBe(401);
    const wrong = await h.call('/sessions/1a2b3c4d', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}0` },
    });
    expect(wrong.status).toBe(401);
    expect(h.ended).toEqual([]);
  });
});
