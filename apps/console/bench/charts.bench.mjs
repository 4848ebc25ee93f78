// `pnpm bench charts`: opening a 5400-sample recording (the most a capture
// holds, about 3 h at 2 s) in Chromium, until every chart of the detail page
// has drawn. The app marks `punktfunk:open-recording` when the page starts and
// `punktfunk:charts-drawn` when the last chart has rendered. Baseline, in the
// same page and run: fetching and parsing the same recording's JSON alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionInfo, statsSample } from '@punktfunk/test-support';
import { serializeCapture } from '../../host/dist/recorder/index.js';
import { launchChromium, startBenchHost } from './bench-host.mjs';

const SAMPLES = 5400;
const RUNS = 7;

function capture() {
  const started = Date.UTC(2026, 10, 24, 10, 0, 0);
  const wave = (i, period, amp) => amp * Math.sin((i / period) * Math.PI * 2);
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    // Two sessions with a pause between them, so gaps are drawn too.
    const second = i >= SAMPLES / 2;
    const tMs = (i + 1) * 2000 + (second ? 60_000 : 0);
    const us = (base, j) => Math.round(base * (1 + 0.15 * Math.random() + wave(i + j, 300, 0.1)));
    samples.push(
      statsSample(tMs, {
        sessionId: second ? 's2' : 's1',
        stages: [
          { name: 'capture', p50Us: us(800, 0), p99Us: us(1500, 1) },
          { name: 'submit', p50Us: us(600, 2), p99Us: us(1200, 3) },
          { name: 'encode', p50Us: us(4200, 4), p99Us: us(7800, 5) },
          { name: 'send', p50Us: us(350, 6), p99Us: us(900, 7) },
        ],
        hostP50Us: us(6000, 8),
        hostP99Us: us(11_000, 9),
        fps: 60 - (i % 97 === 0 ? 8 : 0),
        repeatFps: i % 50 === 0 ? 2 : 0,
        wireMbps: 11 + wave(i, 200, 1.5),
        framesDropped: i % 211 === 0 ? 1 : 0,
        packetsLost: i % 173 === 0 ? 3 : 0,
        fecRecovered: i % 173 === 0 ? 1 : 0,
        fecUs: us(120, 10),
        sealUs: us(40, 11),
        socketUs: us(90, 12),
        rttUs: us(400, 13),
        clientDecodeP50Us: us(2500, 14),
        e2eP50Us: us(9000, 15),
        e2eP99Us: us(14_000, 16),
      }),
    );
  }
  const session = (sessionId, startedUnixMs) =>
    sessionInfo({
      sessionId,
      client: 'bench-client',
      width: 1920,
      height: 1080,
      startedUnixMs,
      settings: { fecPercent: 20, shardBytes: 1200, encryption: 'aes-256-gcm' },
    });
  const id = '2026-11-24T10-00-00Z_1920x1080';
  const meta = {
    id,
    name: 'bench 5400 samples',
    note: null,
    startedUnixMs: started,
    durationMs: samples[samples.length - 1].tMs,
    kinds: ['native'],
    kind: 'native',
    width: 1920,
    height: 1080,
    fps: 60,
    codec: 'h264',
    encoderBackend: 'software',
    encoderName: 'libx264',
    client: 'bench-client',
    sampleCount: SAMPLES,
    truncated: true,
    hostName: 'bench',
    hostVersion: '0.1.0',
    sessions: [session('s1', started), session('s2', started + SAMPLES * 1000 + 60_000)],
    timeline: null,
    eventCount: 0,
    eventsTruncated: false,
    verdict: null,
  };
  // No frame timeline, events or telemetry: this case times the per-window charts (frame-charts.bench.mjs the frames).
  return { meta, samples, events: [], telemetry: [] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-bench-console-'));
const data = capture();
mkdirSync(join(configDir, 'captures'), { recursive: true, mode: 0o700 });
const file = serializeCapture(data);
writeFileSync(join(configDir, 'captures', `${data.meta.id}.json`), file, { mode: 0o600 });
const host = await startBenchHost(configDir);
const browser = await launchChromium();
try {
  const { page } = browser;
  await page.goto(`${host.origin}/#token=${host.token}`);
  await page.getByTestId('performance-page').waitFor();
  const url = `${host.origin}/recordings/${encodeURIComponent(data.meta.id)}`;
  const drawn = [];
  const fromNavigation = [];
  const baseline = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(url);
    await page.waitForFunction((id) => document.body.dataset.chartsDrawn === id, data.meta.id, {
      timeout: 60_000,
    });
    const t = await page.evaluate(() => {
      const open = performance.getEntriesByName('punktfunk:open-recording')[0];
      const done = performance.getEntriesByName('punktfunk:charts-drawn')[0];
      return { drawnMs: done.startTime - open.startTime, navMs: done.startTime };
    });
    const points = await page
      .locator('canvas[data-points]')
      .evaluateAll((els) => els.map((e) => Number(e.dataset.points)));
    if (points.some((p) => p !== 5400)) throw new Error(`a chart holds ${points} points, not 5400`);
    drawn.push(t.drawnMs);
    fromNavigation.push(t.navMs);
    baseline.push(
      await page.evaluate(async (id) => {
        const t0 = performance.now();
        const r = await fetch(`/api/v1/stats/recordings/${encodeURIComponent(id)}`, {
          headers: { authorization: `Bearer ${sessionStorage.getItem('punktfunk.token')}` },
          cache: 'no-store',
        });
        const capture = JSON.parse(await r.text());
        if (capture.samples.length !== 5400) throw new Error('short');
        return performance.now() - t0;
      }, data.meta.id),
    );
  }
  const charts = await page.locator('canvas[data-points]').count();
  const shots = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, '09-recording-5400-samples.png'), fullPage: true });
  console.log(`recording: ${SAMPLES} samples, ${(file.length / 1e6).toFixed(1)} MB JSON, ${charts} charts`);
  console.log(`runs: ${RUNS} (median; first run includes the cold start)`);
  console.log(
    `open → all charts drawn:        ${median(drawn).toFixed(0)} ms  (runs: ${drawn.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(`navigation start → charts drawn: ${median(fromNavigation).toFixed(0)} ms`);
  console.log(`baseline fetch + JSON.parse:     ${median(baseline).toFixed(0)} ms`);
  console.log(`ratio drawn / baseline:          ${(median(drawn) / median(baseline)).toFixed(2)}x`);
} finally {
  await browser.close();
  host.stop();
  rmSync(configDir, { recursive: true, force: true });
}
