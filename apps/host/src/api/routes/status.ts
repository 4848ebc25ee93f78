// GET /api/v1/status: who this host is and what it streams now. Open to
// paired clients; the streaming side supplies encoder and sessions.
import { networkInterfaces } from 'node:os';
import type { HostStatusResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { hostStatusSchema } from '../schemas.js';

/** Non-loopback addresses, IPv4 first; link-local IPv6 left out (it needs a zone a client cannot guess). */
export function lanAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const usable = all.filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80:')));
  return [...usable.filter((a) => a.family === 'IPv4'), ...usable.filter((a) => a.family === 'IPv6')].map(
    (a) => a.address,
  );
}

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
        lanAddresses: lanAddresses(),
        desktop: streaming.desktop,
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
