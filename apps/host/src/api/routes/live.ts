// GET /api/v1/live: liveness for machines (systemd watchdog, container health
// check, load balancer). Open without credentials, so it says only that the
// process answers; /health and /status (uptime, identity, sessions) stay
// behind the token.
import type { LivenessResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { livenessSchema } from '../schemas.js';

export const liveResource: ApiResource = {
  base: '/live',
  routes: () => new Hono<ApiEnv>().get('/', (c) => c.json({ status: 'ok' } satisfies LivenessResponse)),
  openapi: {
    '/live': {
      get: {
        summary: 'Liveness: the host process answers (no credentials; reveals nothing else)',
        responses: { 200: { description: 'alive', schema: livenessSchema } },
      },
    },
  },
};
