import { describe, expect, it } from 'vitest';
import { baseCaptureId, isValidCaptureId } from '../../src/recorder/index.js';

describe('capture ids', () => {
  it('are readable, time-based and valid Windows file names', () => {
    const id = baseCaptureId(Date.UTC(2026, 10, 24, 10, 15, 3, 456), 1280, 720);
    expect(id).toBe('2026-11-24T10-15-03Z_1280x720');
    expect(isValidCaptureId(id)).toBe(true);
    expect(id).not.toMatch(/[<>:"/\\|?*]/);
  });

  it.each([
    '',
    '.',
    '..',
    '../x',
    'a/b',
    'a\\b',
    'C:x',
    'a\0b',
    'x'.repeat(129),
    'CON',
    'nul.txt',
    'com1',
    ' spaced',
  ])('refuse %j', (id) => {
    expect(isValidCaptureId(id)).toBe(false);
  });

  it.each(['a', 'a.b', 'x'.repeat(128), '2026-11-24T10-15-03Z_1280x720-2', 'console'])('accept %j', (id) => {
    expect(isValidCaptureId(id)).toBe(true);
  });
});
