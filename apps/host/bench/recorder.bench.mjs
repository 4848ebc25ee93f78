// Benchmark: the stats recorder's disk side, each beside a baseline measured
// in the same run on the same files (warm page cache):
//   list 1000 captures      vs a plain readdir, and vs reading + JSON.parse of every whole file
//   load a 5400-sample one  vs readFile + JSON.parse of the same bytes (the cost of validation)
//   save a 5400-sample one  vs writeFile of the same bytes without fsync (the cost of durability)
// Needs the TypeScript build (dist/).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRAME_RECORD_BYTES, MAX_CAPTURE_FRAMES, writeFrameRecord } from '@punktfunk/shared';
import { sessionInfo, statsSample } from '@punktfunk/test-support';
import { serializeCapture } from '../dist/recorder/capture-store.js';
import { StatsRecorder } from '../dist/recorder/index.js';

const CAPTURES = 1000;
const SAMPLES_PER_LISTED_CAPTURE = 300; // about 10 min at 2 s; list() must not care
const FULL_CAPTURE = 5400;
const RUNS = 15;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Arms, appends a full timeline in worker-sized blocks, stops (JSON + sidecar); the costs and the memory held. */
async function fullTimeline(root, log) {
  let monoUs = 1_000_000;
  const recorder = await StatsRecorder.open({
    dir: join(root, 'timeline'),
    nowMonoUs: () => monoUs,
    host: { name: 'b', version: '0' },
    log,
  });
  const block = new DataView(new ArrayBuffer(120 * FRAME_RECORD_BYTES));
  recorder.noteSession(sessionInfo({ sessionId: 'b' }));
  global.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  recorder.start();
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < MAX_CAPTURE_FRAMES; done += 120) {
    for (let i = 0; i < 120; i++) {
      writeFrameRecord(block, i, {
        captureStartUs: monoUs + i * 16_667,
        frameIndex: done + i,
        encodedBytes: 21_000,
        hostUs: 5000,
        sessionIndex: 0,
        keyframe: i === 0,
        repeated: false,
        stageClipped: false,
        stagesUs: [800, 4000, 30, 150],
      });
    }
    recorder.addFrames('b', block, 120);
    monoUs += 120 * 16_667;
  }
  const appendNsPerFrame = Number(process.hrtime.bigint() - t0) / MAX_CAPTURE_FRAMES;
  const heldMb = (process.memoryUsage().arrayBuffers - before) / 1e6;
  const bytes = new Uint8Array(64 + MAX_CAPTURE_FRAMES * FRAME_RECORD_BYTES);
  // Once (a stop saves once): the capture and its sidecar, tmp+fsync+rename each.
  const s0 = process.hrtime.bigint();
  const meta = await recorder.stop();
  const stopMs = Number(process.hrtime.bigint() - s0) / 1e6;
  if (meta.timeline.frames !== MAX_CAPTURE_FRAMES) throw new Error('short timeline');
  const plainMs = await time(() => writeFile(join(root, 'plain.frames.bin'), bytes));
  return { appendNsPerFrame, heldMb, stopMs, plainMs };
}

