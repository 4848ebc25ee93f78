// Failures of the recorder and its store, each with a code the API maps to a
// status (INVALID_ID 400, NOT_FOUND and NO_TIMELINE 404, TIMELINE_DAMAGED
// 422, the rest 500).
export type RecorderErrorCode =
  | 'INVALID_ID'
  | 'NOT_FOUND'
  | 'UNREADABLE'
  | 'SAVE_FAILED'
  /** The recording has no frame timeline: none was recorded (meta.timeline is null). */
  | 'NO_TIMELINE'
  /** The recording says it has a frame timeline, but `<id>.frames.bin` is missing or damaged. */
  | 'TIMELINE_DAMAGED';

export class RecorderError extends Error {
  constructor(
    readonly code: RecorderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RecorderError';
  }
}
