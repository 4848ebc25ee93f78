import { describe, expect, it } from 'vitest';
import {
  type AnalysisSession,
  analyzeFrames,
  FrameAnalysisError,
  HISTOGRAM_BIN_US,
  STUTTER_EPISODE_JOIN_US,
  STUTTER_GAP,
  STUTTER_SLOW,
} from '../src/frame-analysis.js';
import type { TimelineEvent } from '../src/timeline.js';
import { columnsOf, steadyFrames } from './frame-columns-builder.js';

const session = (sessionId: string, fps = 60, kind: 'native' | 'gamestream' = 'native'): AnalysisSession => ({
  sessionId,
  fps,
  kind,
});
const event = (
  tMs: number,
  sessionId: string | null,
  type: TimelineEvent['type'] = 'bitrate',
): TimelineEvent => ({
  tMs,
  sessionId,
  type,
  summary: `${type} at ${tMs}`,
  details: {},
});

describe('frame analysis: edge cases', () => {
  it('an empty timeline gives every session empty figures', () => {
    const result = analyzeFrames(columnsOf([]), [session('a')]);
    expect(result.episodes).toEqual([]);
    expect(result.frameTimesUs.length).toBe(0);
    const stats = result.sessions[0];
    expect(stats?.frames).toBe(0);
    expect(stats?.p50Us).toBeNull();
    expect(stats?.low01Fps).toBeNull();
    expect(stats?.episodesPerMinute).toBeNull();
    expect(stats?.histogram.overflow).toBe(0);
  });

  it('one frame: its figures are the frame, no stutter', () => {
    const result = analyzeFrames(columnsOf([{ captureStartUs: 1_000, hostUs: 6_000 }]), [session('a')]);
    expect(result.sessions[0]).toMatchObject({
      frames: 1,
      meanUs: 6_000,
      p50Us: 6_000,
      p99Us: 6_000,
      maxUs: 6_000,
      low01FrameTimeUs: 6_000,
      episodes: 0,
      episodesPerMinute: 0,
    });
    expect(result.sessions[0]?.low01Fps).toBeCloseTo(166.67, 1);
  });

  it('without host times the frame time is the sum of the stages', () => {
    const frames = steadyFrames(120, 60, (i) => ({
      hostUs: null,
      stagesUs: i === 50 ? [700, 40_000, 20, 150] : [700, 4_000, 20, 150],
    }));
    const result = analyzeFrames(columnsOf(frames), [session('a')]);
    expect(result.frameTimesUs[0]).toBe(4_870);
    expect(result.frameTimesUs[50]).toBe(40_870);
    expect(result.sessions[0]?.hostMeasuredFrames).toBe(0);
    expect(result.episodes.map((e) => e.records)).toEqual([[50]]);
    expect(result.episodes[0]).toMatchObject({ dominantStage: 'submit', dominantStageUs: 40_000 });
  });

  it('names the dominant stage by the session path', () => {
    const frames = steadyFrames(10, 60, (i) =>
      i === 5 ? { hostUs: 50_000, stagesUs: [700, 45_000, 20, 150] } : {},
    );
    const result = analyzeFrames(columnsOf(frames), [session('gs', 60, 'gamestream')]);
    expect(result.episodes[0]?.dominantStage).toBe('encode');
  });

  it('refuses records of a session the capture does not list, and a session without fps', () => {
    expect(() => analyzeFrames(columnsOf([{ captureStartUs: 0, sessionIndex: 1 }]), [session('a')])).toThrow(
      FrameAnalysisError,
    );
    expect(() => analyzeFrames(columnsOf([]), [session('a', 0)])).toThrow(/fps 0 is not positive/);
    const columns = columnsOf([{ captureStartUs: 0 }]);
    expect(() => analyzeFrames({ ...columns, count: 2 }, [session('a')])).toThrow(/fewer than 2 frames/);
  });
});

