// The real host process with a capture it cannot save: stream a few seconds
// (synthetic picture, native client) with a capture armed, make the captures
// directory unusable, SIGTERM. The capture must come out in the fallback
// place the log names, parse, and hold the samples.
//
// Unusable for root too: the captures directory is replaced by a regular
// file, so every write there fails with ENOTDIR (chmod 0500 does not stop
// root, and the tests often run as root).
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capture } from '@punktfunk/shared';
import { newConfigDir, type RunningHost, runClient, startHost } from '@punktfunk/test-support';
import { afterEach, describe, expect, it } from 'vitest';

let host: RunningHost | null = null;
const configDirs: string[] = [];
afterEach(async () => {
  await host?.stop();
  host = null;
  for (const dir of configDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A host (GameStream off: not needed here) with its own TMPDIR, armed, after a 3 s native stream. */
async function streamedHost(configDir: string): Promise<RunningHost> {
  configDirs.push(configDir);
  const tmpDir = join(configDir, 'tmp');
  await mkdir(tmpDir);
  const started = await startHost(configDir, { PUNKTFUNK_GAMESTREAM: '0', TMPDIR: tmpDir });
  expect((await started.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
  const run = await runClient(
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(started.nativePort),
      '--seconds',
      '3',
      '--width',
      '640',
      '--height',
      '360',
      '--json',
    ],
    { PUNKTFUNK_CLIENT_DIR: join(configDir, 'client') },
  );
  expect(run.code, run.stderr).toBe(0);
  return started;
}

async function replaceByFile(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await writeFile(path, 'a file where a directory should be\n');
}

/** SIGTERM; the exit code and the path the log names for the capture written elsewhere. */
async function stopAndFindFallback(running: RunningHost): Promise<{ code: number | null; path: string }> {
  const code = await running.stop();
  host = null;
  const named =
    /stats capture \S+ \(\d+ samples\) could not be saved in .*?; saved to (\S+\.json) instead/.exec(
      running.output(),
    );
  expect(named, running.output()).not.toBeNull();
  return { code, path: named?.[1] as string };
}

async function expectCaptureWithSamples(path: string): Promise<Capture> {
  const capture = JSON.parse(await readFile(path, 'utf8')) as Capture;
  expect(capture.samples.length).toBeGreaterThan(0);
  expect(capture.meta.sampleCount).toBe(capture.samples.length);
  expect(capture.meta.kind).toBe('native');
  return capture;
}

describe('a capture the host cannot save is not lost at SIGTERM', () => {
  it('after /stop failed (500, kept in memory), SIGTERM writes it to <config>/captures-unsaved', async () => {
    const configDir = newConfigDir();
    host = await streamedHost(configDir);
    await replaceByFile(join(configDir, 'captures'));
    const stop = await host.api('/stats/capture/stop', { method: 'POST' });
    expect(stop.status).toBe(500);
    expect(((await stop.json()) as { error: string }).error).toMatch(/stop again to retry/);
    const running = host;
    const { code, path } = await stopAndFindFallback(running);
    expect(code).toBe(0);
    expect(path.startsWith(join(configDir, 'captures-unsaved'))).toBe(true);
    expect((await stat(join(configDir, 'captures-unsaved'))).mode & 0o777).toBe(0o700);
    await expectCaptureWithSamples(path);
  });

  it('armed at SIGTERM, with captures-unsaved unusable too: a fresh 0700 directory in TMPDIR', async () => {
    const configDir = newConfigDir();
    host = await streamedHost(configDir);
    await replaceByFile(join(configDir, 'captures'));
    await replaceByFile(join(configDir, 'captures-unsaved'));
    const running = host;
    const { code, path } = await stopAndFindFallback(running);
    expect(code).toBe(0);
    const [made] = await readdir(join(configDir, 'tmp'));
    const dir = join(configDir, 'tmp', made as string);
    expect(path.startsWith(`${dir}/`)).toBe(true);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await expectCaptureWithSamples(path);
  });
});
