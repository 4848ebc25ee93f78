// CI replays every shipped trace through the real send path (packetizer,
// Reed-Solomon, AES-GCM, sendmmsg to a loopback receiver) on the virtual
// clock and checks the samples that come out, to the microsecond.
import { monotonicUs } from '@punktfunk/native';
import type { StatsSample } from '@punktfunk/shared';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../../src/streaming/core/replay.js';
import { readTrace, type TraceFrame } from '../../../src/streaming/core/trace.js';

const trace = (name: string) => readTrace(new URL(`../../../traces/${name}.jsonl`, import.meta.url).pathname);
const replay = (name: string, extra = {}) =>
  replayTrace(trace(name), { virtualClock: true, monotonicUs, ...extra });

// An independent reading of the wire format (docs/protocol-punktfunk1.md):
// 1200-byte shards, 20% parity per block (rounded up), 32-byte header and 16-byte tag each.
function wireBytes(frameBytes: number): number {
  const dataShards = Math.ceil(frameBytes / 1200);
  const parity = Math.ceil((dataShards * 20) / 100);
  return (dataShards + parity) * (32 + 1200 + 16);
}

function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
}

/** What a window of frames (none late, none dropped) must produce. */
function expectedWindow(frames: TraceFrame[], tMs: number) {
  const stage = (pick: (f: TraceFrame) => number) => ({
    p50Us: nearestRank(frames.map(pick), 50),
    p99Us: nearestRank(frames.map(pick), 99),
  });
  const host = frames.map((f) => f.captureUs + f.submitUs + f.encodeUs + f.sendUs);
  const bytes = frames.reduce((sum, f) => sum + wireBytes(f.bytes), 0);
  return {
    tMs,
    sessionId: 'replay',
    kind: 'native',
    windowMs: (frames.length / 60) * 1000,
    measuredFrames: frames.length,
    stages: [
      { name: 'capture', ...stage((f) => f.captureUs) },
      { name: 'submit', ...stage((f) => f.submitUs) },
      { name: 'encode', ...stage((f) => f.encodeUs) },
      { name: 'send', ...stage((f) => f.sendUs) },
    ],
    hostP50Us: nearestRank(host, 50),
    hostP99Us: nearestRank(host, 99),
    fps: 60,
    repeatFps: 0,
    wireMbps: Math.round(((bytes * 8) / ((frames.length / 60) * 1e6)) * 1000) / 1000,
    framesDropped: 0,
    sendRefused: 0,
  };
}

/** The real costs of FEC, sealing and the socket vary run to run; everything else must not. */
function deterministic(s: StatsSample) {
  const { fecUs, sealUs, socketUs, ...rest } = s;
  expect(fecUs).toBeGreaterThan(0);
  expect(sealUs).toBeGreaterThan(0);
  expect(socketUs).toBeGreaterThan(0);
  return rest;
}

