// Runs the engine's plain C++ tests and the vitest suites, then prints one
// closing line for both: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  return { code: result.status ?? 1, stdout: result.stdout ?? '' };
}

// Each C++ test executable prints "N passed, N failed" as its last line.
function runNative(path) {
  const result = run(path, []);
  const counts = /(\d+) passed, (\d+) failed/.exec(result.stdout);
  const failed = Number(counts?.[2] ?? 1);
  return {
    code: result.code,
    passed: Number(counts?.[1] ?? 0),
    failed: result.code === 0 ? failed : Math.max(1, failed),
  };
}

const natives = ['native/build/engine_test', 'native/build/net_test', 'native/build/gs_test'].map(runNative);
const engine = { code: natives.some((n) => n.code !== 0) ? 1 : 0 };
const enginePassed = natives.reduce((sum, n) => sum + n.passed, 0);
const engineFailed = natives.reduce((sum, n) => sum + n.failed, 0);

mkdirSync('test-results', { recursive: true });

// Two vitest runs: the unit and component suites in parallel, then the
// end-to-end suites (real host processes streaming in real time, Chromium)
// one file at a time, so that on a 2-core machine they do not starve each
// other of CPU and the real-time figures they check stay meaningful.
const E2E_FILES = ['apps/host/test/e2e/', 'apps/console/test/'];
function runVitest(name, args) {
  const outputFile = `test-results/vitest-${name}.json`;
  const result = spawnSync(
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${outputFile}`,
      ...args,
    ],
    { stdio: 'inherit' },
  );
  let passed = 0;
  let failed = result.status === 0 ? 0 : 1;
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed = report.numPassedTests;
    failed = Math.max(report.numFailedTests, result.status === 0 ? 0 : 1);
  } catch {
    // No report: vitest itself failed to run; counted as one failure above.
  }
  return { code: result.status ?? 1, passed, failed };
}
const unit = runVitest(
  'unit',
  E2E_FILES.flatMap((f) => ['--exclude', `${f}**`]),
);
const e2e = runVitest('e2e', ['--no-file-parallelism', ...E2E_FILES]);
const vitest = { status: unit.code === 0 && e2e.code === 0 ? 0 : 1 };
const vitestPassed = unit.passed + e2e.passed;
const vitestFailed = unit.failed + e2e.failed;

const passed = enginePassed + vitestPassed;
const failed = engineFailed + vitestFailed;
console.log(
  `engine (C++): ${enginePassed} passed, ${engineFailed} failed; vitest: ${vitestPassed} passed, ${vitestFailed} failed`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && engine.code === 0 && vitest.status === 0 ? 0 : 1);
