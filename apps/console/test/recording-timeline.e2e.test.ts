// The recording page's timeline in a real browser against the real host:
// recordings placed in its captures directory as real files (the capture JSON
// and the `<id>.frames.bin` sidecar in the documented layout), then the
// frame-time chart, zoom, the event lane, the verdict and what the page says
// when a timeline is absent or its file is missing.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TimelineEvent } from '@punktfunk/shared';
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
import { type Browser, openBrowser, screenshot, screenshotOf } from './browser.js';

const configDir = newConfigDir();
let host: RunningHost;
let browser: Browser;
let page: Page;
let origin = '';
const pageErrors: string[] = [];

const event = (tMs: number, type: TimelineEvent['type'], summary: string): TimelineEvent => ({
  tMs,
  sessionId: type === 'marker' ? null : 's1',
  type,
  summary,
  details: {},
});

const WITH_TIMELINE = recordingFixture({
  id: '2026-12-02T12-00-00Z_timeline',
  sessionSeconds: 30,
  sessions: 2,
  stutters: [
    { atS: 8.2, frameMs: 120 },
    { atS: 21.5, kind: 'gap', frameMs: 48 },
    { atS: 40.3, frameMs: 250 },
  ],
  events: [
    event(500, 'client-connect', 'client fixture-client-1 connected'),
    event(8150, 'loss-burst', 'loss burst: 42 packets in 100 ms'),
    event(8300, 'keyframe', 'keyframe (loss recovery)'),
    event(15_000, 'bitrate', 'bitrate 20000 → 12000 kb/s (client)'),
    event(20_000, 'marker', 'marker: boss fight'),
    event(30_500, 'client-disconnect', 'client fixture-client-1 left'),
    event(32_500, 'client-connect', 'client fixture-client-2 connected'),
  ],
  verdict: {
    level: 'degraded',
    reasons: ['3 stutter episodes, 1 at a keyframe', 'longest frame 250 ms'],
    sessions: [
      { sessionId: 's1', level: 'degraded', reasons: ['2 stutter episodes'] },
      { sessionId: 's2', level: 'degraded', reasons: ['1 stutter episode (250 ms)'] },
    ],
  },
});
const NO_TIMELINE = recordingFixture({ id: '2026-12-02T11-00-00Z_no-timeline', timeline: false });
/** The metadata says there is a timeline, but its file is gone. */
const FILE_MISSING = recordingFixture({ id: '2026-12-02T10-00-00Z_file-missing' });

function place(dir: string, fixture: RecordingFixture, withFile = true): void {
  const { capture, frames } = fixture;
  writeFileSync(join(dir, `${capture.meta.id}.json`), serializeCapture(capture), { mode: 0o600 });
  if (frames && withFile) writeFileSync(join(dir, `${capture.meta.id}.frames.bin`), frames, { mode: 0o600 });
}

async function openRecording(id: string): Promise<void> {
  await page.goto(`${origin}/recordings/${encodeURIComponent(id)}`);
  await page.getByTestId('frame-times-card').waitFor();
}

beforeAll(async () => {
  const captures = join(configDir, 'captures');
  mkdirSync(captures, { recursive: true, mode: 0o700 });
  place(captures, WITH_TIMELINE);
  place(captures, NO_TIMELINE);
  place(captures, FILE_MISSING, false);
  host = await startHost(configDir, { PUNKTFUNK_GAMESTREAM: '0' });
  origin = new URL(host.apiBase).origin;
  browser = await openBrowser();
  page = browser.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/#token=${HOST_TOKEN}`);
  await page.getByTestId('performance-page').waitFor();
});

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await host?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

