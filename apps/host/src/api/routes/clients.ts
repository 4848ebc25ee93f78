// /api/v1/clients: the clients paired through either protocol (GameStream and
// punktfunk/1 share one store): list and unpair. Operator only.
import type { PairedClientsResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import { normalizeFingerprint } from '../../identity/certificate.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import { fingerprintSchema, pairedClientsSchema } from '../schemas.js';

export const clientsResource: ApiResource = {
  base: '/clients',
  routes: ({ pairedClients }) =>
    new Hono<ApiEnv>()
      .get('/', (c) => {
        const body: PairedClientsResponse = { clients: pairedClients.list() };
        return c.json(body);
      })
      .delete('/:fingerprint', async (c) => {
        const fingerprint = normalizeFingerprint(c.req.param('fingerprint'));
        if (fingerprint === null) throw new ApiError(400, 'not a SHA-256 fingerprint (64 hex digits)');
        if (!(await pairedClients.remove(fingerprint)))
          throw new ApiError(404, 'no paired client has that fingerprint');
        return c.body(null, 204);
      }),
  openapi: {
    '/clients': {
      get: {
        summary: 'Paired clients (GameStream and punktfunk/1 share one store)',
        responses: { 200: { description: 'clients, oldest first', schema: pairedClientsSchema } },
      },
    },
    '/clients/{fingerprint}': {
      delete: {
        summary: 'Unpair a client: its certificate no longer opens anything',
        pathParams: { fingerprint: fingerprintSchema },
        responses: { 204: { description: 'unpaired' }, 404: { description: 'not paired' } },
      },
    },
  },
};
