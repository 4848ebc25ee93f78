// The console in a real browser against the real host, with the real native
// client streaming: sign-in, capture, live charts, recordings, detail,
// downloads, compare, delete, wrong tokens and a host that goes away.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Capture, CaptureMeta } from '@punktfunk/shared';
import { HOST_TOKEN, newConfigDir, type RunningHost, runClient, startHost } from '@punktfunk/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chartPoints, openBrowser, screenshot } from './browser.js';

const configDir = newConfigDir();
const clientDir = join(configDir, 'client');
let host: RunningHost;
let browser: Browser;
let page: Page;
let origin = '';
const pageErrors: string[] = [];
// The live samples are asked for only while a capture is armed: no 404s in the browser console.
const liveMisses: string[] = [];

function stream(seconds: number, extra: string[] = []) {
  return runClient(
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(host.nativePort),
      '--seconds',
      String(seconds),
      '--json',
      ...extra,
    ],
    { PUNKTFUNK_CLIENT_DIR: clientDir },
  );
}

async function recordings(): Promise<CaptureMeta[]> {
  return ((await (await host.api('/stats/recordings')).json()) as { recordings: CaptureMeta[] }).recordings;
}

beforeAll(async () => {
  host = await startHost(configDir);
  origin = new URL(host.apiBase).origin;
  browser = await openBrowser();
  page = browser.page;
  // Anything the page throws fails the run with its message.
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (r) => {
    if (r.url().includes('/stats/capture/live') && !r.ok()) liveMisses.push(`${r.status()} ${r.url()}`);
  });
});

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  expect(liveMisses).toEqual([]);
  await browser?.close();
  await host?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

