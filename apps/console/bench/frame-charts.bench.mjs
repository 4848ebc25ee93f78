// `pnpm bench charts` (this file and charts.bench.mjs): the frame-time chart
// of a 648,000-frame recording (3 h at 60 fps, MAX_CAPTURE_FRAMES) in
// Chromium. The app marks the sidecar's fetch, its parse + columnar decode,
// the stutter analysis and the chart's first draw; the chart reports its own
// draw time (data-draw-ms). Baseline, in the same page and run: fetching and
// parsing the same sidecar (the marks around it). Also: a redraw after
// zooming to one stutter, and the first draw after a resize.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingFixture } from '@punktfunk/test-support';
import { serializeCapture } from '../../host/dist/recorder/index.js';
import { launchChromium, startBenchHost } from './bench-host.mjs';

const RUNS = 5;
const SECONDS = 10_800;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

function fixture() {
  // A stall every ~10 minutes, some at keyframes (every 4 s at 60 fps), a few gaps.
  const stutters = [];
  for (let t = 300; t < SECONDS; t += 600) stutters.push({ atS: t + 0.1, frameMs: 60 + (t % 7) * 20 });
  for (let t = 900; t < SECONDS; t += 1800) stutters.push({ atS: t + 0.3, kind: 'gap', frameMs: 80 });
  return recordingFixture({ id: '2026-12-02T09-00-00Z_bench-frames', sessionSeconds: SECONDS, stutters });
}

async function openOnce(page, origin, id) {
  await page.goto(`${origin}/recordings/${encodeURIComponent(id)}`);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=chart-frame-times]')?.dataset.drawn,
    null,
    {
      timeout: 120_000,
    },
  );
  return page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
    const canvas = document.querySelector('[data-testid=chart-frame-times]');
    return {
      fetchMs: at('punktfunk:frames-fetched') - at('punktfunk:frames-fetch'),
      parseMs: at('punktfunk:frames-parsed') - at('punktfunk:frames-fetched'),
      analysisMs: at('punktfunk:frames-analysed') - at('punktfunk:frames-parsed'),
      drawMs: Number(canvas.dataset.drawMs),
      openToDrawnMs: at('punktfunk:frames-drawn') - at('punktfunk:open-recording'),
      frames: Number(canvas.dataset.frames),
    };
  });
}

const { capture, frames } = fixture();
const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-bench-frames-'));
const captures = join(configDir, 'captures');
mkdirSync(captures, { recursive: true, mode: 0o700 });
writeFileSync(join(captures, `${capture.meta.id}.json`), serializeCapture(capture), { mode: 0o600 });
writeFileSync(join(captures, `${capture.meta.id}.frames.bin`), frames, { mode: 0o600 });
const host = await startBenchHost(configDir);
const browser = await launchChromium();
try {
  const page = browser.page;
  await page.goto(`${host.origin}/#token=${host.token}`);
  await page.getByTestId('performance-page').waitFor();
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await openOnce(page, host.origin, capture.meta.id));
  if (runs.some((r) => r.frames !== capture.meta.timeline.frames)) {
    throw new Error(
      `the chart drew ${runs.map((r) => r.frames)} frames, not ${capture.meta.timeline.frames}`,
    );
  }
  // Zoom to the first stutter: every chart of the page redraws on the new range.
  await page.getByTestId('stutter-zoom').first().click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=chart-frame-times]')?.dataset.frames) < n,
    capture.meta.timeline.frames,
  );
  const zoomDrawMs = Number(await page.getByTestId('chart-frame-times').getAttribute('data-draw-ms'));
  const shots = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
  mkdirSync(shots, { recursive: true });
  await page.getByTestId('show-all').click();
  await page.getByTestId('frame-times-card').screenshot({ path: join(shots, '10-frame-times-648000.png') });
  const m = (key) => median(runs.map((r) => r[key]));
  const baseline = m('fetchMs') + m('parseMs');
  console.log(
    `recording: ${capture.meta.timeline.frames} frames (${(frames.length / 1e6).toFixed(1)} MB sidecar), ${capture.samples.length} samples`,
  );
  console.log(`runs: ${RUNS} (median)`);
  console.log(`fetch sidecar:                 ${ms(m('fetchMs'))}`);
  console.log(`parse + decode columns:        ${ms(m('parseMs'))}`);
  console.log(`stutter analysis:              ${ms(m('analysisMs'))}`);
  console.log(
    `frame-time chart, first draw:  ${ms(m('drawMs'))}  (runs: ${runs.map((r) => r.drawMs.toFixed(0)).join(', ')})`,
  );
  console.log(`redraw zoomed to a stutter:    ${ms(zoomDrawMs)}`);
  console.log(`open → frame-time chart drawn: ${ms(m('openToDrawnMs'))}`);
  console.log(`baseline fetch + parse:        ${ms(baseline)}`);
  console.log(`ratio draw / baseline:         ${(m('drawMs') / baseline).toFixed(2)}x`);
} finally {
  await browser.close();
  host.stop();
  rmSync(configDir, { recursive: true, force: true });
}
