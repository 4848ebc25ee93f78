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

const natives = ['native/build/engine_test', 'native/build/net_test'].map(runNative);
const engine = { code: natives.some((n) => n.code !== 0) ? 1 : 0 };
const enginePassed = natives.reduce((sum, n) => sum + n.passed, 0);
const engineFailed = natives.reduce((sum, n) => sum + n.failed, 0);

mkdirSync('test-results', { recursive: true });
const vitest = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/vitest.json',
  ],
  { stdio: 'inherit' },
);
let vitestPassed = 0;
let vitestFailed = vitest.status === 0 ? 0 : 1;
try {
  const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  vitestPassed = report.numPassedTests;
  vitestFailed = Math.max(report.numFailedTests, vitest.status === 0 ? 0 : 1);
} catch {
  // No report: vitest itself failed to run; counted as one failure above.
}

const passed = enginePassed + vitestPassed;
const failed = engineFailed + vitestFailed;
console.log(
  `engine (C++): ${enginePassed} passed, ${engineFailed} failed; vitest: ${vitestPassed} passed, ${vitestFailed} failed`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && engine.code === 0 && vitest.status === 0 ? 0 : 1);
