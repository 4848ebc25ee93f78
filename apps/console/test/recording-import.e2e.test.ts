// A recording travels between hosts: exported from one real host (its JSON and
// frames sidecar through the API), imported into a second through the
// console's Import button in Chromium; it lists with its origin, its refusal
// text shows when a file is damaged, and compare names both hosts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capture, CaptureMeta } from '@punktfunk/shared';
import {
  HOST_TOKEN,
  newConfigDir,
  type RecordingFixture,
  type RunningHost,
  recordingFixture,
  startHost,
} from '@punktfunk/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeCapture } from '../../host/dist/recorder/index.js';
import { type Browser, openBrowser, screenshot } from './browser.js';

const studioDir = newConfigDir();
const livingDir = newConfigDir();
const downloads = mkdtempSync(join(tmpdir(), 'punktfunk-import-'));
let studio: RunningHost;
let living: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A fixture as if `hostName` had recorded it. */
function recordedOn(hostName: string, id: string, fps: number): RecordingFixture {
  const fixture = recordingFixture({ id, sessionSeconds: 10, fps });
  return { ...fixture, capture: { ...fixture.capture, meta: { ...fixture.capture.meta, hostName } } };
}
const STUDIO = recordedOn('studio-pc', '2026-12-01T20-00-00Z_1920x1080', 60);
const LOCAL = recordedOn('living-room', '2026-12-02T09-00-00Z_1920x1080', 30);

function place(configDir: string, fixture: RecordingFixture): void {
  const dir = join(configDir, 'captures');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { capture, frames } = fixture;
  writeFileSync(join(dir, `${capture.meta.id}.json`), serializeCapture(capture), { mode: 0o600 });
  if (frames) writeFileSync(join(dir, `${capture.meta.id}.frames.bin`), frames, { mode: 0o600 });
}

/** Downloads the recording's two files from the host that has it, as an operator would. */
async function exportFrom(host: RunningHost, id: string): Promise<{ json: string; frames: string }> {
  const json = join(downloads, `punktfunk-${id}.json`);
  const frames = join(downloads, `punktfunk-${id}.frames.bin`);
  writeFileSync(json, await (await host.api(`/stats/recordings/${id}/export.json`)).text());
  writeFileSync(frames, Buffer.from(await (await host.api(`/stats/recordings/${id}/frames`)).arrayBuffer()));
  return { json, frames };
}

async function importThroughButton(files: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('import-recording').click();
  await (await chooser).setFiles(files);
}

async function recordings(): Promise<CaptureMeta[]> {
  return ((await (await living.api('/stats/recordings')).json()) as { recordings: CaptureMeta[] }).recordings;
}

beforeAll(async () => {
  place(studioDir, STUDIO);
  place(livingDir, LOCAL);
  studio = await startHost(studioDir, { PUNKTFUNK_GAMESTREAM: '0', PUNKTFUNK_HOST_NAME: 'studio-pc' });
  living = await startHost(livingDir, { PUNKTFUNK_GAMESTREAM: '0', PUNKTFUNK_HOST_NAME: 'living-room' });
  browser = await openBrowser();
  page = browser.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${new URL(living.apiBase).origin}/#token=${HOST_TOKEN}`);
  await page.getByTestId('performance-page').waitFor();
});

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await studio?.stop();
  await living?.stop();
  for (const dir of [studioDir, livingDir, downloads]) rmSync(dir, { recursive: true, force: true });
});

describe('recording import, end to end', () => {
  it('shows the host’s refusal for a damaged sidecar, and stores nothing', async () => {
    const files = await exportFrom(studio, STUDIO.capture.meta.id);
    const damaged = join(downloads, 'damaged.frames.bin');
    writeFileSync(damaged, Buffer.from('not a sidecar'));
    await importThroughButton([files.json, damaged]);
    const notice = page.getByTestId('recordings-card').locator('.notice', { hasText: 'Import refused' });
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('the frames sidecar is damaged');
    expect((await recordings()).map((r) => r.id)).toEqual([LOCAL.capture.meta.id]);
    await screenshot(page, 'import-01-refused');
  });

  it('imports the exported recording: it lists with its origin host', async () => {
    const files = await exportFrom(studio, STUDIO.capture.meta.id);
    await importThroughButton([files.json, files.frames]);
    const origin = page.getByTestId('recording-origin');
    await origin.waitFor();
    await expect(origin.textContent()).resolves.toBe('from studio-pc');
    const list = await recordings();
    expect(list).toHaveLength(2);
    const imported = list.find((r) => r.origin !== null)!;
    expect(imported.origin).toMatchObject({ hostName: 'studio-pc', originalId: STUDIO.capture.meta.id });
    // The same frames the studio serves.
    const here = Buffer.from(
      await (await living.api(`/stats/recordings/${imported.id}/frames`)).arrayBuffer(),
    );
    const there = Buffer.from(
      await (await studio.api(`/stats/recordings/${STUDIO.capture.meta.id}/frames`)).arrayBuffer(),
    );
    expect(here.equals(there)).toBe(true);
    await screenshot(page, 'import-02-listed');
  });

  it('compares with a local recording: the settings difference names both hosts', async () => {
    for (const r of await recordings()) {
      await page.locator(`[data-testid=recording-row][data-id="${r.id}"] input[type=checkbox]`).check();
    }
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-page').waitFor();
    const hosts = page.getByTestId('compare-hosts');
    await hosts.waitFor();
    const text = await hosts.textContent();
    expect(text).toContain('studio-pc (imported)');
    expect(text).toContain('living-room');
    const hostRow = page.locator('[data-testid=compare-settings] tr[data-differs=true]', {
      has: page.locator('td:first-child', { hasText: /^host$/ }),
    });
    const cells = await hostRow.locator('td').allTextContents();
    expect(cells.join(' ')).toMatch(/living-room.*studio-pc|studio-pc.*living-room/);
    await screenshot(page, 'import-03-compare');
    const exported = (await (
      await studio.api(`/stats/recordings/${STUDIO.capture.meta.id}`)
    ).json()) as Capture;
    expect(exported.meta.origin).toBeNull();
  });
});