describe('web console, end to end', () => {
  let firstId = '';

  it('serves the console and keeps index.html uncached; a missing asset is a 404', async () => {
    const index = await fetch(`${origin}/recordings/some-id`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-store');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${origin}${asset}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/api/v1/status`)).status).toBe(401);
  });

  it('without a token shows the sign-in; a wrong token is refused there', async () => {
    await page.goto(`${origin}/`);
    await page.getByTestId('sign-in').waitFor();
    await screenshot(page, '01-sign-in');
    await page.getByLabel('Management token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error').textContent()).resolves.toMatch(/did not accept/);
  });

  it('a wrong token in the sign-in link brings the sign-in back with the reason, never a blank page', async () => {
    await page.goto(`${origin}/#token=wrong-token`);
    await page.getByTestId('sign-in-reason').waitFor();
    expect(page.url()).not.toContain('token');
    await expect(page.getByTestId('sign-in-reason').textContent()).resolves.toMatch(/did not accept/);
    await screenshot(page, '02-sign-in-rejected');
  });

  it('signs in with the link the host prints; the token leaves the address bar', async () => {
    await page.goto(`${origin}/#token=${HOST_TOKEN}`);
    await page.getByTestId('performance-page').waitFor();
    expect(page.url()).toBe(`${origin}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('punktfunk.token'))).toBe(HOST_TOKEN);
    await expect(page.getByTestId('capture-badge').textContent()).resolves.toContain('Idle');
    await page.getByTestId('recordings-empty').waitFor();
  });

  it('starts a capture, shows live points while a client streams, stops and lists the recording', async () => {
    await page.getByTestId('start-capture').click();
    await page.getByTestId('capture-badge').getByText('Recording').waitFor();
    const client = stream(8);
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid=live-latency]')?.getAttribute('data-points') ?? 0) >= 2,
      undefined,
      { timeout: 30_000 },
    );
    await page.getByTestId('sessions').getByText('punktfunk/1').waitFor();
    // The desktop the streams show, in one line under the sessions.
    await page
      .getByTestId('desktop-line')
      .getByText('capture: synthetic (PUNKTFUNK_CAPTURE=synthetic)')
      .waitFor();
    await screenshot(page, '03-live');
    const run = await client;
    expect(run.code, run.stderr).toBe(0);
    await page.getByTestId('stop-capture').click();
    await page.getByTestId('capture-badge').getByText('Idle').waitFor();
    await page.getByTestId('saved-notice').waitFor();
    const [meta] = await recordings();
    expect(meta).toBeTruthy();
    firstId = meta!.id;
    const row = page.locator(`[data-testid=recording-row][data-id="${firstId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(String(meta!.sampleCount));
    await expect(row.textContent()).resolves.toContain('1280×720@60');
    await screenshot(page, '04-performance');
  });

  it('opens the recording: every chart holds one point per sample, the summary is there', async () => {
    const capture = (await (await host.api(`/stats/recordings/${firstId}`)).json()) as Capture;
    const row = page.locator(`[data-testid=recording-row][data-id="${firstId}"]`);
    await row.getByRole('button', { name: 'View' }).click();
    await page.waitForFunction((id) => document.body.dataset.chartsDrawn === id, firstId);
    // Every per-window chart (the host-load chart draws telemetry windows, not samples).
    const charts = await page
      .locator('[data-testid=recording-page] canvas[data-points]:not([data-chart="host load"])')
      .all();
    expect(charts.length).toBeGreaterThanOrEqual(3);
    for (const chart of charts) {
      expect(
        Number(await chart.getAttribute('data-points')),
        (await chart.getAttribute('data-chart')) ?? '',
      ).toBe(capture.samples.length);
    }
    expect(await chartPoints(page, 'chart-latency')).toBe(capture.meta.sampleCount);
    await expect(page.getByTestId('summary-table').textContent()).resolves.toContain('host total');
    // The session's settings, labelled for people (the raw key stays in the title).
    const fec = page.locator('[data-testid=session-settings] [data-key=fecPercent]');
    await expect(fec.locator('dt').textContent()).resolves.toBe('FEC');
    await expect(fec.locator('dd').textContent()).resolves.toMatch(/^\d+ % parity$/);
    // Counters the native path does not see are said so, not drawn as zero.
    if (capture.samples.every((s) => s.packetsLost === null)) {
      await expect(page.getByTestId('health-missing').textContent()).resolves.toMatch(
        /Not measured.*packets lost/,
      );
    }
    // The client's keyframe requests and unrecoverable frames: GameStream sees them, the native path does not.
    if (capture.samples.every((s) => s.idrRequests === null && s.unrecoverableFrames === null)) {
      await expect(page.getByTestId('health-missing').textContent()).resolves.toMatch(
        /Not measured.*keyframes asked \(client\).*frames unrecoverable \(client\)/,
      );
    }
    await screenshot(page, '05-recording');
    await page.getByRole('button', { name: 'p99' }).click();
    expect(await chartPoints(page, 'chart-latency')).toBe(capture.meta.sampleCount);
  });

  it('names the recording and downloads it as JSON and CSV', async () => {
    await page.getByTestId('recording-name').fill('baseline 720p60');
    await page.getByTestId('recording-note').fill('loopback, software encoder');
    await page.getByTestId('save-annotation').click();
    await page.getByTestId('recording-title').getByText('baseline 720p60').waitFor();
    expect((await recordings())[0]?.name).toBe('baseline 720p60');

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-json').click(),
    ]);
    expect(json.suggestedFilename()).toBe(`punktfunk-${firstId}.json`);
    const saved = JSON.parse(readFileSync((await json.path())!, 'utf8')) as Capture;
    expect(saved.meta.id).toBe(firstId);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-csv').click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`punktfunk-${firstId}.csv`);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^t_ms,session_id,kind/);
    expect(lines.length - 1).toBe(saved.samples.length);
  });

  it('compares two recordings: overlaid series, summary differences, differing settings', async () => {
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const run = await stream(5, ['--width', '960', '--height', '540', '--fps', '30', '--bitrate', '4000']);
    expect(run.code, run.stderr).toBe(0);
    expect((await host.api('/stats/capture/stop', { method: 'POST' })).status).toBe(200);
    const list = await recordings();
    expect(list).toHaveLength(2);

    await page.getByRole('link', { name: 'Performance', exact: true }).click();
    for (const r of list) {
      await page.locator(`[data-testid=recording-row][data-id="${r.id}"] input[type=checkbox]`).check();
    }
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-page').waitFor();
    await page.getByTestId('chart-compare').waitFor();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=chart-compare]')?.getAttribute('data-drawn'),
    );
    expect(await chartPoints(page, 'chart-compare')).toBe(Math.max(...list.map((r) => r.sampleCount)));
    const differing = await page
      .locator('[data-testid=compare-settings] tr[data-differs=true] td:first-child')
      .allTextContents();
    expect(differing).toEqual(expect.arrayContaining(['resolution', 'fps']));
    await expect(page.getByTestId('compare-settings').textContent()).resolves.toContain('shard size');
    // Both columns fit their card (nothing clipped at this width).
    const wrap = page.getByTestId('compare-settings').locator('.table-wrap');
    expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expect(page.getByTestId('compare-summary').textContent()).resolves.toContain('baseline 720p60');
    await screenshot(page, '06-compare');
  });

  it('deletes a recording after confirmation', async () => {
    await page.getByRole('link', { name: 'Performance', exact: true }).click();
    const row = page.locator(`[data-testid=recording-row][data-id="${firstId}"]`);
    await row.getByTestId('delete').click();
    await page.getByRole('dialog').waitFor();
    await screenshot(page, '07-delete-confirm');
    await page.getByTestId('confirm').click();
    await row.waitFor({ state: 'detached' });
    expect((await recordings()).map((r) => r.id)).not.toContain(firstId);
    await expect(page.getByTestId('recording-row').count()).resolves.toBe(1);
  });

  it('names the files the host skipped in its captures directory (a link out of it, a FIFO)', async () => {
    const link = join(configDir, 'captures', 'elsewhere.json');
    const fifo = join(configDir, 'captures', 'pipe.json');
    symlinkSync('/dev/zero', link);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await page.reload();
    const notice = page.getByTestId('recordings-skipped');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toBe(
      "Skipped in the host's captures directory: elsewhere.json: not a regular file; pipe.json: not a regular file",
    );
    await expect(page.getByTestId('recording-row').count()).resolves.toBe(1);
    await screenshot(page, '07b-skipped-files');
    rmSync(link);
    rmSync(fifo);
  });

  it("ends a client's stream from the sessions list, after a confirmation", async () => {
    const client = stream(60);
    const row = page.getByTestId('session-row').first();
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('end-session').click();
    await page.getByTestId('confirm').click();
    await page.getByTestId('sessions').getByText('No session is streaming').waitFor({ timeout: 15_000 });
    // The client was told the stream is over: it exits long before its 60 s.
    const startedWaitingMs = Date.now();
    await client;
    expect(Date.now() - startedWaitingMs).toBeLessThan(30_000);
    expect(host.output()).toMatch(/the operator ended session \w+ \(native, /);
  }, 60_000);

  it('says so clearly when the host goes away, and recovers when it returns', async () => {
    const port = new URL(origin).port;
    await host.stop();
    await page.getByTestId('unreachable').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('unreachable').textContent()).resolves.toMatch(/not reachable/);
    await screenshot(page, '08-host-away');
    host = await startHost(configDir, { PUNKTFUNK_MGMT_PORT: port });
    await page.getByTestId('unreachable').waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByTestId('recording-row').first().waitFor();
    await expect(page.getByTestId('capture-badge').textContent()).resolves.toContain('Idle');
  });
});
