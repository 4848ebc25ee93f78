// Summary math of the Performance page, without a browser.
import { statsSample } from '@punktfunk/test-support';
import { describe, expect, it } from 'vitest';
import { timeline } from '../src/data/series.js';
import { fpsSummary, latencySummary, overBudget, percentile } from '../src/data/summary.js';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    const values = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('does not depend on the order of the values', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
  });
});

describe('latency summary', () => {
  it('takes mean, median and p95 over the window medians, p99 over the window p99s; null is not measured', () => {
    const s = latencySummary('encode', [1000, 2000, null, 3000], [5000, 9000, null, 7000]);
    expect(s.meanUs).toBe(2000);
    expect(s.medianUs).toBe(2000);
    expect(s.p95Us).toBeCloseTo(2900);
    expect(s.p99Us).toBeCloseTo(8960);
    expect(latencySummary('x', [null], [null])).toMatchObject({ meanUs: null, p99Us: null });
  });
});

describe('fps', () => {
  it('averages over time, so a long window counts for more', () => {
    const r = fpsSummary([
      { fps: 60, windowMs: 3000 },
      { fps: 30, windowMs: 1000 },
    ]);
    expect(r.averageFps).toBeCloseTo(52.5);
  });

  it('1 % low is the fps the slowest 1 % of the time ran at', () => {
    // 200 windows of 2 s: one at 20 fps (0.5 % of the time), one at 40, the rest at 60.
    const windows = Array.from({ length: 200 }, (_, i) => ({
      fps: i === 0 ? 20 : i === 1 ? 40 : 60,
      windowMs: 2000,
    }));
    expect(fpsSummary(windows).onePercentLowFps).toBe(40);
    expect(fpsSummary([{ fps: 59, windowMs: 2000 }]).onePercentLowFps).toBe(59);
    expect(fpsSummary([])).toEqual({ averageFps: null, onePercentLowFps: null });
  });
});

describe('over budget', () => {
  it('counts windows whose host p99 exceeds one frame time, and their share', () => {
    const samples = [
      statsSample(2000, { hostP99Us: 10_000 }),
      statsSample(4000, { hostP99Us: 17_000 }),
      statsSample(6000, { hostP99Us: 16_000 }),
      statsSample(8000, { hostP99Us: 30_000 }),
    ];
    const r = overBudget(samples, () => 1e6 / 60);
    expect(r).toEqual({ count: 2, share: 0.5, measured: 4 });
  });

  it('falls back to the sum of stage p99s, and skips windows it cannot judge', () => {
    const samples = [
      statsSample(2000, { hostP99Us: null, stages: [{ name: 'capture', p50Us: 1, p99Us: 20_000 }] }),
      statsSample(4000, { hostP99Us: null, stages: [] }),
    ];
    expect(overBudget(samples, () => 1e6 / 60)).toEqual({ count: 1, share: 1, measured: 1 });
    expect(overBudget(samples, () => null)).toEqual({ count: 0, share: null, measured: 0 });
  });
});

describe('timeline', () => {
  it('breaks lines between sessions and across missing windows, keeping one row per sample', () => {
    const rows = timeline([
      statsSample(2000),
      statsSample(4000),
      statsSample(12_000),
      statsSample(14_000, { sessionId: 's2' }),
    ]);
    expect(rows.filter((r) => r.sample).length).toBe(4);
    expect(rows.filter((r) => !r.sample).map((r) => r.x)).toEqual([8, 13]);
  });
});
