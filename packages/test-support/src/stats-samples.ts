// The one StatsSample fixture: a plausible 2 s native window, as a worker
// posts it (workerStatsSample) and as the recorder stamps it (statsSample),
// and the session it belongs to. Tests and benches override what they vary.
import type { SessionInfo, StatsSample, WorkerStatsSample } from '@punktfunk/shared';

type SampleFields = Omit<StatsSample, 'tMs'>;

function sampleFields(): SampleFields {
  return {
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
    idrRequests: null,
    unrecoverableFrames: null,
    clientDecodeP50Us: null,
    e2eP50Us: null,
    e2eP99Us: null,
    workerCpuPct: null,
  };
}

/** A sample as the recorder keeps it: `tMs` since arming. */
export function statsSample(tMs: number, overrides: Partial<StatsSample> = {}): StatsSample {
  return { tMs, ...sampleFields(), ...overrides };
}

/** A sample as a streaming worker posts it: the window's end on the monotonic clock. */
export function workerStatsSample(
  endMonoUs: number,
  overrides: Partial<WorkerStatsSample> = {},
): WorkerStatsSample {
  return { endMonoUs, ...sampleFields(), ...overrides };
}

export function sessionInfo(overrides: Partial<SessionInfo> = {}): SessionInfo {
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
