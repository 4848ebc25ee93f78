// Benchmark: the stutter analysis and the verdict of a 3-hour timeline
// (648,000 frames at 60 fps), beside decodeFrameColumns of the same records
// (what any reader of the sidecar pays first) measured in the same run.
// The timeline is realistic enough to exercise every path: varied frame
// times, a 40 ms stall every 90th frame (7,200 episodes), a keyframe every
// 600th, one delivery gap a minute, 2,000 events; and the same timeline
// without stalls or gaps (the pass alone, no episodes).
// Needs the TypeScript build (dist/).
import {
  analyzeFrames,
  captureVerdict,
  decodeFrameColumns,
  FRAME_RECORD_BYTES,
  MAX_CAPTURE_FRAMES,
  writeFrameRecord,
} from '../dist/index.js';

const RUNS = 11;
const FPS = 60;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  fn(); // warm-up: JIT
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function timeline(frames, stalls = true) {
  const view = new DataView(new ArrayBuffer(frames * FRAME_RECORD_BYTES));
  let gapUs = 0;
  for (let i = 0; i < frames; i++) {
    if (stalls && i % 3_600 === 1_800) gapUs += 100_000; // one 100 ms gap a minute
    const stall = stalls && i % 90 === 45;
    const submitUs = stall ? 40_000 : 4_000 + ((i * 37) % 11) * 90;
    const stagesUs = [700 + (i % 7) * 30, submitUs, 20 + (i % 3) * 10, 150 + (i % 5) * 20];
    writeFrameRecord(view, i, {
      captureStartUs: Math.round((i * 1e6) / FPS) + gapUs,
      frameIndex: i,
      encodedBytes: 20_000,
      // Every 10th frame without a host time: the analysis sums its stages.
      hostUs: i % 10 === 3 ? null : stagesUs.reduce((a, b) => a + b, 0) + 40,
      sessionIndex: 0,
      keyframe: i % 600 === 0,
      repeated: false,
      stageClipped: false,
      stagesUs,
    });
  }
  return view;
}

const sessions = [{ sessionId: 's1', kind: 'native', fps: FPS, settings: {} }];
const events = Array.from({ length: 2_000 }, (_, k) => ({
  tMs: k * 5_400,
  sessionId: 's1',
  type: 'bitrate',
  summary: 'bitrate',
  details: {},
}));
const records = timeline(MAX_CAPTURE_FRAMES);
const columns = decodeFrameColumns(records);
const analysis = analyzeFrames(columns, sessions, events);
const stats = analysis.sessions[0];
console.log(
  `${MAX_CAPTURE_FRAMES} frames: ${analysis.episodes.length} episodes, ${stats.slowFrames} slow, ` +
    `${stats.gapFrames} gaps, p50 ${stats.p50Us} µs, p99 ${stats.p99Us} µs, 0.1 % low ${stats.low01FrameTimeUs} µs`,
);

const cleanColumns = decodeFrameColumns(timeline(MAX_CAPTURE_FRAMES, false));

const decodeMs = time(() => decodeFrameColumns(records));
const analyzeMs = time(() => analyzeFrames(columns, sessions, events));
const cleanMs = time(() => analyzeFrames(cleanColumns, sessions, events));
const verdictMs = time(() => captureVerdict({ sessions, samples: [], events, frames: analysis }));
const row = (name, ms) =>
  console.log(
    `${name.padEnd(48)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / decodeMs).toFixed(2).padStart(5)}×`,
  );
console.log(`${'median of 11 runs'.padEnd(48)} ${'time'.padStart(10)}  ratio`);
row('decodeFrameColumns (baseline)', decodeMs);
row('analyzeFrames (7,380 episodes)', analyzeMs);
row('analyzeFrames, the same without stalls or gaps', cleanMs);
row('captureVerdict (from the analysis)', verdictMs);
