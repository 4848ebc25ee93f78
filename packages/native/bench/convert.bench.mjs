// Benchmark: the fast BGRx -> YUV converter's time per frame (convertUs p50
// of the synthetic source, yuv420p, nv12 and yuv444p, 720p and 1080p), this build
// against a baseline build of the addon when PUNKTFUNK_BASELINE_ADDON names
// one (e.g. a checkout before a converter change), as a ratio in one run.
// Rounds alternate between the two builds, each in its own process, so
// both see the same machine load.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROUNDS = 3;
const FRAMES = 400;
const CASES = [
  [1280, 720, 'yuv420p'],
  [1280, 720, 'nv12'],
  [1280, 720, 'yuv444p'],
  [1920, 1080, 'yuv420p'],
  [1920, 1080, 'nv12'],
  [1920, 1080, 'yuv444p'],
];

// In a child: prints {case: convertUs p50} for the addon it was started with.
async function measure() {
  const { FrameCapture } = await import('@punktfunk/native');
  const out = {};
  for (const [width, height, pixelFormat] of CASES) {
    const capture = new FrameCapture({ width, height, pixelFormat });
    for (let i = 0; i < 20; i++) capture.capture();
    const us = [];
    for (let i = 0; i < FRAMES; i++) us.push(capture.capture().convertUs);
    capture.close();
    us.sort((a, b) => a - b);
    out[`${width}x${height} ${pixelFormat}`] = us[FRAMES / 2];
  }
  process.stdout.write(JSON.stringify(out));
}

function runChild(addon) {
  const env = { ...process.env, PUNKTFUNK_CONVERT_BENCH_CHILD: '1' };
  if (addon) env.PUNKTFUNK_NATIVE_ADDON = addon;
  else delete env.PUNKTFUNK_NATIVE_ADDON;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convert bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.env.PUNKTFUNK_CONVERT_BENCH_CHILD) {
  await measure();
} else {
  const baseline = process.env.PUNKTFUNK_BASELINE_ADDON;
  const runs = { current: [], baseline: [] };
  for (let i = 0; i < ROUNDS; i++) {
    if (baseline) runs.baseline.push(runChild(baseline));
    runs.current.push(runChild(undefined));
  }
  console.log(`\nfast converter, convertUs p50 of ${FRAMES} frames, median of ${ROUNDS} alternating rounds`);
  for (const name of Object.keys(runs.current[0])) {
    const current = median(runs.current.map((r) => r[name]));
    if (!baseline) {
      console.log(`  ${name}: ${current} µs (set PUNKTFUNK_BASELINE_ADDON for a ratio)`);
      continue;
    }
    const base = median(runs.baseline.map((r) => r[name]));
    console.log(`  ${name}: ${current} µs, baseline ${base} µs, ratio ${(current / base).toFixed(2)}x`);
  }
  console.log(`\nJSON ${JSON.stringify(runs)}`);
}
