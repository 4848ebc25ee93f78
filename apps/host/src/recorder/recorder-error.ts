// Failures of the recorder and its store, each with a code the API maps to a
// status (INVALID_ID 400, NOT_FOUND 404, the rest 500).
export type RecorderErrorCode = 'INVALID_ID' | 'NOT_FOUND' | 'UNREADABLE' | 'SAVE_FAILED';

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
