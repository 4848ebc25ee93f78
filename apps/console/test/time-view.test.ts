// The recording page's shared time axis: zooms stay inside the recording and
// keep a useful width; focusing a stutter centres it.
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createTimeView } from '../src/pages/recording/time-view.js';

const view = () => createRoot(() => createTimeView(() => ({ xMin: 0, xMax: 100 })));

describe('time view', () => {
  it('shows the whole recording until zoomed, and again after reset', () => {
    const v = view();
    expect(v.range()).toEqual({ xMin: 0, xMax: 100 });
    v.zoom({ xMin: 10, xMax: 20 });
    expect(v.zoomed()).toBe(true);
    expect(v.range()).toEqual({ xMin: 10, xMax: 20 });
    v.reset();
    expect(v.zoomed()).toBe(false);
    expect(v.range()).toEqual({ xMin: 0, xMax: 100 });
  });

  it('centres a stutter, shifted inside the recording at its edges', () => {
    const v = view();
    v.focus(50, 4);
    expect(v.range()).toEqual({ xMin: 48, xMax: 52 });
    v.focus(99, 4);
    expect(v.range()).toEqual({ xMin: 96, xMax: 100 });
    v.focus(0.5, 4);
    expect(v.range()).toEqual({ xMin: 0, xMax: 4 });
  });

  it('never zooms narrower than 50 ms', () => {
    const v = view();
    v.zoom({ xMin: 10, xMax: 10 });
    expect(v.range().xMax - v.range().xMin).toBeCloseTo(0.05, 6);
  });
});
