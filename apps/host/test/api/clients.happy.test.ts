// The paired-clients resource as the console uses it: every certificate is
// its own client with a short fingerprint to tell it apart, and the operator
// renames one without touching the others; the name survives a restart.
import type { PairedClientsResponse } from '@punktfunk/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairedClients } from '../../src/identity/paired-clients.js';
import { type ApiHarness, apiHarness, json } from './helpers.js';

const A = `a1b2c3d4e5f60718${'0'.repeat(48)}`;
const B = `b2c3d4e5f6071829${'0'.repeat(48)}`;
let h: ApiHarness;

beforeEach(async () => {
  h = await apiHarness();
  // Two installs of moonlight-embedded: the same device name, different certificates.
  await h.paired.add(A, 'roth', 1);
  await h.paired.add(B, 'roth', 2);
});
afterEach(() => h.cleanup());

async function listed(): Promise<PairedClientsResponse['clients']> {
  return ((await (await h.call('/clients')).json()) as PairedClientsResponse).clients;
}

describe('paired clients API', () => {
  it('lists one entry per certificate, each with its short fingerprint', async () => {
    expect(await listed()).toEqual([
      { fingerprint: A, shortFingerprint: 'a1:b2:c3:d4:e5:f6:07:18', name: 'roth', pairedUnixMs: 1 },
      { fingerprint: B, shortFingerprint: 'b2:c3:d4:e5:f6:07:18:29', name: 'roth', pairedUnixMs: 2 },
    ]);
  });

  it('renames one client (by its fingerprint in any common spelling), keeps the other, and persists', async () => {
    const colons = A.toUpperCase().match(/../g)!.join(':');
    const res = await h.call(`/clients/${colons}`, { method: 'PATCH', ...json({ name: '  living room  ' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      fingerprint: A,
      shortFingerprint: 'a1:b2:c3:d4:e5:f6:07:18',
      name: 'living room',
      pairedUnixMs: 1,
    });
    expect((await listed()).map((c) => c.name)).toEqual(['living room', 'roth']);
    const reopened = await PairedClients.open(h.paired.path);
    expect(reopened.label(A)).toBe('living room (a1:b2:c3:d4:e5:f6:07:18)');
    expect(reopened.label(B)).toBe('roth (b2:c3:d4:e5:f6:07:18:29)');
  });

  it('takes names in any script, emoji with joiners included', async () => {
    for (const name of ['Wohnzimmer-Straße', 'غرفة المعيشة', '👩‍💻 desk']) {
      const res = await h.call(`/clients/${A}`, { method: 'PATCH', ...json({ name }) });
      expect(res.status, name).toBe(200);
      expect(h.paired.get(A)?.name).toBe(name);
    }
  });
});
