// Client pointer positions → screen pixels through the stream frame's
// letterbox: the numbers worked out by hand for a 1:1 stream, a 4:3 screen
// in a 16:9 stream, and a client window of another size.
import { describe, expect, it } from 'vitest';
import { clientToScreen } from '../../src/input/pointer-mapping.js';

const STREAM_720P = { width: 1280, height: 720 };

describe('clientToScreen', () => {
  it("a 1:1 stream with Moonlight's reference (width - 1, height - 1) maps each pixel onto itself", () => {
    const screen = { width: 1280, height: 720 };
    const at = (x: number, y: number) =>
      clientToScreen({ x, y, referenceWidth: 1279, referenceHeight: 719 }, STREAM_720P, screen);
    expect(at(0, 0)).toEqual({ x: 0, y: 0 });
    expect(at(640, 360)).toEqual({ x: 640, y: 360 });
    expect(at(1278, 718)).toEqual({ x: 1278, y: 718 });
    expect(at(1279, 719)).toEqual({ x: 1279, y: 719 });
  });

  it('an 800x600 screen sits in a 1280x720 frame at x 160, 960 wide: positions map through that rectangle', () => {
    const screen = { width: 800, height: 600 };
    const at = (x: number, y: number) =>
      clientToScreen({ x, y, referenceWidth: 1280, referenceHeight: 720 }, STREAM_720P, screen);
    expect(at(160, 0)).toEqual({ x: 0, y: 0 });
    expect(at(640, 360)).toEqual({ x: 400, y: 300 });
    // (1000 - 160) * 800 / 960 = 700; 540 * 600 / 720 = 450
    expect(at(1000, 540)).toEqual({ x: 700, y: 450 });
  });

  it('the black bars clamp to the screen edge', () => {
    const screen = { width: 800, height: 600 };
    const at = (x: number, y: number) =>
      clientToScreen({ x, y, referenceWidth: 1280, referenceHeight: 720 }, STREAM_720P, screen);
    expect(at(50, 100)).toEqual({ x: 0, y: 83 });
    expect(at(1270, 720)).toEqual({ x: 799, y: 599 });
  });

  it('a client window of another size: its reference scales to the frame first', () => {
    const screen = { width: 800, height: 600 };
    const p = { x: 1280, y: 720, referenceWidth: 2560, referenceHeight: 1440 };
    expect(clientToScreen(p, STREAM_720P, screen)).toEqual({ x: 400, y: 300 });
  });
});
