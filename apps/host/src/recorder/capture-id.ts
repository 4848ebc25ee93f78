// Capture ids are file names: readable, time-based, and safe on every file
// system. They arrive from HTTP, so they are checked before any path is built.

// Letters, digits, dot, underscore, dash: no separators (/ \), no drive or
// stream colon, no NUL, nothing a shell or Windows would read specially.
const ID_PATTERN = /^[A-Za-z0-9._-]+$/;
export const CAPTURE_ID_PATTERN_SOURCE = ID_PATTERN.source;
export const MAX_CAPTURE_ID_LENGTH = 128;
// Windows opens the device, not a file, for these names whatever the extension.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

export function isValidCaptureId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.length <= MAX_CAPTURE_ID_LENGTH &&
    ID_PATTERN.test(id) &&
    id !== '.' &&
    id !== '..' &&
    !WINDOWS_DEVICE.test(id)
  );
}

/**
 * `2026-11-24T10-15-03Z_1280x720` (UTC, colons replaced so it is a valid
 * Windows file name). The store appends `-2`, `-3`, … when that name is taken.
 */
export function baseCaptureId(startedUnixMs: number, width: number | null, height: number | null): string {
  const stamp = new Date(startedUnixMs).toISOString().slice(0, 19).replaceAll(':', '-');
  return width !== null && height !== null ? `${stamp}Z_${width}x${height}` : `${stamp}Z`;
}
