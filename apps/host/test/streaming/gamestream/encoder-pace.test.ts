// The encoder pace verdict from fabricated per-frame encode times: no clock
// is read, so the figures below are exact, not timing.
import { describe, expect, it } from 'vitest';
import {
  EncoderPaceWatch,
  SLOW_WINDOWS,
  WINDOW_FRAMES,
} from '../../../src/streaming/gamestream/encoder-pace.js';

/** Feeds `windows` windows of frames all taking `encodeUs`; returns the verdicts given. */
function feed(watch: EncoderPaceWatch, encodeUs: number, windows: number) {
  const verdicts = [];
  for (let i = 0; i < windows * WINDOW_FRAMES; i++) {
    const verdict = watch.addFrame(encodeUs);
    if (verdict) verdicts.push(verdict);
  }
  return verdicts;
}

describe('EncoderPaceWatch', () => {
  it('says an encoder over the frame budget for SLOW_WINDOWS windows in a row cannot keep up, once', () => {
    const watch = new EncoderPaceWatch(60);
    expect(watch.budgetUs).toBeCloseTo(16_667, 0);
    expect(feed(watch, 20_000, SLOW_WINDOWS - 1)).toEqual([]);
    expect(feed(watch, 20_000, 1)).toEqual([
      { encodeP50Us: 20_000, budgetUs: watch.budgetUs, frames: SLOW_WINDOWS * WINDOW_FRAMES },
    ]);
    expect(feed(watch, 20_000, SLOW_WINDOWS * 2)).toEqual([]);
  });

  it('keeps quiet for an encoder within budget, and a window within budget breaks the run', () => {
    const watch = new EncoderPaceWatch(60);
    expect(feed(watch, 16_000, SLOW_WINDOWS * 3)).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(feed(watch, 30_000, SLOW_WINDOWS - 1)).toEqual([]);
      expect(feed(watch, 10_000, 1)).toEqual([]);
    }
  });

  it('judges the median: a few slow frames (an IDR, a hiccup) in a window are not "cannot keep up"', () => {
    const watch = new EncoderPaceWatch(120);
    const verdicts = [];
    for (let i = 0; i < SLOW_WINDOWS * 4 * WINDOW_FRAMES; i++) {
      const verdict = watch.addFrame(i % 3 === 0 ? 100_000 : 5_000);
      if (verdict) verdicts.push(verdict);
    }
    expect(verdicts).toEqual([]);
  });
});
