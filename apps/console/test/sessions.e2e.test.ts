// Several sessions in the console, for real: a real host, two real
// punktfunk/1 clients streaming at different modes at once, a capture armed
// through the console. The live view lists both (mode, display), draws a line
// per session, ends one by its button (the other streams on, as /status
// says); the saved recording shows the two apart: picker, summary per
// session, one colour each, and filtering.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Capture, HostStatusResponse } from '@punktfunk/shared';
import {
  type ClientRun,
  HOST_TOKEN,
  newConfigDir,
  type RunningHost,
  runClient,
  spawnGameStreamClient,
  startHost,
} from '@punktfunk/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  chartPoints,
  openBrowser,
  SCREENSHOT_DIR,
  screenshot,
  screenshotOf,
} from './browser.js';

const configDir = newConfigDir();
let host: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** The two clients: names, modes; each streams until ended (or 90 s). */
const CLIENTS: readonly ClientMode[] = [
  { name: 'living-room', width: 640, height: 360, fps: 30 },
  { name: 'steam-deck', width: 512, height: 288, fps: 20 },
];
const runs: Promise<ClientRun>[] = [];
let recordingId = '';

interface ClientMode {
  name: string;
  width: number;
  height: number;
  fps: number;
}

function stream(c: ClientMode, seconds: number): Promise<ClientRun> {
  const args = ['--host', '127.0.0.1', '--port', String(host.nativePort), '--seconds', String(seconds)];
  const mode = ['--width', String(c.width), '--height', String(c.height), '--fps', String(c.fps)];
  return runClient([...args, ...mode, '--name', c.name, '--json'], {
    PUNKTFUNK_CLIENT_DIR: join(configDir, `client-${c.name}`),
  });
}

async function status(): Promise<HostStatusResponse> {
  return (await (await host.api('/status')).json()) as HostStatusResponse;
}

const row = (name: string) => page.locator('[data-testid=session-row]', { hasText: name });

beforeAll(async () => {
  host = await startHost(configDir);
  browser = await openBrowser();
  page = browser.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${new URL(host.apiBase).origin}/#token=${HOST_TOKEN}`);
  await page.getByTestId('performance-page').waitFor();
});

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await host?.stop();
  await Promise.all(runs);
  rmSync(configDir, { recursive: true, force: true });
});

