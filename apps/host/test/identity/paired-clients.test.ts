import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairedClients, PairedClientsError } from '../../src/identity/paired-clients.js';
import { tempRoot } from '../recorder/fixtures.js';

let root: string;
let path: string;
beforeEach(async () => {
  root = await tempRoot();
  path = join(root, 'paired-clients.json');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);

describe('paired clients store', () => {
  it('adds, finds, lists and removes by fingerprint, in any common spelling', async () => {
    const store = await PairedClients.open(path);
    expect(store.list()).toEqual([]);
    await store.add(A, 'laptop', 1);
    await store.add(B.toUpperCase().match(/../g)!.join(':'), 'phone', 2);
    expect(store.has(A)).toBe(true);
    expect(store.has(A.toUpperCase())).toBe(true);
    expect(store.has(B)).toBe(true);
    expect(store.has('c3'.repeat(32))).toBe(false);
    expect(store.has('not a fingerprint')).toBe(false);
    expect(store.list().map((c) => c.name)).toEqual(['laptop', 'phone']);
    expect(await store.remove(A)).toBe(true);
    expect(await store.remove(A)).toBe(false);
    expect(store.has(A)).toBe(false);
  });

  it('persists as 0600 JSON and reloads', async () => {
    const store = await PairedClients.open(path);
    await store.add(A, 'laptop', 1);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reopened = await PairedClients.open(path);
    expect(reopened.list()).toEqual([{ fingerprint: A, name: 'laptop', pairedUnixMs: 1 }]);
  });

  it('renames a client, labels it by name and short fingerprint, and refuses unsafe names', async () => {
    const store = await PairedClients.open(path);
    await store.add(A, 'roth', 1);
    await store.add(B, 'roth', 2);
    expect(await store.rename(B, 'desk')).toEqual({ fingerprint: B, name: 'desk', pairedUnixMs: 2 });
    expect(await store.rename('c3'.repeat(32), 'x')).toBeNull();
    await expect(store.rename(A, 'evil\u202Egpj')).rejects.toThrow(/U\+202E/);
    expect(store.label(A)).toBe('roth (a1:a1:a1:a1:a1:a1:a1:a1)');
    expect(store.label(B.toUpperCase())).toBe('desk (b2:b2:b2:b2:b2:b2:b2:b2)');
    // Not paired: the certificate still tells who it was.
    expect(store.label('c3'.repeat(32))).toBe('an unpaired client (c3:c3:c3:c3:c3:c3:c3:c3)');
    expect((await PairedClients.open(path)).list().map((c) => c.name)).toEqual(['roth', 'desk']);
  });

  it('refuses a malformed fingerprint', async () => {
    const store = await PairedClients.open(path);
    await expect(store.add('abc', 'x')).rejects.toThrow(PairedClientsError);
  });

  it('refuses a name with a bidirectional override (it would show as another name)', async () => {
    const store = await PairedClients.open(path);
    await expect(store.add(A, 'laptop\u202Epot')).rejects.toThrow(/name contains U\+202E/);
    expect(store.list()).toEqual([]);
  });

  it('reports a damaged file and leaves it alone', async () => {
    await writeFile(path, '{"version":1,"clients":[{"fingerprint":"nope"}]}');
    await expect(PairedClients.open(path)).rejects.toThrow(/paired-clients\.json is damaged/);
    expect(await readFile(path, 'utf8')).toContain('nope');
  });
});
