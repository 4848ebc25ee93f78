// Benchmark: the stats recorder's disk side, each beside a baseline measured
// in the same run on the same files (warm page cache):
//   list 1000 captures      vs a plain readdir, and vs reading + JSON.parse of every whole file
//   load a 5400-sample one  vs readFile + JSON.parse of the same bytes (the cost of validation)
//   save a 5400-sample one  vs writeFile of the same bytes without fsync (the cost of durability)
// Needs the TypeScript build (dist/).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionInfo, statsSample } from '@punktfunk/test-support';
import { serializeCapture } from '../dist/recorder/capture-store.js';
import { StatsRecorder } from '../dist/recorder/index.js';

const CAPTURES = 1000;
const SAMPLES_PER_LISTED_CAPTURE = 300; // about 10 min at 2 s; list() must not care
const FULL_CAPTURE = 5400;
const RUNS = 15;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
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
  };
  return { meta, samples: Array.from({ length: samples }, (_, i) => sample(i, 's1')) };
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
  console.log(`\nJSON ${JSON.stringify(results)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
