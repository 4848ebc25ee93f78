// Reading colours out of captured and decoded pictures, for the capture tests
// (X11, PipeWire): flat test patterns survive conversion and encoding within
// a tolerance, so colours are compared with one.
import { expect } from 'vitest';

export type Rgb = readonly [number, number, number];
export const BLACK: Rgb = [0, 0, 0];

/** [r, g, b] at (x, y) of a packed BGRA (or BGRx) buffer. */
export function bgraAt(bgra: Buffer, width: number, x: number, y: number): Rgb {
  const i = (y * width + x) * 4;
  return [bgra[i + 2] ?? 0, bgra[i + 1] ?? 0, bgra[i] ?? 0];
}

/** [r, g, b] at (x, y) of a packed RGB24 buffer. */
export function rgbAt(rgb: Buffer, width: number, x: number, y: number): Rgb {
  const i = (y * width + x) * 3;
  return [rgb[i] ?? 0, rgb[i + 1] ?? 0, rgb[i + 2] ?? 0];
}

export function expectColour(actual: Rgb, expected: Rgb, tolerance: number, where: string): void {
  const off = actual.some((v, i) => Math.abs(v - (expected[i] ?? 0)) > tolerance);
  if (off) expect.fail(`${where}: got rgb(${actual.join(',')}), expected about rgb(${expected.join(',')})`);
}
