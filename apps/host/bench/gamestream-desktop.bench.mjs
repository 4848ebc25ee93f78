// Benchmark of streaming a real X desktop over GameStream: the host
// processing latency as the client reads it (frame header) and the CPU per
// frame at 720p60 and 1080p60, libx264, capturing a private Xvfb display on
// which the test window pans a detailed scene over the whole screen every
// 16 ms (so no frame is a repeat, damage never lets the capture skip work,
// and the encoder has about the synthetic source's detail to code). Baseline
// in the same run: the same worker and settings on the synthetic source (no
// X server involved); the ratio shows what desktop capture adds. The X
// server's CPU (serving the grabs, and the scene's blits) is reported apart. Sunshine's figures on
// this machine kind (720p60: p50 6.1-7.5 ms, p99 9.5-11.6 ms, 8-10 ms CPU a
// frame; 1080p60: p50 ~15 ms, p99 ~32 ms, 20 ms CPU) are the bar.
import { openAnimatedWindow, startXvfb } from '../../../packages/native/test/support/xvfb.mjs';
import { gameStreamRun } from './support/gamestream-run.mjs';
import { processCpuMs } from './support/process-cpu.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const BITRATE_KBPS = 10000;
const SUNSHINE = {
  720: { p50Ms: [6.1, 7.5], p99Ms: [9.5, 11.6] },
  1080: { p50Ms: [15, 15], p99Ms: [32, 32] },
};

function source(width, height, capture) {
  return {
    kind: 'engine',
    codec: 'h264',
    backend: 'software',
    width,
    height,
    fps: 60,
    bitrateKbps: Math.round((BITRATE_KBPS * 100) / 120),
    capture,
  };
}

const ms = (x) => x.toFixed(1);
const range = ([lo, hi], value) =>
  lo === hi ? `${(value / lo).toFixed(2)}x` : `${(value / hi).toFixed(2)}-${(value / lo).toFixed(2)}x`;

async function desktopRun(width, height) {
  const xvfb = await startXvfb(width, height);
  const window = await openAnimatedWindow(xvfb, 'texture');
  try {
    const xCpu0 = processCpuMs(xvfb.pid) + processCpuMs(window.pid);
    const run = await gameStreamRun(
      source(width, height, { source: 'x11', display: xvfb.name }),
      1000,
      SECONDS,
    );
    const xCpuMs = processCpuMs(xvfb.pid) + processCpuMs(window.pid) - xCpu0;
    return { ...run, xServerMsPerFrame: xCpuMs / run.framesSent };
  } finally {
    await window.stop();
    await xvfb.stop();
  }
}

function report(label, run) {
  console.log(
    `  ${label}: reported p50 ${ms(run.reportedP50Ms)} ms, p99 ${ms(run.reportedP99Ms)} ms (${run.frames} frames); ` +
      `worker p50 ${run.hostP50Ms.toFixed(2)} ms, p99 ${run.hostP99Ms.toFixed(2)} ms; fps ${run.fps}; ` +
      `CPU ${run.cpuMsPerFrame.toFixed(2)} ms/frame`,
  );
}

console.log(
  `GameStream streaming an Xvfb desktop (a detailed scene panning over the whole screen every 16 ms), H.264 libx264 superfast/zerolatency, ` +
    `client bitrate ${BITRATE_KBPS} kb/s, ${SECONDS} s armed; baseline: the synthetic source, same run`,
);
for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
]) {
  console.log(`${width}x${height}@60`);
  const desktop = await desktopRun(width, height);
  const synthetic = await gameStreamRun(source(width, height, { source: 'synthetic' }), 1000, SECONDS);
  report('x11 desktop', desktop);
  console.log(
    `    X server + scene client: ${desktop.xServerMsPerFrame.toFixed(2)} ms CPU per frame (grabs served, scene blitted)`,
  );
  report('synthetic  ', synthetic);
  const bar = SUNSHINE[height];
  console.log(
    `  ratio x11 / synthetic: p50 ${(desktop.reportedP50Ms / synthetic.reportedP50Ms).toFixed(2)}, ` +
      `CPU ${(desktop.cpuMsPerFrame / synthetic.cpuMsPerFrame).toFixed(2)}; against Sunshine (quoted): ` +
      `p50 ${range(bar.p50Ms, desktop.reportedP50Ms)}, p99 ${range(bar.p99Ms, desktop.reportedP99Ms)}`,
  );
}
