// Request validation shared by the routes: a failure is a 400 (or 415) that
// says what was wrong, raised before any handler touches the recorder.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.js';
import { captureIdSchema } from './schemas.js';

function describe(error: z.ZodError): string {
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
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, describe(parsed.error));
  return parsed.data;
}