describe('two sessions in the console', () => {
  it('the live view lists both sessions with mode and display, and draws a line per session', async () => {
    await page.getByTestId('start-capture').click();
    await page.getByTestId('capture-badge').getByText('Recording').waitFor();
    // One after the other: living-room is the capture's first session (the colour check below needs an order).
    runs.push(stream(CLIENTS[0]!, 90));
    await page.getByTestId('session-row').first().waitFor({ timeout: 30_000 });
    runs.push(stream(CLIENTS[1]!, 90));
    await page.getByTestId('session-row').nth(1).waitFor({ timeout: 30_000 });
    for (const c of CLIENTS) {
      await expect(row(c.name).getByTestId('session-mode').textContent()).resolves.toBe(
        `${c.width}×${c.height}@${c.fps}`,
      );
      await expect(row(c.name).getByTestId('session-display').textContent()).resolves.toBe(
        'desktop: synthetic (PUNKTFUNK_CAPTURE=synthetic)',
      );
    }
    // /status says the same: each session with its display.
    const listed = (await status()).sessions;
    expect(listed).toHaveLength(2);
    for (const s of listed) {
      expect(s.display).toEqual({
        mode: 'desktop',
        backend: 'synthetic',
        width: null,
        height: null,
        description: 'synthetic (PUNKTFUNK_CAPTURE=synthetic)',
      });
    }
    // Both sessions' samples arrive: the picker offers each, and the figures fill in per row.
    const picker = page.getByTestId('live-picker');
    await picker.locator('button[data-session]').nth(2).waitFor({ timeout: 30_000 });
    for (const c of CLIENTS) await row(c.name).getByTestId('session-figures').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid=live-latency]')?.getAttribute('data-points') ?? 0) >= 6,
      undefined,
      { timeout: 30_000 },
    );
    await expect(page.locator('.chart-title').first().textContent()).resolves.toBe(
      'Host latency per session (p50)',
    );
    await screenshot(page, 'sessions-01-live-two');
  }, 90_000);

  it('the picker shows one session with its stage stack, then all again', async () => {
    const allPoints = await chartPoints(page, 'live-latency');
    const deck = listedId(await status(), 'steam-deck');
    await page.getByTestId('live-picker').locator(`button[data-session="${deck}"]`).click();
    await expect(page.locator('.chart-title').first().textContent()).resolves.toBe('Latency by stage (p50)');
    // One session's stages stacked (four lines) over fewer windows than both sessions' totals.
    expect(await chartPoints(page, 'live-latency')).toBeGreaterThan(0);
    await screenshotOf(page.getByTestId('live-card'), 'sessions-02-live-one');
    await page.getByTestId('live-picker').locator('button[data-session=all]').click();
    await expect(page.locator('.chart-title').first().textContent()).resolves.toBe(
      'Host latency per session (p50)',
    );
    expect(await chartPoints(page, 'live-latency')).toBeGreaterThanOrEqual(allPoints);
  });

  it('ends one session by its button after a confirmation; the other keeps streaming', async () => {
    const before = await status();
    const living = listedId(before, 'living-room');
    const deck = listedId(before, 'steam-deck');
    await row('living-room').getByTestId('end-session').click();
    await page.getByRole('dialog').waitFor();
    await expect(page.getByRole('dialog').textContent()).resolves.toContain('living-room');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sessions-03-end-confirm.png') });
    await page.getByTestId('confirm').click();
    await row('living-room').waitFor({ state: 'detached', timeout: 15_000 });
    // The client was told and exits long before its 90 s; the host logged the operator's end.
    const ended = await runs[0]!;
    expect(ended.code, ended.stderr).toBe(0);
    expect(host.output()).toContain(`the operator ended session ${living} (native, living-room`);
    // The other session streams on: still listed, and its samples keep coming.
    const samplesBefore = await sampleCount(deck);
    await page.waitForTimeout(5000);
    expect((await status()).sessions.map((s) => s.sessionId)).toEqual([deck]);
    expect(await sampleCount(deck)).toBeGreaterThan(samplesBefore);
    await expect(page.getByTestId('session-row').count()).resolves.toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'sessions-04-one-left');
    // A console opened now (one session ended, one running) colours them as
    // the capture orders them, as the saved recording will: living-room first.
    const fresh = await browser.context.newPage();
    await fresh.goto(`${new URL(host.apiBase).origin}/#token=${HOST_TOKEN}`);
    const dot = (p: Page, id: string) =>
      p
        .locator(`[data-testid=live-picker] button[data-session="${id}"] .session-dot`)
        .evaluate((e) => e.style.background);
    await fresh
      .locator(`[data-testid=live-picker] button[data-session="${living}"]`)
      .waitFor({ timeout: 15_000 });
    const captureOrder = ((await (await host.api('/stats/capture/live')).json()) as Capture).meta.sessions;
    expect(captureOrder.map((s) => s.sessionId)).toEqual([living, deck]);
    for (const id of [living, deck]) expect(await dot(fresh, id)).toBe(await dot(page, id));
    expect(await dot(fresh, living)).not.toBe(await dot(fresh, deck));
    await fresh.close();
  }, 60_000);

  it("shows the host's refusal when the session is already gone", async () => {
    const deck = listedId(await status(), 'steam-deck');
    await row('steam-deck').getByTestId('end-session').click();
    await page.getByRole('dialog').waitFor();
    // Ended elsewhere (another operator, the API) while the dialog is open.
    expect((await host.api(`/sessions/${deck}`, { method: 'DELETE' })).status).toBe(204);
    await page.getByTestId('confirm').click();
    const error = page.getByTestId('end-session-error');
    await error.getByText('no session with that id').waitFor();
    await expect(error.textContent()).resolves.toMatch(
      /^The host did not end steam-deck.*: no session with that id is running$/,
    );
    await screenshotOf(page.getByTestId('sessions'), 'sessions-05-refused');
    await runs[1];
    await page.getByTestId('stop-capture').click();
    await page.getByTestId('saved-notice').waitFor();
    const list = (await (await host.api('/stats/recordings')).json()) as { recordings: { id: string }[] };
    recordingId = list.recordings[0]!.id;
  }, 60_000);
});

