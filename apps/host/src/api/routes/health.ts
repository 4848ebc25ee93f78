// GET /api/v1/health: the process answers. Open to paired clients.
import type { HealthResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { healthSchema } from '../schemas.js';

export const healthResource: ApiResource = {
  base: '/health',
  routes: () =>
    new Hono<ApiEnv>().get('/', (c) =>
      c.json({ status: 'ok', uptimeMs: Math.round(process.uptime() * 1000) } satisfies HealthResponse),
    ),
  openapi: {
    '/health': {
      get: { summary: 'The host is up', responses: { 200: { description: 'up', schema: healthSchema } } },
    },
  },
};