describe('frame analysis: stutter frames and episodes', () => {
  it('a delivery gap is a stutter starting where the previous frame ended', () => {
    // Frame 10 starts 60 ms after frame 9 ended (frames are 5 ms long).
    const frames = steadyFrames(20, 60);
    const shifted = frames.map((f, i) => (i >= 10 ? { ...f, captureStartUs: f.captureStartUs + 50_000 } : f));
    const result = analyzeFrames(columnsOf(shifted), [session('a')]);
    expect(result.stutterFlags[10]).toBe(STUTTER_GAP);
    const episode = result.episodes[0];
    expect(episode?.records).toEqual([10]);
    expect(episode?.gapFrames).toBe(1);
    expect(episode?.slowFrames).toBe(0);
    expect(episode?.startUs).toBe((shifted[9]?.captureStartUs as number) + 5_000);
    expect(episode?.worstGapUs).toBe((shifted[10]?.captureStartUs as number) - (episode?.startUs as number));
    expect(episode?.dominantStage).toBeNull();
  });

  it('the gap after a slow frame belongs to that frame', () => {
    // Frame 10 runs 40 ms; frame 11 starts 80 ms after that frame ended.
    const frames = steadyFrames(20, 60, (i) => (i === 10 ? { hostUs: 40_000 } : {}));
    const shifted = frames.map((f, i) =>
      i >= 11 ? { ...f, captureStartUs: f.captureStartUs + 100_000 } : f,
    );
    const result = analyzeFrames(columnsOf(shifted), [session('a')]);
    expect(result.stutterFlags[10]).toBe(STUTTER_SLOW);
    expect(result.stutterFlags[11]).toBe(0);
    expect(result.episodes).toHaveLength(1);
  });

  it('joins stutter frames less than STUTTER_EPISODE_JOIN_US apart into one episode', () => {
    // Slow frames at 1 s, 1.3 s (joined), and 2.5 s (its own episode).
    const slowAt = new Set([60, 78, 150]);
    const frames = steadyFrames(300, 60, (i) => (slowAt.has(i) ? { hostUs: 40_000 } : {}));
    const result = analyzeFrames(columnsOf(frames), [session('a')]);
    expect(result.episodes.map((e) => e.records)).toEqual([[60, 78], [150]]);
    expect(STUTTER_EPISODE_JOIN_US).toBe(500_000);
    expect(result.episodes[0]).toMatchObject({
      slowFrames: 2,
      worstFrameTimeUs: 40_000,
      worstFrameIndex: 60,
    });
    expect(result.sessions[0]?.episodes).toBe(2);
    expect(result.sessions[0]?.slowFrames).toBe(3);
  });

  it('flags episodes with a keyframe in them or right before them', () => {
    const frames = steadyFrames(600, 60, (i) => {
      if (i === 100) return { keyframe: true };
      if (i === 101 || i === 300) return { hostUs: 40_000 };
      if (i === 500) return { hostUs: 40_000, keyframe: true };
      return {};
    });
    const result = analyzeFrames(columnsOf(frames), [session('a')]);
    expect(result.episodes.map((e) => [e.records[0], e.keyframe])).toEqual([
      [101, true],
      [300, false],
      [500, true],
    ]);
    expect(result.sessions[0]?.episodesAtKeyframes).toBe(2);
    expect(result.sessions[0]?.keyframes).toBe(2);
  });

  it('keeps interleaved sessions apart, each with its own budget', () => {
    // a at 60 fps, b at 30 fps; a 40 ms frame stutters at 60 fps only.
    const a = steadyFrames(120, 60, (i) => (i === 30 ? { hostUs: 40_000 } : {}), 0);
    const b = steadyFrames(60, 30, (i) => (i === 15 ? { hostUs: 40_000 } : {}), 1);
    const merged = [...a, ...b].sort((x, y) => x.captureStartUs - y.captureStartUs);
    const result = analyzeFrames(columnsOf(merged), [session('a', 60), session('b', 30)]);
    expect(result.episodes).toHaveLength(1);
    expect(result.episodes[0]?.sessionId).toBe('a');
    expect(result.sessions.map((s) => s.frames)).toEqual([120, 60]);
    expect(result.sessions[1]?.budgetUs).toBeCloseTo(33_333.3, 1);
    // Interleaving must not make b's frames look like gaps after a's.
    expect(result.sessions.map((s) => s.gapFrames)).toEqual([0, 0]);
  });

  it('lists the events of the session and host-wide ones within a second', () => {
    const frames = steadyFrames(600, 60, (i) => (i === 300 ? { hostUs: 40_000 } : {}));
    const events = [
      event(5_900, 'a', 'keyframe'),
      event(3_900, 'a'), // 1.1 s before the episode
      event(4_200, 'a'),
      event(4_500, null, 'marker'),
      event(4_600, 'b'),
      event(6_100, 'a'), // 1.06 s after it
    ];
    const result = analyzeFrames(columnsOf(frames), [session('a'), session('b')], events);
    expect(result.episodes[0]?.events.map((e) => e.tMs)).toEqual([4_200, 4_500, 5_900]);
  });
});

