// /api/v1/clients: the clients paired through either protocol (GameStream and
// punktfunk/1 share one store): list, rename and unpair. Operator only.
// Clients are told apart by their certificate's fingerprint: two installs of
// one client (same uniqueid, same device name) are two entries.
import type { PairedClientInfo, PairedClientsResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import { normalizeFingerprint, shortFingerprint } from '../../identity/certificate.js';
import type { PairedClient } from '../../identity/paired-clients.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import {
  fingerprintSchema,
  pairedClientPatchSchema,
  pairedClientSchema,
  pairedClientsSchema,
} from '../schemas.js';
import { jsonBody } from '../validate.js';

const fingerprintParam = { fingerprint: fingerprintSchema };

function clientInfo(client: PairedClient): PairedClientInfo {
  return { ...client, shortFingerprint: shortFingerprint(client.fingerprint) };
}

function fingerprintOf(param: string): string {
  const fingerprint = normalizeFingerprint(param);
  if (fingerprint === null) throw new ApiError(400, 'not a SHA-256 fingerprint (64 hex digits)');
  return fingerprint;
}

export const clientsResource: ApiResource = {
  base: '/clients',
  routes: ({ pairedClients, log }) =>
    new Hono<ApiEnv>()
      .get('/', (c) => {
        const body: PairedClientsResponse = { clients: pairedClients.list().map(clientInfo) };
        return c.json(body);
      })
      .patch('/:fingerprint', async (c) => {
        const fingerprint = fingerprintOf(c.req.param('fingerprint'));
        const { name } = await jsonBody(c, pairedClientPatchSchema);
        const before = pairedClients.get(fingerprint);
        const renamed = await pairedClients.rename(fingerprint, name);
        if (!before || !renamed) throw new ApiError(404, 'no paired client has that fingerprint');
        log.info(`paired client ${pairedClients.label(fingerprint)} renamed (was ${before.name})`);
        return c.json(clientInfo(renamed));
      })
      .delete('/:fingerprint', async (c) => {
        const fingerprint = fingerprintOf(c.req.param('fingerprint'));
        if (!(await pairedClients.remove(fingerprint)))
          throw new ApiError(404, 'no paired client has that fingerprint');
        return c.body(null, 204);
      }),
  openapi: {
    '/clients': {
      get: {
        summary: 'Paired clients (GameStream and punktfunk/1 share one store)',
        description:
          'One entry per client certificate: two installs with the same uniqueid and name are two clients, told apart by `shortFingerprint`.',
        responses: { 200: { description: 'clients, oldest first', schema: pairedClientsSchema } },
      },
    },
    '/clients/{fingerprint}': {
      patch: {
        summary: "Rename a paired client: the name the console, logs and new recordings' sessions use",
        pathParams: fingerprintParam,
        body: pairedClientPatchSchema,
        responses: {
          200: { description: 'the renamed client', schema: pairedClientSchema },
          400: {
            description: 'not a fingerprint, or the name is empty, too long or has control/bidi characters',
          },
          404: { description: 'not paired' },
        },
      },
      delete: {
        summary: 'Unpair a client: its certificate no longer opens anything',
        pathParams: fingerprintParam,
        responses: { 204: { description: 'unpaired' }, 404: { description: 'not paired' } },
      },
    },
  },
};