describe('recording timeline, end to end', () => {
  it('shows each recording’s verdict in the list, the reasons in its title', async () => {
    const row = page.locator(`[data-testid=recording-row][data-id="${WITH_TIMELINE.capture.meta.id}"]`);
    const badge = row.getByTestId('verdict-badge');
    await expect(badge.getAttribute('data-level')).resolves.toBe('degraded');
    await expect(badge.getAttribute('title')).resolves.toContain('3 stutter episodes');
    const none = page.locator(`[data-testid=recording-row][data-id="${NO_TIMELINE.capture.meta.id}"]`);
    await expect(none.getByTestId('verdict-badge').getAttribute('data-level')).resolves.toBe('none');
    await screenshot(page, 'timeline-01-list');
  });

  it('draws every frame of the recording and the verdict with its reasons', async () => {
    await openRecording(WITH_TIMELINE.capture.meta.id);
    const chart = page.getByTestId('chart-frame-times');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=chart-frame-times]')?.getAttribute('data-drawn'),
    );
    const frames = WITH_TIMELINE.capture.meta.timeline!.frames;
    await expect(chart.getAttribute('data-frames')).resolves.toBe(String(frames));
    await expect(page.getByTestId('verdict-card').textContent()).resolves.toContain(
      '1 stutter episode (250 ms)',
    );
    await expect(
      page.getByTestId('recording-page').getByTestId('verdict-badge').first().textContent(),
    ).resolves.toBe('degraded');
    await screenshot(page, 'timeline-02-recording');
  });

  it('downloads every frame as CSV', async () => {
    const id = WITH_TIMELINE.capture.meta.id;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-frames-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`punktfunk-${id}-frames.csv`);
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/frame_index/);
    expect(lines.length - 1).toBe(WITH_TIMELINE.capture.meta.timeline!.frames);
  });

  it('names the frame under the cursor with its stage split', async () => {
    const chart = page.getByTestId('chart-frame-times');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.6);
    const tooltip = page.getByTestId('frame-tooltip');
    await tooltip.waitFor();
    const text = await tooltip.textContent();
    for (const word of ['frame time', 'capture', 'submit', 'encode', 'send', 'host total', 'size']) {
      expect(text).toContain(word);
    }
    await screenshotOf(page.getByTestId('frame-times-card'), 'timeline-03-tooltip');
  });

  it('shows the events on the lane, with their summaries on hover', async () => {
    const marks = page.getByTestId('event-lane').getByTestId('event-mark');
    await expect(marks.count()).resolves.toBeGreaterThanOrEqual(5);
    await page.locator('[data-testid=event-mark][data-type=marker]').hover();
    await expect(page.getByTestId('event-tooltip').textContent()).resolves.toContain('marker: boss fight');
    await screenshotOf(page.getByTestId('frame-times-card'), 'timeline-04-event-tooltip');
  });

  it('zooms every chart to a dragged range, and back', async () => {
    const chart = page.getByTestId('chart-frame-times');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const before = Number(await chart.getAttribute('data-frames'));
    await page.mouse.move(box.x + box.width * 0.3, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + 60, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid=chart-frame-times]')?.getAttribute('data-frames')) < n,
      before,
    );
    await expect(page.getByTestId('show-all').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'timeline-05-zoomed');
    await page.getByTestId('show-all').click();
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid=chart-frame-times]')?.getAttribute('data-frames')) === n,
      before,
    );
  });

  it('lists the stutters with the events nearby; one zooms every chart to its moment', async () => {
    const rows = page.getByTestId('stutter-row');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.nth(0).getByTestId('stutter-events').textContent()).resolves.toContain(
      'keyframe (loss recovery)',
    );
    await expect(page.getByTestId('sum-episodes').textContent()).resolves.toBe('3');
    await expect(page.getByTestId('sum-max-frame').textContent()).resolves.toBe('250 ms');
    await rows.nth(2).getByTestId('stutter-zoom').click();
    await expect(page.getByTestId('view-range').textContent()).resolves.toBe('0:38 – 0:41');
    // The per-window charts follow the same x range.
    for (const chart of await page.locator('[data-testid=recording-page] canvas[data-x-min]').all()) {
      const xMin = Number(await chart.getAttribute('data-x-min'));
      const xMax = Number(await chart.getAttribute('data-x-max'));
      expect(xMin, (await chart.getAttribute('data-chart')) ?? '').toBeGreaterThan(38);
      expect(xMax).toBeLessThan(42);
    }
    const frames = Number(await page.getByTestId('chart-frame-times').getAttribute('data-frames'));
    expect(frames).toBeGreaterThan(100);
    expect(frames).toBeLessThan(300);
    await screenshotOf(page.getByTestId('frame-times-card'), 'timeline-07-stutter-zoom-frames');
    await screenshotOf(page.getByTestId('stutters-card'), 'timeline-08-stutters');
    await screenshotOf(page.getByTestId('histogram-card'), 'timeline-09-histogram');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'timeline-07-stutter-zoom');
    await page.getByTestId('show-all').click();
  });

  it('places a marker on the live lane while armed, and shows the host’s refusal', async () => {
    await page.goto(`${origin}/`);
    await page.getByTestId('start-capture').click();
    await page.getByTestId('capture-badge').getByText('Recording').waitFor();
    page.once('dialog', (dialog) => void dialog.accept('boss fight'));
    await page.getByTestId('place-marker').click();
    const mark = page.getByTestId('live-event-lane').locator('[data-type=marker]');
    await mark.waitFor();
    await mark.hover();
    await expect(page.getByTestId('event-tooltip').textContent()).resolves.toContain('marker: boss fight');
    await screenshotOf(page.getByTestId('live-card'), 'timeline-10-live-marker');
    // A label the host does not take: its reason is shown, nothing is placed.
    page.once('dialog', (dialog) => void dialog.accept('bell \u0007'));
    await page.getByTestId('place-marker').click();
    await expect(page.getByTestId('capture-card').getByRole('alert').textContent()).resolves.toMatch(
      /The marker was not placed: .*control characters/,
    );
    await screenshotOf(page.getByTestId('capture-card'), 'timeline-11-marker-refused');
    await page.getByTestId('stop-capture').click();
    await page.getByTestId('capture-badge').getByText('Idle').waitFor();
  });

  it('says plainly when a recording has no timeline, and still shows the rest', async () => {
    await openRecording(NO_TIMELINE.capture.meta.id);
    await expect(page.getByTestId('timeline-none').textContent()).resolves.toMatch(/no frame timeline/);
    await page.getByTestId('summary-card').waitFor();
    await page.waitForFunction((id) => document.body.dataset.chartsDrawn === id, NO_TIMELINE.capture.meta.id);
    // Nothing to download per frame: no button that would only fail.
    expect(await page.getByTestId('download-frames-csv').count()).toBe(0);
  });

  it('says plainly when the timeline file is missing, and still shows the rest', async () => {
    await openRecording(FILE_MISSING.capture.meta.id);
    const notice = page.getByTestId('timeline-missing');
    await notice.waitFor();
    // The host's words: the file the metadata names is missing.
    await expect(notice.textContent()).resolves.toMatch(
      /No frame times to show: .*frame timeline .* is missing/,
    );
    await page.getByTestId('summary-card').waitFor();
    await page.waitForFunction(
      (id) => document.body.dataset.chartsDrawn === id,
      FILE_MISSING.capture.meta.id,
    );
    await screenshot(page, 'timeline-06-file-missing');
  });
});