async function time(fn) {
  await fn(); // warm-up: JIT, page cache
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function sample(i, sessionId) {
  return statsSample(i * 2000, {
    sessionId,
    stages: ['capture', 'submit', 'encode', 'send'].map((name, k) => ({
      name,
      p50Us: 500 + k + i,
      p99Us: 900 + k,
    })),
    hostP50Us: 4500 + (i % 97),
    wireMbps: 11.52,
    packetsLost: 1,
    fecRecovered: 1,
    rttUs: 850,
    clientDecodeP50Us: 1900,
    e2eP50Us: 9000,
    e2eP99Us: 14000,
  });
}

function capture(id, startedUnixMs, samples) {
  const session = sessionInfo({ client: 'bench', startedUnixMs });
  const meta = {
    id,
    name: null,
    note: null,
    startedUnixMs,
    durationMs: samples * 2000,
    kinds: ['native'],
    kind: 'native',
    width: 1280,
    height: 720,
    fps: 60,
    codec: 'h264',
    encoderBackend: 'software',
    encoderName: 'libx264',
    client: 'bench',
    sampleCount: samples,
    truncated: false,
    hostName: 'bench',
    hostVersion: '0',
    sessions: [session],
    timeline: null,
    eventCount: 0,
    eventsTruncated: false,
    verdict: null,
  };
  return {
    meta,
    samples: Array.from({ length: samples }, (_, i) => sample(i, 's1')),
    events: [],
    telemetry: [],
  };
}

const root = await mkdtemp(join(tmpdir(), 'punktfunk-bench-'));
const dir = join(root, 'captures');
const log = { info() {}, warn: console.warn, error: console.error };
let monoUs = 0;
const recorder = await StatsRecorder.open({
  dir,
  nowMonoUs: () => monoUs,
  host: { name: 'bench', version: '0' },
  log,
});
try {
  const t0 = Date.UTC(2026, 0, 1);
  let bytes = 0;
  for (let i = 0; i < CAPTURES; i++) {
    const text = serializeCapture(capture(`c${i}`, t0 + i * 60_000, SAMPLES_PER_LISTED_CAPTURE));
    bytes += text.length;
    await writeFile(join(dir, `c${i}.json`), text);
  }
  const listMs = await time(async () => {
    if ((await recorder.list()).length !== CAPTURES) throw new Error('list lost captures');
  });
  const readdirMs = await time(() => readdir(dir));
  const naiveListMs = await time(async () => {
    for (const name of await readdir(dir)) JSON.parse(await readFile(join(dir, name), 'utf8')).meta;
  });

  const full = capture('full', t0, FULL_CAPTURE);
  const fullText = serializeCapture(full);
  await writeFile(join(dir, 'full.json'), fullText);
  const loadMs = await time(async () => {
    if ((await recorder.load('full')).samples.length !== FULL_CAPTURE) throw new Error('short load');
  });
  const parseMs = await time(async () => JSON.parse(await readFile(join(dir, 'full.json'), 'utf8')));

  const saveDir = join(root, 'save');
  const saver = await StatsRecorder.open({
    dir: saveDir,
    nowMonoUs: () => monoUs,
    host: { name: 'b', version: '0' },
    log,
  });
  const saveMs = await time(async () => {
    saver.start();
    for (let i = 0; i < FULL_CAPTURE; i++) {
      monoUs += 2_000_000;
      const { tMs, ...rest } = full.samples[i];
      saver.addSample({ ...rest, endMonoUs: monoUs });
    }
    await saver.stop();
  });
  const plainWriteMs = await time(() => writeFile(join(root, 'plain.json'), fullText));
  const timeline = await fullTimeline(root, log);

  const results = {
    listCaptures: CAPTURES,
    listedBytesMb: bytes / 1e6,
    listMs,
    readdirMs,
    naiveListMs,
    fullCaptureBytesMb: fullText.length / 1e6,
    loadMs,
    parseMs,
    saveMs,
    plainWriteMs,
  };
  const f = (x) => x.toFixed(2);
  console.log(`\nlist ${CAPTURES} captures (${f(results.listedBytesMb)} MB on disk), median of ${RUNS}:`);
  console.log(`  recorder.list():               ${f(listMs)} ms`);
  console.log(
    `  plain readdir:                 ${f(readdirMs)} ms   ratio list/readdir ${f(listMs / readdirMs)}x`,
  );
  console.log(
    `  read + JSON.parse every file:  ${f(naiveListMs)} ms   ratio list/naive ${f(listMs / naiveListMs)}x`,
  );
  console.log(`load a ${FULL_CAPTURE}-sample capture (${f(results.fullCaptureBytesMb)} MB):`);
  console.log(`  recorder.load() (validated):   ${f(loadMs)} ms`);
  console.log(`  readFile + JSON.parse:         ${f(parseMs)} ms   ratio load/parse ${f(loadMs / parseMs)}x`);
  console.log(`save a ${FULL_CAPTURE}-sample capture (start, ${FULL_CAPTURE} addSample, stop):`);
  console.log(`  recorder.stop() (tmp+fsync+rename): ${f(saveMs)} ms`);
  console.log(`  writeFile of the same bytes:   ${f(plainWriteMs)} ms   ratio ${f(saveMs / plainWriteMs)}x`);
  console.log(
    `a full frame timeline (${MAX_CAPTURE_FRAMES} frames, 3 h at 60 fps, blocks of 120 as the workers post them):`,
  );
  console.log(`  fill a block + addFrames:      ${f(timeline.appendNsPerFrame)} ns per frame`);
  console.log(`  memory held while armed:       ${f(timeline.heldMb)} MB (array buffers)`);
  console.log(
    `  stop() with the sidecar:       ${f(timeline.stopMs)} ms   writeFile of the same bytes ${f(timeline.plainMs)} ms, ratio ${f(timeline.stopMs / timeline.plainMs)}x`,
  );
  console.log(`\nJSON ${JSON.stringify({ ...results, timeline })}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
