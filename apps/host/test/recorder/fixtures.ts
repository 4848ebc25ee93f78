// Test helpers: a recorder on a temp directory with a hand-driven clock, and
// samples and sessions as the streaming side would send them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionInfo, WorkerStatsSample } from '@punktfunk/shared';
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

export function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    sessionId: 's1',
    kind: 'native',
    client: 'test-client',
    width: 1280,
    height: 720,
    fps: 60,
    codec: 'h264',
    encoderName: 'libx264',
    encoderBackend: 'software',
    bitrateKbps: 10_000,
    startedUnixMs: Date.UTC(2026, 10, 24, 10, 0, 0),
    settings: { fecPercent: 20, packetBytes: 1200, encrypted: true, note: null },
    ...overrides,
  };
}

export function sample(endMonoUs: number, overrides: Partial<WorkerStatsSample> = {}): WorkerStatsSample {
  return {
    endMonoUs,
    sessionId: 's1',
    kind: 'native',
    windowMs: 2000,
    measuredFrames: 120,
    stages: [
      { name: 'capture', p50Us: 800, p99Us: 1200 },
      { name: 'submit', p50Us: 3000, p99Us: 5000 },
      { name: 'encode', p50Us: 400, p99Us: 900 },
      { name: 'send', p50Us: 300, p99Us: 700 },
    ],
    hostP50Us: 4500,
    hostP99Us: 7800,
    fps: 60,
    repeatFps: 0,
    wireMbps: 11.5,
    bitrateKbps: 10_000,
    framesDropped: 0,
    sendRefused: 0,
    packetsLost: null,
    fecRecovered: null,
    fecUs: 120,
    sealUs: 40,
    socketUs: 90,
    rttUs: null,
    clientDecodeP50Us: null,
    e2eP50Us: null,
    e2eP99Us: null,
    ...overrides,
  };
}