describe('trace replay on the virtual clock', () => {
  it('steady 60 fps: five 2 s windows, every figure exact', () => {
    const frames = trace('steady-60fps').frames;
    const result = replay('steady-60fps');
    expect(result.frames).toBe(600);
    expect(result.framesReceived).toBe(600);
    expect(result.samples.map(deterministic)).toEqual(
      [0, 1, 2, 3, 4].map((w) => ({
        ...expectedWindow(frames.slice(w * 120, (w + 1) * 120), (w + 1) * 2000),
        bitrateKbps: null,
        packetsLost: 0,
        fecRecovered: 0,
        rttUs: null,
        // The native path cannot see the client's keyframe requests or unrecoverable frames.
        idrRequests: null,
        unrecoverableFrames: null,
        clientDecodeP50Us: null,
        e2eP50Us: null,
        e2eP99Us: null,
        // A virtual clock's window is no span of real time: the worker's CPU is not measured.
        workerCpuPct: null,
      })),
    );
  });

  it('encode spikes: a 40 ms stall misses one frame slot, shown in p99 and as a drop', () => {
    const result = replay('encode-spikes');
    const samples = result.samples;
    expect(samples).toHaveLength(5);
    // Spikes at frames 45, 135, 225, 315, 405, 495, 585: seven missed slots in all.
    expect(samples.map((s) => s.framesDropped)).toEqual([1, 2, 1, 1, 2]);
    expect(samples.map((s) => s.measuredFrames)).toEqual([119, 118, 119, 119, 118]);
    expect(samples.map((s) => s.fps)).toEqual([59.5, 59, 59.5, 59.5, 59]);
    // Two spikes in a window of 118 frames reach the p99 (nearest rank 117 of 118).
    expect(samples.map((s) => s.stages[1]?.p99Us)).toEqual([4900, 40000, 4900, 4900, 40000]);
    expect(samples[1]?.hostP99Us).toBeGreaterThanOrEqual(40000);
  });

  it('keyframe storm: every 10th frame is an IDR; wire rate includes the big frames and their parity', () => {
    const frames = trace('keyframe-storm').frames;
    const [first] = replay('keyframe-storm').samples;
    expect(first).toBeDefined();
    const bytes = frames.slice(0, 120).reduce((sum, f) => sum + wireBytes(f.bytes), 0);
    expect(first?.wireMbps).toBe(Math.round(((bytes * 8) / 2e6) * 1000) / 1000);
    expect(first?.stages).toEqual(expectedWindow(frames.slice(0, 120), 0).stages);
    expect(first?.stages[1]?.p99Us).toBe(7000);
  });

  it('bitrate step: the target drops from 10 to 3 Mb/s and the wire rate follows', () => {
    const samples = replay('bitrate-step').samples;
    expect(samples.map((s) => s.bitrateKbps)).toEqual([10000, 10000, 3000, 3000, 3000]);
    const wire = samples.map((s) => s.wireMbps as number);
    expect(wire[4]).toBeLessThan((wire[0] as number) / 2.5);
  });

  it('3 % client loss: every lost datagram is reported, FEC repairs, no frame is lost', () => {
    const result = replay('loss-3pct');
    const lost = result.samples.reduce((sum, s) => sum + (s.packetsLost ?? 0), 0);
    const recovered = result.samples.reduce((sum, s) => sum + (s.fecRecovered ?? 0), 0);
    expect(lost).toBe(result.receiver.dropped);
    expect(lost / result.receiver.datagrams).toBeGreaterThan(0.02);
    expect(lost / result.receiver.datagrams).toBeLessThan(0.04);
    expect(recovered).toBe(result.receiver.fecRecoveredFrames);
    expect(recovered).toBeGreaterThan(100);
    expect(result.receiver.framesLost).toBe(0);
    expect(result.framesReceived).toBe(600);
  });
});

describe('arming', () => {
  it('armed mid-stream: samples start at the next boundary and the first holds only measured frames; disarm stops them', () => {
    const frames = trace('steady-60fps').frames;
    const result = replay('steady-60fps', { armAtFrame: 100, disarmAtFrame: 400 });
    const first = result.samples[0];
    // Frames 100..119 were measured: 20 frames over 333.333 ms, not 120 frames
    // and not 100 zeros.
    expect(first).toMatchObject({ measuredFrames: 20, windowMs: 333.333, fps: 60 });
    expect(first?.stages).toEqual(expectedWindow(frames.slice(100, 120), 0).stages);
    expect(result.samples.map((s) => s.measuredFrames)).toEqual([20, 120, 120]);
    // After the disarm at frame 400 (6.67 s) the 8 s and 10 s windows build nothing.
    expect(result.samples).toHaveLength(3);
  });

  it('never armed and not in perf mode: no sample is built, nothing is logged', () => {
    const lines: string[] = [];
    const result = replay('steady-60fps', { armAtFrame: 10_000, log: (l: string) => lines.push(l) });
    expect(result.frames).toBe(600);
    expect(result.samples).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('PUNKTFUNK_PERF without a capture: one log line per window, no sample posted', () => {
    const lines: string[] = [];
    const result = replay('steady-60fps', {
      armAtFrame: 10_000,
      perf: true,
      log: (l: string) => lines.push(l),
    });
    expect(result.samples).toEqual([]);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^perf native replay: 120 frames in 2000 ms, stages p50\/p99 ms: capture 0\.79\/0\.88 submit 4\.45\/4\.90/,
    );
    expect(lines[0]).toMatch(/rtt n\/m ms; client decode n\/m ms; e2e n\/m\/n\/m ms$/);
  });
});
