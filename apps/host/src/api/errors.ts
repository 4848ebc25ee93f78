// The API's one error class and the mapping from everything else to it. The
// app's onError turns an ApiError into `{"error": message}` with its status.

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RecorderError, type RecorderErrorCode } from '../recorder/index.js';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const RECORDER_STATUS: Record<RecorderErrorCode, ContentfulStatusCode> = {
  INVALID_ID: 400,
  NOT_FOUND: 404,
  UNREADABLE: 500,
  SAVE_FAILED: 500,
  NO_TIMELINE: 404,
  TIMELINE_DAMAGED: 422,
};

/** Any thrown value as an ApiError; unknown failures become a 500 that reveals nothing. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RecorderError) return new ApiError(RECORDER_STATUS[error.code], error.message);
  if (error instanceof HTTPException) {
    return new ApiError(error.status as ContentfulStatusCode, error.message || 'request refused');
  }
  return new ApiError(500, 'internal error');
}

/** The client closed the connection before the answer: nothing to answer, and nothing failed here. */
export function clientWentAway(c: Context): boolean {
  // Not incoming.destroyed: Node destroys a request once its body was read, client or no client.
  const incoming = (c.env as { incoming?: { errored?: unknown; socket?: { destroyed?: boolean } | null } })
    ?.incoming;
  return (
    c.req.raw.signal.aborted || (incoming?.errored ?? null) !== null || incoming?.socket?.destroyed === true
  );
}
