// The stutter analysis on the shipped traces, replayed into frame timelines.
import { analyzeFrames, STUTTER_SLOW } from '@punktfunk/shared';
import { describe, expect, it } from 'vitest';
import { REPLAY_OVERHEAD_US, traceColumns } from './trace-frame-columns.js';

const session = { sessionId: 'replay', fps: 60, kind: 'native' as const };
const stutterRecords = (flags: Uint8Array) => [...flags.keys()].filter((i) => flags[i] !== 0);

describe('stutter analysis of the shipped traces', () => {
  it('steady-60fps has no stutter', () => {
    const result = analyzeFrames(traceColumns('steady-60fps'), [session]);
    expect(result.episodes).toEqual([]);
    expect(result.sessions[0]).toMatchObject({
      frames: 600,
      slowFrames: 0,
      gapFrames: 0,
      episodesPerMinute: 0,
    });
  });

  it('encode-spikes: exactly the stalled frames, each its own episode, in the encoder', () => {
    const result = analyzeFrames(traceColumns('encode-spikes'), [session]);
    const spikes = [45, 135, 225, 315, 405, 495, 585];
    expect(stutterRecords(result.stutterFlags)).toEqual(spikes);
    expect(spikes.every((i) => result.stutterFlags[i] === STUTTER_SLOW)).toBe(true);
    expect(result.episodes.map((e) => e.records)).toEqual(spikes.map((i) => [i]));
    for (const episode of result.episodes) {
      expect(episode.dominantStage).toBe('submit');
      expect(episode.dominantStageUs).toBe(40_000);
      expect(episode.keyframe).toBe(false);
      expect(episode.worstFrameTimeUs).toBeGreaterThan(40_000);
      // The stall plus the other stages (at most 1,150 µs in these traces) and the send overhead.
      expect(episode.worstFrameTimeUs).toBeLessThanOrEqual(40_000 + 1_150 + REPLAY_OVERHEAD_US);
    }
    expect(result.sessions[0]?.maxUs).toBe(Math.max(...result.episodes.map((e) => e.worstFrameTimeUs)));
    expect(result.sessions[0]?.episodes).toBe(7);
  });

  it('keyframe-storm: keyframes within the budget are no stutter', () => {
    const result = analyzeFrames(traceColumns('keyframe-storm'), [session]);
    expect(result.episodes).toEqual([]);
    expect(result.sessions[0]?.keyframes).toBe(60);
    expect(result.sessions[0]?.maxUs).toBeLessThan(16_667);
  });

  it('keyframe-stalls: the stalls, flagged where a keyframe is in or right before them', () => {
    const result = analyzeFrames(traceColumns('keyframe-stalls'), [session]);
    const stalls = [11, 75, 160, 225, 311, 375, 460, 525];
    expect(stutterRecords(result.stutterFlags)).toEqual(stalls);
    expect(result.episodes.map((e) => [e.records[0], e.keyframe])).toEqual([
      [11, true], // right after the keyframe at 10
      [75, true],
      [160, false],
      [225, true],
      [311, true],
      [375, true],
      [460, false],
      [525, true],
    ]);
    expect(result.sessions[0]?.episodesAtKeyframes).toBe(6);
  });
});
