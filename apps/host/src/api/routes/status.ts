// GET /api/v1/status: who this host is and what it streams now. Open to
// paired clients; the streaming side supplies encoder and sessions.
import type { HostStatusResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { hostStatusSchema } from '../schemas.js';

export const statusResource: ApiResource = {
  base: '/status',
  routes: ({ host, statusProvider }) =>
    new Hono<ApiEnv>().get('/', (c) => {
      const streaming = statusProvider();
      const body: HostStatusResponse = {
        hostName: host.name,
        hostVersion: host.version,
        uniqueId: host.uniqueId,
        certFingerprintSha256: host.certFingerprintSha256,
        encoderBackend: streaming.encoderBackend,
        encoderName: streaming.encoderName,
        sessions: streaming.sessions,
        uptimeMs: Math.round(process.uptime() * 1000),
      };
      return c.json(body);
    }),
  openapi: {
    '/status': {
      get: {
        summary: 'Host identity, encoder and running sessions',
        responses: { 200: { description: 'status', schema: hostStatusSchema } },
      },
    },
  },
};
