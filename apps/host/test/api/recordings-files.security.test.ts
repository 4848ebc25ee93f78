// Hostile files in the captures directory, through the real store and the
// API routes: symbolic links (a planted temp file, a recording pointing out
// of the directory, /dev/zero), FIFOs named *.json, and oversized files.
// The store reads and writes only regular files inside its directory, and
// names whatever it skips in the list.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { lstat, mkdir, open, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capture, CaptureMeta, RecordingsListResponse } from '@punktfunk/shared';
import { workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CAPTURE_FILE_BYTES } from '../../src/recorder/capture-store.js';
import { type ApiHarness, apiHarness, json } from './helpers.js';

let h: ApiHarness;
let saved: CaptureMeta;
/** A directory beside the captures directory, where links point. */
let outside: string;
let fifos: string[];

beforeEach(async () => {
  h = await apiHarness();
  h.recorder.start();
  h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
  h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000));
  saved = (await h.recorder.stop())!;
  outside = join(h.root, 'outside');
  await mkdir(outside);
  fifos = [];
});

afterEach(async () => {
  // Opening a FIFO read-write never blocks (Linux) and gives any reader
  // stuck in open() its writer: a store that did block is let go before
  // the directory is removed. On the main thread: the I/O threads may be
  // the ones blocked.
  for (const fifo of fifos) {
    if (existsSync(fifo)) closeSync(openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK));
  }
  await h.cleanup();
});

async function listing(): Promise<RecordingsListResponse> {
  const res = await h.call('/stats/recordings');
  expect(res.status).toBe(200);
  return (await res.json()) as RecordingsListResponse;
}

async function expectRefused(res: Response, message: string): Promise<void> {
  expect(res.status).toBe(500);
  expect(((await res.json()) as { error: string }).error).toBe(message);
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', ['-m', '600', path]);
  expect(made.status, String(made.stderr)).toBe(0);
  fifos.push(path);
}

describe('symbolic links in the captures directory', () => {
  it('a temp-file link planted before a PATCH is never written through, and <id>.json stays a regular file', async () => {
    const target = join(outside, 'victim.json');
    await writeFile(target, 'not yours\n');
    // The name the store used for its temp file before, and a few lookalikes.
    for (const name of [`${saved.id}.json.tmp`, `${saved.id}.tmp`, '.tmp']) {
      await symlink(target, join(h.dir, name));
    }
    const res = await h.call(`/stats/recordings/${saved.id}`, {
      method: 'PATCH',
      ...json({ name: 'renamed' }),
    });
    expect(res.status).toBe(200);
    expect(await readFile(target, 'utf8')).toBe('not yours\n');
    const info = await lstat(join(h.dir, `${saved.id}.json`));
    expect(info.isSymbolicLink()).toBe(false);
    expect(info.isFile()).toBe(true);
    const loaded = (await (await h.call(`/stats/recordings/${saved.id}`)).json()) as Capture;
    expect(loaded.meta.name).toBe('renamed');
    expect(loaded.samples).toHaveLength(2);
  });

  it('a save with a planted temp-file link writes inside the directory only', async () => {
    const target = join(outside, 'victim.json');
    await writeFile(target, 'not yours\n');
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    // The next save's id is `<saved.id>-2` (same clock): plant its old temp name.
    await symlink(target, join(h.dir, `${saved.id}-2.json.tmp`));
    const second = (await (await h.call('/stats/capture/stop', { method: 'POST' })).json()) as CaptureMeta;
    expect(second.id).toBe(`${saved.id}-2`);
    expect(await readFile(target, 'utf8')).toBe('not yours\n');
    expect((await lstat(join(h.dir, `${second.id}.json`))).isFile()).toBe(true);
  });

  it('a recording that links out of the directory is neither served, listed nor written; DELETE removes the link only', async () => {
    // A well-formed capture outside, so only the link makes it wrong.
    const target = join(outside, 'elsewhere.json');
    await writeFile(target, await readFile(join(h.dir, `${saved.id}.json`)));
    const before = await readFile(target, 'utf8');
    await symlink(target, join(h.dir, 'linked.json'));
    await expectRefused(await h.call('/stats/recordings/linked'), 'recording linked is not a regular file');
    await expectRefused(
      await h.call('/stats/recordings/linked/export.json'),
      'recording linked is not a regular file',
    );
    await expectRefused(
      await h.call('/stats/recordings/linked', { method: 'PATCH', ...json({ name: 'x' }) }),
      'recording linked is not a regular file',
    );
    expect(await readFile(target, 'utf8')).toBe(before);
    const list = await listing();
    expect(list.recordings.map((m) => m.id)).toEqual([saved.id]);
    expect(list.skipped).toEqual([{ file: 'linked.json', reason: 'not a regular file' }]);
    expect(h.log.warnings.join('\n')).toContain('linked.json: not a regular file');
    // Said once, not on every list.
    await listing();
    expect(h.log.warnings.filter((w) => w.includes('linked.json'))).toHaveLength(1);
    expect((await h.call('/stats/recordings/linked', { method: 'DELETE' })).status).toBe(204);
    expect(await readFile(target, 'utf8')).toBe(before);
    expect((await listing()).skipped).toEqual([]);
  });

  it('links to /dev/zero and /dev/null are skipped without reading them', async () => {
    await symlink('/dev/zero', join(h.dir, 'zero.json'));
    await symlink('/dev/null', join(h.dir, 'null.json'));
    const list = await listing();
    expect(list.recordings.map((m) => m.id)).toEqual([saved.id]);
    expect(list.skipped).toEqual([
      { file: 'null.json', reason: 'not a regular file' },
      { file: 'zero.json', reason: 'not a regular file' },
    ]);
    await expectRefused(await h.call('/stats/recordings/zero'), 'recording zero is not a regular file');
  });
});