describe('the recording of the two sessions', () => {
  let capture: Capture;

  it('names both sessions: picker, a summary row each, one colour each across the page', async () => {
    capture = (await (await host.api(`/stats/recordings/${recordingId}`)).json()) as Capture;
    // In the order they started (either may have come first).
    expect(capture.meta.sessions.map((s) => s.client!.split(' ')[0]).sort()).toEqual(
      CLIENTS.map((c) => c.name).sort(),
    );
    expect(capture.meta.sessions.every((s) => s.display?.backend === 'synthetic')).toBe(true);
    await page.goto(`${new URL(host.apiBase).origin}/recordings/${recordingId}`);
    await page.waitForFunction((id) => document.body.dataset.chartsDrawn === id, recordingId);
    await page.locator('[data-testid=frame-times-card] canvas[data-drawn=true]').first().waitFor();
    await expect(page.getByTestId('session-picker').locator('button').count()).resolves.toBe(3);
    const rows = page.getByTestId('session-summary-row');
    await expect(rows.count()).resolves.toBe(2);
    const frames = await Promise.all(
      [0, 1].map(async (i) =>
        Number((await rows.nth(i).getByTestId('ss-frames').textContent())!.replace(/\D/g, '')),
      ),
    );
    expect(frames.every((n) => n > 20)).toBe(true);
    // The colours: the summary rows, the frame legend, the picker and the session settings agree, and differ.
    const dots = async (scope: string) =>
      page
        .locator(`${scope} .session-dot, ${scope} .legend-swatch`)
        .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const summaryColors = await dots('[data-testid=session-summary]');
    expect(new Set(summaryColors).size).toBe(2);
    expect(await dots('[data-testid=frame-times-card] .legend-row')).toEqual(summaryColors);
    expect(await dots('[data-testid=session-picker]')).toEqual(summaryColors);
    expect(await dots('[data-testid=sessions-card]')).toEqual(summaryColors);
    // The lane marks each session's events (their connects) in its colour.
    const laneColors = await page
      .locator('[data-testid=frame-times-card] [data-testid=event-mark][data-session-color]')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-session-color')))]);
    expect(laneColors.length).toBe(2);
    const canvas = page.locator('[data-testid=frame-times-card] canvas[data-frames]').first();
    expect(Number(await canvas.getAttribute('data-frames'))).toBe(frames[0]! + frames[1]!);
    await screenshot(page, 'sessions-06-recording-all');
    await screenshotOf(page.getByTestId('frame-times-card'), 'sessions-06a-frame-times-all');
    await screenshotOf(page.getByTestId('summary-card'), 'sessions-06b-summary-all');
    await screenshotOf(page.getByTestId('health-card'), 'sessions-06c-health-all');
    (globalThis as { sessionFrames?: number[] }).sessionFrames = frames;
  }, 60_000);

  it('picking one session filters the frame chart, stutters, summary and lane to it', async () => {
    const frames = (globalThis as { sessionFrames?: number[] }).sessionFrames!;
    const deckIndex = capture.meta.sessions.findIndex((s) => s.client!.startsWith('steam-deck'));
    const deck = capture.meta.sessions[deckIndex]!;
    await page.getByTestId('session-picker').locator(`button[data-session="${deck.sessionId}"]`).click();
    const canvas = page.locator('[data-testid=frame-times-card] canvas[data-frames]').first();
    await page.waitForFunction(
      (n) =>
        document
          .querySelector('[data-testid=frame-times-card] canvas[data-frames]')
          ?.getAttribute('data-frames') === String(n),
      frames[deckIndex],
    );
    expect(Number(await canvas.getAttribute('data-frames'))).toBe(frames[deckIndex]);
    await expect(page.getByTestId('sum-low01').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('summary-card').locator('.card-sub').textContent()).resolves.toContain(
      'steam-deck',
    );
    await expect(
      page.locator('[data-testid=session-summary-row].picked').getAttribute('data-session'),
    ).resolves.toBe(deck.sessionId);
    const stutterSessions = await page
      .locator('[data-testid=stutter-row]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-session-index')));
    expect(stutterSessions.every((i) => i === String(deckIndex))).toBe(true);
    const laneColors = await page
      .locator('[data-testid=frame-times-card] [data-testid=event-mark][data-session-color]')
      .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-session-color')))]);
    expect(laneColors.length).toBe(1);
    await expect(page.getByTestId('latency-card').locator('h2').textContent()).resolves.toBe(
      'Latency by stage',
    );
    await screenshot(page, 'sessions-07-recording-one');
    await screenshotOf(page.getByTestId('frame-times-card'), 'sessions-07a-frame-times-one');
    await screenshotOf(page.getByTestId('summary-card'), 'sessions-07b-summary-one');
    // A summary row click picks too; clicking the picked one shows all again.
    await page.locator('[data-testid=session-summary-row].picked').click();
    await page.waitForFunction(
      (n) =>
        document
          .querySelector('[data-testid=frame-times-card] canvas[data-frames]')
          ?.getAttribute('data-frames') === String(n),
      frames[0]! + frames[1]!,
    );
    await expect(page.getByTestId('latency-card').locator('h2').textContent()).resolves.toBe(
      'Host latency per session',
    );
  }, 60_000);
});

