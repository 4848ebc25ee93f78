import { describe, expect, it } from 'vitest';
import { captureVerdict, NO_TIMELINE_REASON, VERDICT_THRESHOLDS } from '../src/capture-verdict.js';
import { analyzeFrames } from '../src/frame-analysis.js';
import type { SessionInfo, StatsSample } from '../src/stats.js';
import type { FrameRecord, TimelineEvent } from '../src/timeline.js';
import { columnsOf, steadyFrames } from './frame-columns-builder.js';

function session(sessionId: string, fps = 60): SessionInfo {
  return {
    sessionId,
    kind: 'native',
    client: null,
    width: 1280,
    height: 720,
    fps,
    codec: 'h264',
    encoderName: 'libx264',
    encoderBackend: 'software',
    bitrateKbps: 10_000,
    startedUnixMs: 0,
    settings: { shardBytes: 1_200 },
  };
}

/** `seconds` of clean 2 s windows of a 60 fps session. */
function samples(sessionId: string, seconds: number, overrides: Partial<StatsSample> = {}): StatsSample[] {
  return Array.from({ length: seconds / 2 }, (_, w) => ({
    tMs: (w + 1) * 2_000,
    sessionId,
    kind: 'native' as const,
    windowMs: 2_000,
    measuredFrames: 120,
    stages: [],
    hostP50Us: 5_000,
    hostP99Us: 6_000,
    fps: 60,
    repeatFps: 0,
    wireMbps: 10,
    bitrateKbps: 10_000,
    framesDropped: 0,
    sendRefused: 0,
    packetsLost: 0,
    fecRecovered: 0,
    fecUs: null,
    sealUs: null,
    socketUs: null,
    rttUs: null,
    idrRequests: null,
    unrecoverableFrames: 0,
    clientDecodeP50Us: null,
    e2eP50Us: null,
    e2eP99Us: null,
    workerCpuPct: null,
    ...overrides,
  }));
}

/** A 60 fps timeline of `seconds` with the frames at `slow` 40 ms long (and patched by `patch`). */
function judged(seconds: number, slow: number[], patch: (i: number) => Partial<FrameRecord> = () => ({})) {
  const slowSet = new Set(slow);
  const frames = steadyFrames(seconds * 60, 60, (i) => ({
    ...(slowSet.has(i) ? { hostUs: 40_000 } : {}),
    ...patch(i),
  }));
  const sessions = [session('a')];
  const analysis = analyzeFrames(columnsOf(frames), sessions);
  return captureVerdict({ sessions, samples: samples('a', seconds), frames: analysis });
}

const every = (count: number, stepFrames: number, from = 30) =>
  Array.from({ length: count }, (_, k) => from + k * stepFrames);

describe('the verdict from stutter episodes', () => {
  it('below one episode a minute stays healthy and lists no reason', () => {
    const verdict = judged(120, [600]);
    expect(verdict).toEqual({
      level: 'healthy',
      reasons: [],
      sessions: [{ sessionId: 'a', level: 'healthy', reasons: [] }],
    });
  });

  it('from one a minute degraded, naming keyframes and the stage of the worst frame', () => {
    const verdict = judged(60, [600, 1_800], (i) => (i === 599 ? { keyframe: true } : {}));
    expect(VERDICT_THRESHOLDS.degradedEpisodesPerMinute).toBe(1);
    expect(verdict.level).toBe('degraded');
    expect(verdict.reasons).toEqual([
      '2 stutter episodes (2.0/min), 1 at keyframes; worst frame 40.0 ms (submit)',
    ]);
  });

  it('from ten a minute failed, but not on fewer than three episodes', () => {
    expect(judged(60, every(10, 300)).level).toBe('failed');
    // Two stalls in 10 s are 12 a minute, yet only two.
    expect(judged(10, [100, 400]).level).toBe('degraded');
  });

  it('a session with only delivery gaps names the longest gap', () => {
    const frames = steadyFrames(1_800, 60).map((f, i) =>
      i >= 1_000 ? { ...f, captureStartUs: f.captureStartUs + 100_000 } : f,
    );
    const sessions = [session('a')];
    const verdict = captureVerdict({
      sessions,
      samples: samples('a', 30),
      frames: analyzeFrames(columnsOf(frames), sessions),
    });
    expect(verdict.reasons).toEqual(['1 stutter episode (2.0/min); longest delivery gap 111.7 ms']);
  });
});

describe('the verdict from samples and events', () => {
  it('without a timeline the reasons say so, last', () => {
    const verdict = captureVerdict({
      sessions: [session('a')],
      samples: samples('a', 10, { fps: 41, measuredFrames: 82 }),
    });
    expect(verdict).toEqual({
      level: 'degraded',
      reasons: ['fps 41 of 60', NO_TIMELINE_REASON],
      sessions: [{ sessionId: 'a', level: 'degraded', reasons: ['fps 41 of 60'] }],
    });
  });

  it('the worst finding leads, and the capture takes the worst session', () => {
    const verdict = captureVerdict({
      sessions: [session('a'), session('b')],
      samples: [
        ...samples('a', 10, { fps: 50, framesDropped: 10, measuredFrames: 100 }),
        ...samples('b', 10),
      ],
    });
    expect(verdict.level).toBe('failed');
    expect(verdict.sessions[0]?.reasons).toEqual(['9.1 % of frames lost (50)', 'fps 50 of 60']);
    expect(verdict.reasons.slice(0, 2)).toEqual(['a: 9.1 % of frames lost (50)', 'a: fps 50 of 60']);
    expect(verdict.sessions[1]?.level).toBe('healthy');
  });

  it('not measured is not zero: loss figures that are null judge nothing', () => {
    const verdict = captureVerdict({
      sessions: [session('a')],
      samples: samples('a', 10, {
        framesDropped: null,
        unrecoverableFrames: null,
        packetsLost: null,
        wireMbps: null,
      }),
    });
    expect(verdict.level).toBe('healthy');
  });

  it('a lost display and an encoder fallback of the session degrade it; other sessions’ events do not', () => {
    const event = (type: TimelineEvent['type'], sessionId: string, summary: string): TimelineEvent => ({
      tMs: 1_000,
      sessionId,
      type,
      summary,
      details: {},
    });
    const verdict = captureVerdict({
      sessions: [session('a')],
      samples: samples('a', 10),
      events: [
        event('display-lost', 'a', 'display lost'),
        event('encoder-fallback', 'a', 'encoder fell back: nvenc → libx264'),
        event('display-lost', 'b', 'display lost'),
      ],
    });
    expect(verdict.sessions[0]).toEqual({
      sessionId: 'a',
      level: 'degraded',
      reasons: ['display lost (1×)', 'encoder fell back: nvenc → libx264'],
    });
  });
});
