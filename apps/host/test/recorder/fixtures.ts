// Test helpers: a recorder on a temp directory with a hand-driven clock.
// Samples and sessions as the streaming side sends them come from
// @punktfunk/test-support (workerStatsSample, sessionInfo).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsRecorder, type StatsRecorderOptions } from '../../src/recorder/index.js';

export interface TestLog {
  warnings: string[];
  errors: string[];
  warn(message: string): void;
  info(message: string): void;
  error(message: string): void;
}

export function testLog(): TestLog {
  const log: TestLog = {
    warnings: [],
    errors: [],
    warn: (m) => log.warnings.push(m),
    info: () => {},
    error: (m) => log.errors.push(m),
  };
  return log;
}

export interface Harness {
  root: string;
  dir: string;
  recorder: StatsRecorder;
  log: TestLog;
  /** The injected monotonic clock, in µs; tests move it. */
  clock: { monoUs: number; unixMs: number };
  cleanup(): Promise<void>;
}

export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'punktfunk-test-'));
}

export async function openRecorder(
  dir: string,
  clock: { monoUs: number; unixMs: number },
  log: TestLog,
  extra: Partial<StatsRecorderOptions> = {},
): Promise<StatsRecorder> {
  return StatsRecorder.open({
    dir,
    nowMonoUs: () => clock.monoUs,
    nowUnixMs: () => clock.unixMs,
    host: { name: 'test-host', version: '0.1.0' },
    log,
    ...extra,
  });
}

export async function harness(extra: Partial<StatsRecorderOptions> = {}): Promise<Harness> {
  const root = await tempRoot();
  const dir = join(root, 'config', 'captures');
  const log = testLog();
  // 2026-11-24T10:15:03Z; the monotonic clock starts anywhere.
  const clock = { monoUs: 5_000_000_000, unixMs: Date.UTC(2026, 10, 24, 10, 15, 3) };
  const recorder = await openRecorder(dir, clock, log, extra);
  return { root, dir, recorder, log, clock, cleanup: () => rm(root, { recursive: true, force: true }) };
}
