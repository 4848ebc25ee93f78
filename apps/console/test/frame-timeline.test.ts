// The frame-time chart's data path without a browser: the sidecar parsed and
// analysed (frameTimeline), min/max decimation per pixel column, the frame
// nearest the cursor, and the histogram and summary figures the page shows.
import { recordingFixture } from '@punktfunk/test-support';
import { describe, expect, it } from 'vitest';
import { decimateFrameTimes, nearestFrame } from '../src/charts/frame-decimation.js';
import { frameFigures } from '../src/data/frame-figures.js';
import { histogramBins } from '../src/data/frame-histogram.js';
import { frameTimeline } from '../src/data/frames.js';

const fixture = recordingFixture({
  id: 'unit',
  sessionSeconds: 10,
  sessions: 2,
  stutters: [
    { atS: 3.2, frameMs: 120 },
    { atS: 15.5, frameMs: 250 },
  ],
});
const timeline = frameTimeline(fixture.frames!, fixture.capture.meta, fixture.capture.events);
const input = { tS: timeline.tS, frameMs: timeline.frameMs, sessionIndex: timeline.columns.sessionIndex };

describe('frame timeline', () => {
  it('parses every record, with the analysis’ frame time and both sessions', () => {
    expect(timeline.columns.count).toBe(fixture.capture.meta.timeline!.frames);
    expect(timeline.sessionIndexes).toEqual([0, 1]);
    expect(Math.max(...timeline.frameMs)).toBeCloseTo(250, 0);
    expect(timeline.analysis.episodes).toHaveLength(2);
  });

  it('refuses a damaged sidecar with the reason', () => {
    const cut = fixture.frames!.subarray(0, fixture.frames!.length - 5);
    expect(() => frameTimeline(cut, fixture.capture.meta, [])).toThrow(/bytes where .* records need/);
  });
});

describe('min/max decimation', () => {
  it('keeps every spike: the column holding a stall has it as its max, per session', () => {
    const { bySession, framesInRange } = decimateFrameTimes(input, [0, 1], 0, 24, 24);
    expect(framesInRange).toBe(timeline.columns.count);
    const first = bySession.get(0)!;
    const second = bySession.get(1)!;
    // A column per second: 3.2 s is column 3 (with ~60 good frames), 15.5 s column 15.
    expect(first.maxMs[3]).toBeCloseTo(120, 0);
    expect(first.minMs[3]).toBeLessThan(10);
    expect(second.maxMs[15]).toBeCloseTo(250, 0);
    expect(first.maxMs[4]).toBeLessThan(10);
    // Session 1 has no frames where session 2 streams.
    expect(Number.isNaN(first.maxMs[15]!)).toBe(true);
  });

  it('counts only the frames in the range', () => {
    const { framesInRange } = decimateFrameTimes(input, [0, 1], 3, 4, 100);
    expect(framesInRange).toBeGreaterThan(50);
    expect(framesInRange).toBeLessThan(62);
  });

  it('finds the frame under the cursor: the stall when pointing at its top', () => {
    const toPx = (t: number, ms: number) => ({ x: (t - 0) * 10, y: 300 - ms });
    const index = nearestFrame(input, toPx, 0, 24, { x: 32, y: 300 - 120 });
    expect(timeline.frameMs[index]).toBeCloseTo(120, 0);
    expect(nearestFrame(input, toPx, 100, 200, { x: 0, y: 0 })).toBe(-1);
  });

  it('never names a frame of a session not drawn (a picked session only)', () => {
    const toPx = (t: number, ms: number) => ({ x: (t - 0) * 10, y: 300 - ms });
    const cursor = { x: 32, y: 300 - 120 };
    const stall = nearestFrame(input, toPx, 0, 24, cursor);
    const stallSession = timeline.columns.sessionIndex[stall]!;
    const other = nearestFrame(input, toPx, 0, 24, cursor, 4, (i) => i !== stallSession);
    expect(other).toBeGreaterThanOrEqual(0);
    expect(timeline.columns.sessionIndex[other]).not.toBe(stallSession);
    expect(timeline.frameMs[other]).toBeLessThan(120);
  });
});

describe('histogram and figures', () => {
  it('adds the sessions’ bins and ends with the overflow bar holding the stalls', () => {
    const bins = histogramBins(timeline.analysis.sessions);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(timeline.columns.count);
    expect(bins[bins.length - 1]!.count).toBe(2);
    expect(bins[bins.length - 1]!.toMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports the worst session: the longest frame, its 0.1 % low, episodes per minute', () => {
    const f = frameFigures(timeline.analysis.sessions);
    expect(f.frames).toBe(timeline.columns.count);
    expect(f.maxUs).toBeCloseTo(250_000, -3);
    expect(f.episodes).toBe(2);
    expect(f.episodesPerMinute).toBeCloseTo(6, 0);
    expect(f.low01Fps).not.toBeNull();
  });
});