describe('FIFOs and other non-files named *.json', () => {
  // Four is the size of libuv's I/O thread pool: four FIFOs opened for
  // reading once blocked every file operation of the process. Bounded by
  // this test's timeout (a hang fails it), not by a time threshold.
  it('four FIFOs: list, load, save, patch and delete all answer, and the FIFOs are skipped', {
    timeout: 30_000,
  }, async () => {
    for (let i = 1; i <= 4; i++) mkfifo(join(h.dir, `fifo-${i}.json`));
    const list = await listing();
    expect(list.recordings.map((m) => m.id)).toEqual([saved.id]);
    expect(list.skipped).toEqual(
      [1, 2, 3, 4].map((i) => ({ file: `fifo-${i}.json`, reason: 'not a regular file' })),
    );
    await expectRefused(await h.call('/stats/recordings/fifo-1'), 'recording fifo-1 is not a regular file');
    await expectRefused(
      await h.call('/stats/recordings/fifo-2', { method: 'PATCH', ...json({ name: 'x' }) }),
      'recording fifo-2 is not a regular file',
    );
    // A second round: nothing is left blocked by the first.
    expect((await listing()).skipped).toHaveLength(4);
    h.recorder.start();
    const stop = await h.call('/stats/capture/stop', { method: 'POST' });
    expect(stop.status).toBe(200);
    const second = (await stop.json()) as CaptureMeta;
    expect((await h.call(`/stats/recordings/${second.id}`)).status).toBe(200);
    expect(
      (await h.call(`/stats/recordings/${saved.id}`, { method: 'PATCH', ...json({ note: 'still here' }) }))
        .status,
    ).toBe(200);
    expect((await h.call('/stats/recordings/fifo-3', { method: 'DELETE' })).status).toBe(204);
    expect((await listing()).skipped).toHaveLength(3);
  });

  it('a FIFO planted under the old temp-file name does not block a PATCH', { timeout: 30_000 }, async () => {
    mkfifo(join(h.dir, `${saved.id}.json.tmp`));
    const res = await h.call(`/stats/recordings/${saved.id}`, { method: 'PATCH', ...json({ name: 'ok' }) });
    expect(res.status).toBe(200);
    expect((await lstat(join(h.dir, `${saved.id}.json`))).isFile()).toBe(true);
  });

  it('a directory named *.json is skipped', async () => {
    await mkdir(join(h.dir, 'folder.json'));
    expect((await listing()).skipped).toEqual([{ file: 'folder.json', reason: 'not a regular file' }]);
    await expectRefused(await h.call('/stats/recordings/folder'), 'recording folder is not a regular file');
  });
});

describe('oversized files', () => {
  it(`a file over ${MAX_CAPTURE_FILE_BYTES} bytes is skipped by the list and refused by GET, unread`, async () => {
    // Sparse: the size is real, the disk space is not used.
    const big = await open(join(h.dir, 'big.json'), 'w', 0o600);
    await big.truncate(MAX_CAPTURE_FILE_BYTES + 1);
    await big.close();
    const list = await listing();
    expect(list.recordings.map((m) => m.id)).toEqual([saved.id]);
    expect(list.skipped).toEqual([
      { file: 'big.json', reason: `larger than ${MAX_CAPTURE_FILE_BYTES} bytes` },
    ]);
    await expectRefused(
      await h.call('/stats/recordings/big'),
      `recording big is larger than ${MAX_CAPTURE_FILE_BYTES} bytes`,
    );
  });
});
