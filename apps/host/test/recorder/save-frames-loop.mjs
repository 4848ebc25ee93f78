// Child process for the frame-timeline crash-safety test: saves captures
// with frame timelines (sidecars of up to about 3 MB) in a loop, as fast as
// it can, printing each saved id, until the test kills it with SIGKILL.
import { FRAME_RECORD_BYTES, writeFrameRecord } from '@punktfunk/shared';
import { sessionInfo, workerStatsSample } from '@punktfunk/test-support';
import { StatsRecorder } from '../../dist/recorder/index.js';

const dir = process.argv[2];
const seed = Number(process.argv[3] ?? 1);
let monoUs = 1_000_000;
let unixMs = Date.UTC(2026, 11, 2) + seed * 3_600_000;
const recorder = await StatsRecorder.open({
  dir,
  nowMonoUs: () => monoUs,
  nowUnixMs: () => unixMs,
  host: { name: 'crash-test', version: '0' },
  log: { warn: () => {}, info: () => {}, error: (m) => process.stderr.write(`${m}\n`) },
});
const BLOCK = 200;
const block = new DataView(new ArrayBuffer(BLOCK * FRAME_RECORD_BYTES));
recorder.noteSession(sessionInfo({ sessionId: 'crash' }));
process.stdout.write('ready\n');
for (let round = 0; ; round++) {
  unixMs += 1000;
  recorder.start();
  const frames = 1000 + ((round * 7919 + seed * 104_729) % 100_000);
  for (let done = 0; done < frames; done += BLOCK) {
    const count = Math.min(BLOCK, frames - done);
    for (let i = 0; i < count; i++) {
      monoUs += 16_667;
      const index = done + i;
      writeFrameRecord(block, i, {
        captureStartUs: monoUs,
        frameIndex: index,
        encodedBytes: 20_000 + (index % 977),
        hostUs: 5000,
        sessionIndex: 0,
        keyframe: index % 120 === 0,
        repeated: false,
        stageClipped: false,
        stagesUs: [700, 4000, 30, 150],
      });
    }
    recorder.addFrames('crash', block, count);
    if (done % 6000 === 0) recorder.addSample(workerStatsSample(monoUs, { sessionId: 'crash' }));
  }
  const meta = await recorder.stop();
  process.stdout.write(`saved ${meta.id} ${meta.timeline.frames}\n`);
}
