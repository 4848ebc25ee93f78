// The config directory's files (token, identity, paired clients, apps) go
// through the same helpers as the captures: a link planted there is never
// read, written or chmod-ed through, and a FIFO never blocks the host.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../../src/api/token.js';
import {
  MAX_PRIVATE_FILE_BYTES,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../../src/fs/private-files.js';
import { loadOrCreateIdentity } from '../../src/identity/host-identity.js';

const TOKEN = 'a-token-read-from-elsewhere-0123456789';
let root: string;
let configDir: string;
let outside: string;
let fifos: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'punktfunk-private-'));
  configDir = join(root, 'config');
  outside = join(root, 'outside');
  await mkdir(configDir, { mode: 0o700 });
  await mkdir(outside);
  fifos = [];
});

afterEach(async () => {
  // Lets go of a reader stuck in open() (see recordings-files.security.test.ts).
  for (const fifo of fifos) {
    if (existsSync(fifo)) closeSync(openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK));
  }
  await rm(root, { recursive: true, force: true });
});

describe('private files', () => {
  it('a write never goes through a link planted under the old temp name', async () => {
    const target = join(outside, 'victim');
    await writeFile(target, 'not yours\n');
    await symlink(target, join(configDir, 'mgmt-token.tmp'));
    await writePrivateFileAtomic(join(configDir, 'mgmt-token'), `${TOKEN}\n`);
    expect(await readFile(target, 'utf8')).toBe('not yours\n');
    const written = await lstat(join(configDir, 'mgmt-token'));
    expect(written.isFile()).toBe(true);
    expect(written.mode & 0o777).toBe(0o600);
  });

  it('a token file that is a link is refused, and its target neither read as the token nor chmod-ed', async () => {
    const target = join(outside, 'token');
    await writeFile(target, `${TOKEN}\n`);
    await chmod(target, 0o644);
    await symlink(target, join(configDir, 'mgmt-token'));
    await expect(loadOrCreateToken(null, configDir)).rejects.toThrow(
      `${join(configDir, 'mgmt-token')} is a symbolic link, not a regular file`,
    );
    expect((await stat(target)).mode & 0o777).toBe(0o644);
  });

  it('a FIFO in place of the token is refused at once, not waited on', { timeout: 30_000 }, async () => {
    const fifo = join(configDir, 'mgmt-token');
    const made = spawnSync('mkfifo', ['-m', '600', fifo]);
    expect(made.status, String(made.stderr)).toBe(0);
    fifos.push(fifo);
    await expect(loadOrCreateToken(null, configDir)).rejects.toThrow(`${fifo} is a FIFO, not a regular file`);
  });

  it(`a config file over ${MAX_PRIVATE_FILE_BYTES} bytes is refused unread`, async () => {
    const path = join(configDir, 'paired-clients.json');
    await writeFile(path, 'x'.repeat(MAX_PRIVATE_FILE_BYTES + 1));
    await expect(readPrivateFile(path)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('the identity removes temp files of writes a crash cut short, links among them, and leaves the targets', async () => {
    const target = join(outside, 'victim');
    await writeFile(target, 'not yours\n');
    await writeFile(join(configDir, 'mgmt-token.0123456789abcdef.tmp'), 'half');
    await writeFile(join(configDir, 'host-id.tmp'), 'half');
    await symlink(target, join(configDir, 'key.pem.tmp'));
    await loadOrCreateIdentity(configDir, 'test-host');
    expect((await readdir(configDir)).sort()).toEqual(['cert.pem', 'host-id', 'key.pem']);
    expect(await readFile(target, 'utf8')).toBe('not yours\n');
  });
});