describe('frame analysis: summary figures', () => {
  it('percentiles, the 0.1 % low and the histogram', () => {
    // 999 frames of 5 ms and one of 70 ms, at 60 fps.
    const frames = steadyFrames(1_000, 60, (i) => (i === 500 ? { hostUs: 70_000 } : {}));
    const stats = analyzeFrames(columnsOf(frames), [session('a')]).sessions[0];
    expect(stats).toMatchObject({ p50Us: 5_000, p99Us: 5_000, maxUs: 70_000, low01FrameTimeUs: 70_000 });
    expect(stats?.meanUs).toBeCloseTo(5_065, 6);
    expect(stats?.low01Fps).toBeCloseTo(1e6 / 70_000, 6);
    const histogram = stats?.histogram;
    expect(histogram?.binUs).toBe(HISTOGRAM_BIN_US);
    expect(histogram?.counts).toHaveLength(134); // 4 × 16,667 µs in 500 µs bins, rounded up
    expect(histogram?.counts[10]).toBe(999);
    expect(histogram?.overflowFromUs).toBe(67_000);
    expect(histogram?.overflow).toBe(1);
    // 1 episode over the span of 1,000 frames at 60 fps (16.65 s + the last frame).
    const spanMinutes = (Math.round((999 * 1e6) / 60) + 5_000) / 60e6;
    expect(stats?.episodesPerMinute).toBeCloseTo(1 / spanMinutes, 9);
  });

  it('percentiles beyond the exactly counted range are exact too', () => {
    const frames = steadyFrames(10, 1, (i) => ({ hostUs: 300_000 + i * 1_000 }));
    const stats = analyzeFrames(columnsOf(frames), [session('slow', 1)]).sessions[0];
    expect(stats).toMatchObject({ p50Us: 304_000, p99Us: 309_000, maxUs: 309_000 });
  });

  it('analyses a 3-hour timeline (648,000 frames)', () => {
    const frames = 648_000;
    const columns = columnsOf([]);
    const big = {
      ...columns,
      count: frames,
      captureStartUs: Float64Array.from({ length: frames }, (_, i) => Math.round((i * 1e6) / 60)),
      frameIndex: Uint32Array.from({ length: frames }, (_, i) => i),
      encodedBytes: new Uint32Array(frames),
      hostUs: Float64Array.from({ length: frames }, (_, i) => (i % 90 === 45 ? 40_870 : 4_870)),
      sessionIndex: new Uint16Array(frames),
      flags: new Uint16Array(frames),
      stagesUs: new Float32Array(frames * 4),
    };
    const result = analyzeFrames(big, [session('a')]);
    expect(result.episodes).toHaveLength(frames / 90);
    expect(result.sessions[0]).toMatchObject({
      frames,
      slowFrames: frames / 90,
      p50Us: 4_870,
      maxUs: 40_870,
    });
  });
});
