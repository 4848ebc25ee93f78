// Request validation shared by the routes: a failure is a 400 (or 415) that
// says what was wrong, raised before any handler touches the recorder.
import { API_BASE_PATH } from '@punktfunk/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { MAX_CAPTURE_FILE_BYTES } from '../recorder/capture-store.js';
import { MAX_FRAMES_FILE_BYTES } from '../recorder/frames-file.js';
import { ApiError, clientWentAway } from './errors.js';
import { captureIdSchema } from './schemas.js';

// The recording import takes a whole recording and its sidecar, each at its
// largest, plus room for the multipart framing.
export const IMPORT_BODY_MAX_BYTES = MAX_CAPTURE_FILE_BYTES + MAX_FRAMES_FILE_BYTES + 64 * 1024;
const IMPORT_PATH = `${API_BASE_PATH}/stats/recordings/import`;

// The largest body any other route takes is a recording's name and note, or a PIN;
// anything larger is not a request of this API.
export const API_BODY_MAX_BYTES = 64 * 1024;

/**
 * One body limit for every route but the recording import (its own, larger
 * limit): a Content-Length over it is refused before a byte of the body is
 * read; a chunked body is cut off once it passes it.
 */
export function limitBody(): MiddlewareHandler {
  const everyRoute = bodyLimit({
    maxSize: API_BODY_MAX_BYTES,
    onError: () => {
      throw new ApiError(
        413,
        `the body is larger than ${API_BODY_MAX_BYTES} bytes, the limit of every route but the recording import`,
      );
    },
  });
  const importRoute = bodyLimit({
    maxSize: IMPORT_BODY_MAX_BYTES,
    onError: () => {
      throw new ApiError(
        413,
        `the import is larger than ${IMPORT_BODY_MAX_BYTES} bytes (a recording JSON of at most ${MAX_CAPTURE_FILE_BYTES} bytes and a frames sidecar of at most ${MAX_FRAMES_FILE_BYTES} bytes)`,
      );
    },
  });
  return (c, next) =>
    c.req.method === 'POST' && c.req.path === IMPORT_PATH ? importRoute(c, next) : everyRoute(c, next);
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export function recordingId(c: Context): string {
  const parsed = captureIdSchema.safeParse(c.req.param('id'));
  if (!parsed.success) {
    throw new ApiError(400, 'invalid recording id: letters, digits, ".", "_" and "-" only, at most 128');
  }
  return parsed.data;
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(415, 'send the body as application/json');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    // A body cut off by the client going away is not a client mistake to answer.
    if (clientWentAway(c)) throw error;
    throw new ApiError(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, describeIssue(parsed.error));
  return parsed.data;
}
