// Benchmark of the codecs through the whole product at 1280x720@60: the real
// host process on the synthetic source (a detailed texture panning every
// frame) streams to the project's GameStream test client, which decodes every
// frame (H.264 and HEVC with libavcodec, AV1 with dav1d) and reads the host
// processing latency from each frame header (what Moonlight shows). Per
// codec: that latency p50 / p99, the frames delivered, the host process's CPU
// per frame, and ratios against H.264 (libx264) measured in the same run.
// Run with vite-node (TypeScript): `pnpm bench gamestream-codecs`.
import {
  BITRATE_KBPS,
  type RunFigures,
  report,
  SECONDS,
  streamRun,
  WARMUP_MS,
} from './support/stream-run.js';

console.log(
  `The real host process streaming 1280x720@60 to the project's GameStream test client (every frame decoded), ` +
    `client bitrate ${BITRATE_KBPS} kb/s, ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up, synthetic source`,
);
const runs: [string, RunFigures][] = [];
for (const codec of ['h264', 'hevc', 'av1'] as const) {
  const run = await streamRun(1280, 720, { PUNKTFUNK_CAPTURE: 'synthetic' }, { codec, decode: true });
  report(codec.padEnd(4), run);
  runs.push([codec, run]);
}
const baseline = runs[0]?.[1];
if (baseline) {
  for (const [codec, run] of runs.slice(1)) {
    console.log(
      `  ${codec} / h264: latency p50 ${(run.p50Ms / baseline.p50Ms).toFixed(2)}x, p99 ${(run.p99Ms / baseline.p99Ms).toFixed(2)}x, ` +
        `CPU per frame ${(run.hostCpuMsPerFrame / baseline.hostCpuMsPerFrame).toFixed(2)}x, ` +
        `fps ${(run.fps / baseline.fps).toFixed(2)}x, decode errors ${run.decodeErrors}`,
    );
  }
}
