import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenMatches } from '../../src/api/auth.js';
import { loadOrCreateToken, TokenError } from '../../src/api/index.js';
import { ensurePrivateDir } from '../../src/fs/private-files.js';
import { tempRoot } from '../recorder/fixtures.js';

let root: string;
beforeEach(async () => {
  root = await tempRoot();
  await ensurePrivateDir(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('management token', () => {
  it('comes from the environment first, and then no file is written', async () => {
    const token = await loadOrCreateToken('env-token-0123456789', root);
    expect(token).toEqual({ token: 'env-token-0123456789', source: 'environment', path: null });
    await expect(stat(join(root, 'mgmt-token'))).rejects.toThrow();
  });

  it('is generated once (32 random bytes, hex) into a 0600 file and reused', async () => {
    const first = await loadOrCreateToken(null, root);
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(join(root, 'mgmt-token'))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateToken(null, root);
    expect(second).toEqual({ token: first.token, source: 'file', path: join(root, 'mgmt-token') });
  });

  it('refuses an unusable token file instead of replacing it', async () => {
    await writeFile(join(root, 'mgmt-token'), 'short\n');
    await expect(loadOrCreateToken(null, root)).rejects.toThrow(TokenError);
    expect(await readFile(join(root, 'mgmt-token'), 'utf8')).toBe('short\n');
  });

  it('tightens a token file others could read', async () => {
    await writeFile(join(root, 'mgmt-token'), `${'k'.repeat(40)}\n`);
    await chmod(join(root, 'mgmt-token'), 0o644);
    expect((await loadOrCreateToken(null, root)).token).toBe('k'.repeat(40));
    expect((await stat(join(root, 'mgmt-token'))).mode & 0o777).toBe(0o600);
  });

  it('is compared through SHA-256 digests, so any length compares without throwing', async () => {
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update('the-right-token-123').digest();
    expect(tokenMatches(digest, 'the-right-token-123')).toBe(true);
    expect(tokenMatches(digest, 'x')).toBe(false);
    expect(tokenMatches(digest, 'the-right-token-123'.repeat(100))).toBe(false);
  });
});
