// Benchmark through the whole product: the real host process (apps/host/dist)
// captures a private Xvfb desktop (PUNKTFUNK_CAPTURE=x11; the test window
// pans a detailed scene every 16 ms), and the project's own GameStream
// client (packages/gamestream-client: pairing, launch, RTSP, encrypted
// control stream, video reassembly with Reed-Solomon, audio)
// streams it at 720p60 and 1080p60, H.264 libx264, and reads the host
// processing latency from every frame's header, which is what Moonlight
// shows. Also: frames delivered, and the host process's CPU per frame
// (/proc). Baseline in the same run: the same host on the synthetic source.
// Run with vite-node (TypeScript): `pnpm bench gamestream-client`.

import { openAnimatedWindow, startXvfb } from '../../../packages/native/test/support/xvfb.mjs';
import {
  BITRATE_KBPS,
  type RunFigures,
  report,
  SECONDS,
  streamRun,
  WARMUP_MS,
} from './support/stream-run.js';

const SUNSHINE: Record<number, { p50Ms: [number, number]; p99Ms: [number, number] }> = {
  720: { p50Ms: [6.1, 7.5], p99Ms: [9.5, 11.6] },
  1080: { p50Ms: [15, 15], p99Ms: [32, 32] },
};

async function desktopRun(width: number, height: number): Promise<RunFigures> {
  const xvfb = await startXvfb(width, height);
  const window = await openAnimatedWindow(xvfb, 'texture');
  try {
    return await streamRun(width, height, { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: xvfb.name });
  } finally {
    await window.stop();
    await xvfb.stop();
  }
}

const range = ([lo, hi]: [number, number], value: number) =>
  lo === hi ? `${(value / lo).toFixed(2)}x` : `${(value / hi).toFixed(2)}-${(value / lo).toFixed(2)}x`;

console.log(
  `The real host process streaming to the project's GameStream test client, H.264 libx264, client bitrate ${BITRATE_KBPS} kb/s, ` +
    `${SECONDS} s after ${WARMUP_MS / 1000} s warm-up; baseline: the same host on the synthetic source`,
);
for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  console.log(`${width}x${height}@60`);
  const desktop = await desktopRun(width, height);
  const synthetic = await streamRun(width, height, { PUNKTFUNK_CAPTURE: 'synthetic' });
  report('x11 desktop', desktop);
  report('synthetic  ', synthetic);
  const bar = SUNSHINE[height] ?? { p50Ms: [1, 1], p99Ms: [1, 1] };
  console.log(
    `  ratio x11 / synthetic p50 ${(desktop.p50Ms / synthetic.p50Ms).toFixed(2)}; against Sunshine (quoted): ` +
      `p50 ${range(bar.p50Ms, desktop.p50Ms)}, p99 ${range(bar.p99Ms, desktop.p99Ms)}`,
  );
}