describe('both paths at once', () => {
  it('a GameStream session beside a punktfunk/1 one: each with its path; End quits the GameStream app only', async () => {
    const office: ClientMode = { name: 'office', width: 640, height: 360, fps: 30 };
    runs.push(stream(office, 90));
    // gs-client pairs on its first run (the PIN entered through the API, as the operator would), then launches.
    const gs = spawnGameStreamClient(host, join(configDir, 'gs-client'), 90);
    await page.goto(`${new URL(host.apiBase).origin}/`);
    await page.getByTestId('session-row').nth(1).waitFor({ timeout: 60_000 });
    const gsRow = page.locator('[data-testid=session-row]', { hasText: 'GameStream' });
    await expect(gsRow.getByTestId('session-mode').textContent()).resolves.toBe('640×360@30');
    // The GameStream path may not say its display yet: "desktop" then.
    await expect(gsRow.getByTestId('session-display').textContent()).resolves.toMatch(/^desktop/);
    await expect(row('office').textContent()).resolves.toContain('punktfunk/1');
    await screenshotOf(page.getByTestId('sessions'), 'sessions-08-both-paths');
    const officeId = listedId(await status(), 'office');
    await gsRow.getByTestId('end-session').click();
    await expect(page.getByRole('dialog').textContent()).resolves.toContain('Its app is quit');
    await page.getByTestId('confirm').click();
    await gsRow.waitFor({ state: 'detached', timeout: 15_000 });
    expect(host.output()).toMatch(/GameStream: the operator ended the session of /);
    await gs.exited;
    expect((await status()).sessions.map((s) => s.sessionId)).toEqual([officeId]);
    expect((await host.api(`/sessions/${officeId}`, { method: 'DELETE' })).status).toBe(204);
  }, 120_000);
});

function listedId(s: HostStatusResponse, client: string): string {
  const found = s.sessions.find((x) => x.client?.startsWith(client));
  if (!found)
    throw new Error(`${client} is not streaming: ${JSON.stringify(s.sessions.map((x) => x.client))}`);
  return found.sessionId;
}

async function sampleCount(sessionId: string): Promise<number> {
  const live = (await (await host.api('/stats/capture/live')).json()) as Capture;
  return live.samples.filter((s) => s.sessionId === sessionId).length;
}
