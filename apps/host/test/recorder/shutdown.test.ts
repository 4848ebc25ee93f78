// A capture the captures directory refuses is not lost when the host stops:
// shutdown() writes it to the fallback directory, else to a fresh private
// directory in the OS temp dir, else whole to stderr, and the log says where.
//
// "Refuses" is made real for root too: the captures directory is replaced by
// a regular file, so every write in it fails with ENOTDIR whoever runs it
// (chmod 0500 would not stop root).
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capture } from '@punktfunk/shared';
import { workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, harness, openRecorder } from './fixtures.js';

let h: Harness;
let lastResort: string[];
const savedTmpDir = process.env.TMPDIR;

async function openWithFallback(unsavedDir?: string): Promise<void> {
  lastResort = [];
  h.recorder = await openRecorder(h.dir, h.clock, h.log, {
    unsavedDir,
    writeLastResort: (text) => lastResort.push(text),
  });
}

/** Arms and records three samples, then makes the captures directory a file. */
async function recordThenBreakDir(): Promise<void> {
  h.recorder.start();
  for (let s = 1; s <= 3; s++) h.recorder.addSample(workerStatsSample(h.clock.monoUs + s * 1_000_000));
  h.clock.monoUs += 3_000_000;
  await rm(h.dir, { recursive: true });
  await writeFile(h.dir, 'not a directory');
}

async function onlyCaptureIn(dir: string): Promise<Capture> {
  const names = await readdir(dir);
  expect(names).toHaveLength(1);
  return JSON.parse(await readFile(join(dir, names[0] as string), 'utf8')) as Capture;
}

beforeEach(async () => {
  h = await harness();
  process.env.TMPDIR = join(h.root, 'tmp');
  await mkdir(process.env.TMPDIR);
});

afterEach(async () => {
  if (savedTmpDir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpDir;
  await h.cleanup();
});

describe('shutdown with a capture the captures directory refuses', () => {
  it('a capture kept after a failed stop is written to the fallback directory, named in the log', async () => {
    const fallback = join(h.root, 'config', 'captures-unsaved');
    await openWithFallback(fallback);
    await recordThenBreakDir();
    await expect(h.recorder.stop()).rejects.toMatchObject({ code: 'SAVE_FAILED' });
    expect(h.recorder.unsavedCount()).toBe(1);
    await h.recorder.shutdown();
    expect(h.recorder.unsavedCount()).toBe(0);
    const written = await onlyCaptureIn(fallback);
    expect(written.samples).toHaveLength(3);
    expect(written.meta.sampleCount).toBe(3);
    expect((await stat(fallback)).mode & 0o777).toBe(0o700);
    expect(h.log.errors.at(-1)).toMatch(
      new RegExp(
        `could not be saved in ${h.dir} \\(.*ENOTDIR.*\\); saved to ${fallback}/\\S+\\.json instead`,
      ),
    );
    expect(lastResort).toEqual([]);
  });

  it('the next start says that captures wait in the fallback directory', async () => {
    const fallback = join(h.root, 'config', 'captures-unsaved');
    await openWithFallback(fallback);
    await recordThenBreakDir();
    await h.recorder.shutdown();
    await rm(h.dir);
    await openWithFallback(fallback);
    expect(h.log.warnings.at(-1)).toBe(
      `1 capture(s) an earlier shutdown could not save in ${h.dir} wait in ${fallback}; move them to ${h.dir} to list them`,
    );
  });

  it('a capture still armed at shutdown goes the same way', async () => {
    const fallback = join(h.root, 'config', 'captures-unsaved');
    await openWithFallback(fallback);
    await recordThenBreakDir();
    await h.recorder.shutdown();
    expect(h.recorder.isArmed()).toBe(false);
    expect((await onlyCaptureIn(fallback)).samples).toHaveLength(3);
  });

  it('with the fallback directory refused too, a fresh 0700 directory in the OS temp dir takes it', async () => {
    const fallback = join(h.root, 'config', 'captures-unsaved');
    await writeFile(fallback, 'not a directory either');
    await openWithFallback(fallback);
    await recordThenBreakDir();
    await h.recorder.shutdown();
    const [made] = await readdir(process.env.TMPDIR as string);
    expect(made).toMatch(/^punktfunk-unsaved-captures-/);
    const dir = join(process.env.TMPDIR as string, made as string);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await onlyCaptureIn(dir)).samples).toHaveLength(3);
    expect(h.log.errors.at(-1)).toContain(`saved to ${dir}/`);
  });

  it('with no directory taking it, the whole capture goes to the last resort and the log says so', async () => {
    await openWithFallback();
    await recordThenBreakDir();
    process.env.TMPDIR = h.dir; // a file now: mkdtemp there fails
    await h.recorder.shutdown();
    expect(lastResort).toHaveLength(1);
    const [begin, ...rest] = (lastResort[0] as string).split('\n');
    expect(begin).toMatch(/^BEGIN punktfunk capture \S+$/);
    expect(rest.at(-1)).toBe('');
    expect(rest.at(-2)).toBe(begin?.replace('BEGIN', 'END'));
    const capture = JSON.parse(rest.slice(0, -2).join('\n')) as Capture;
    expect(capture.samples).toHaveLength(3);
    expect(h.log.errors.at(-1)).toMatch(
      /could not be written to any directory .*ENOTDIR.*; the whole capture follows on stderr/,
    );
  });

  it('with a writable captures directory, shutdown saves there as stop does', async () => {
    await openWithFallback(join(h.root, 'config', 'captures-unsaved'));
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 1_000_000));
    await h.recorder.shutdown();
    expect((await h.recorder.list()).map((m) => m.sampleCount)).toEqual([1]);
    expect(h.log.errors).toEqual([]);
  });
});
