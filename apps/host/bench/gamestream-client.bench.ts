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

import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { openAnimatedWindow, startXvfb } from '../../../packages/native/test/support/xvfb.mjs';
import { processCpuMs } from './support/process-cpu.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_MS = 2000;
const BITRATE_KBPS = 10_000;
const SUNSHINE: Record<number, { p50Ms: [number, number]; p99Ms: [number, number] }> = {
  720: { p50Ms: [6.1, 7.5], p99Ms: [9.5, 11.6] },
  1080: { p50Ms: [15, 15], p99Ms: [32, 32] },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

interface RunFigures {
  p50Ms: number;
  p99Ms: number;
  frames: number;
  fps: number;
  hostCpuMsPerFrame: number;
}

async function pairedClient(host: RunningHost): Promise<GameStreamClient> {
  const ports = host.gamestream;
  if (!ports) throw new Error('GameStream did not start');
  const client = await GameStreamClient.create({ http: ports.httpPort, https: ports.httpsPort });
  const paired = await client.pair('4711', async () => void (await enterPin(host, '4711')));
  if (!paired.paired) throw new Error('pairing failed');
  return client;
}

/** One stream from a fresh host: pair, launch, stream WARMUP + SECONDS, read the frame headers. */
async function streamRun(width: number, height: number, env: Record<string, string>): Promise<RunFigures> {
  const host = await startHost(newConfigDir(), env);
  try {
    const client = await pairedClient(host);
    const keys = newLaunchKeys();
    const reply = await client.launch({ mode: `${width}x${height}x60`, ...keys.launchParams });
    if (leaf(reply, 'gamesession') !== '1') throw new Error('launch refused');
    const latencyTenthsMs: number[] = [];
    let recording = false;
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      width,
      height,
      fps: 60,
      bitrateKbps: BITRATE_KBPS,
      onVideoFrame: (frame) => {
        if (recording) latencyTenthsMs.push(frame.hostLatencyTenthsMs);
      },
    });
    await sleep(WARMUP_MS);
    const pid = host.process.pid ?? 0;
    const cpu0 = processCpuMs(pid);
    recording = true;
    await sleep(SECONDS * 1000);
    recording = false;
    const cpuMs = processCpuMs(pid) - cpu0;
    await client.https('/cancel');
    await session.ended;
    return {
      p50Ms: percentile(latencyTenthsMs, 50) / 10,
      p99Ms: percentile(latencyTenthsMs, 99) / 10,
      frames: latencyTenthsMs.length,
      fps: latencyTenthsMs.length / SECONDS,
      hostCpuMsPerFrame: cpuMs / latencyTenthsMs.length,
    };
  } finally {
    await host.stop();
  }
}

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

function report(label: string, r: RunFigures): void {
  console.log(
    `  ${label}: host processing latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms ` +
      `(${r.frames} frames, ${r.fps.toFixed(1)} fps delivered); host process CPU ${r.hostCpuMsPerFrame.toFixed(2)} ms/frame`,
  );
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
