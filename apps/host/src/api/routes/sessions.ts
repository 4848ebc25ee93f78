// /api/v1/sessions: the operator ends a running stream (any client's,
// GameStream or punktfunk/1). The running sessions are listed in /status.
// Operator only.
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';

const sessionIdSchema = z.string().regex(/^[0-9a-f-]{1,36}$/);

export const sessionsResource: ApiResource = {
  base: '/sessions',
  routes: ({ sessions }) =>
    new Hono<ApiEnv>().delete('/:id', async (c) => {
      const id = c.req.param('id');
      if (!sessionIdSchema.safeParse(id).success) throw new ApiError(400, 'not a session id');
      if (!(await sessions.end(id))) throw new ApiError(404, 'no session with that id is running');
      return c.body(null, 204);
    }),
  openapi: {
    '/sessions/{id}': {
      delete: {
        summary:
          "End a running session (its id from /status): a GameStream client's app is quit as by its own /cancel (the client hears a graceful end); a punktfunk/1 stream stops",
        pathParams: { id: sessionIdSchema },
        responses: { 204: { description: 'ended' }, 404: { description: 'no such session running' } },
      },
    },
  },
};
