// Child process for the crash-safety test: saves captures in a loop, as fast
// as it can, printing each saved id, until the test kills it with SIGKILL.
import { workerStatsSample } from '@punktfunk/test-support';
import { StatsRecorder } from '../../dist/recorder/index.js';

const dir = process.argv[2];
let monoUs = 1_000_000;
const recorder = await StatsRecorder.open({
  dir,
  nowMonoUs: () => monoUs,
  host: { name: 'crash-test', version: '0' },
  log: { warn: () => {}, info: () => {}, error: (m) => process.stderr.write(`${m}\n`) },
});
const stages = [
  { name: 'capture', p50Us: 800, p99Us: 1200 },
  { name: 'encode', p50Us: 3000, p99Us: 5000 },
];
for (let round = 0; ; round++) {
  recorder.start();
  // Varying sizes, up to a full capture (about 3 MB), so kills land mid-write.
  const count = 500 + ((round * 1777) % 4900);
  for (let i = 0; i < count; i++) {
    monoUs += 2_000_000;
    recorder.addSample(
      workerStatsSample(monoUs, {
        sessionId: `round-${round}`,
        stages,
        hostP50Us: 4000 + i,
        hostP99Us: 8000,
      }),
    );
  }
  const meta = await recorder.stop();
  process.stdout.write(`saved ${meta.id}\n`);
}
