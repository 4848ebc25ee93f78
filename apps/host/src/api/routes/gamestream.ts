// /api/v1/gamestream: the operator's side of GameStream (Moonlight). The PIN
// a Moonlight client shows, the paired clients (list, unpair) and the apps.
// Operator only (bearer token or event ticket never opens these).
import type { GameStreamAppsResponse, PairedClientsResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { normalizeFingerprint } from '../../identity/certificate.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import {
  gamestreamAppsSchema,
  pairedClientsSchema,
  pairPinAcceptedSchema,
  pairPinSchema,
} from '../schemas.js';
import { jsonBody } from '../validate.js';

const fingerprintSchema = z
  .string()
  .describe('SHA-256 of the client certificate: 64 hex digits, optionally colon-separated');

export const gamestreamResource: ApiResource = {
  base: '/gamestream',
  routes: ({ pairings, pairedClients, gamestreamApps }) =>
    new Hono<ApiEnv>()
      .post('/pair/pin', async (c) => {
        const { pin, requestId } = await jsonBody(c, pairPinSchema);
        // GameStream pairs one client at a time, so without an id the one waiting is meant.
        const waiting = pairings
          .list()
          .filter((r) => (requestId ? r.requestId === requestId : r.kind === 'gamestream'));
        const target = waiting[0];
        if (!target) throw new ApiError(409, 'no pairing request is waiting for a PIN');
        if (waiting.length > 1) throw new ApiError(409, 'several requests are waiting; send requestId');
        if (!pairings.submitPin(target.requestId, pin)) {
          throw new ApiError(409, 'the pairing request ended before the PIN arrived');
        }
        return c.json({ requestId: target.requestId, accepted: true as const });
      })
      .get('/clients', (c) => {
        const body: PairedClientsResponse = { clients: pairedClients.list() };
        return c.json(body);
      })
      .delete('/clients/:fingerprint', async (c) => {
        const fingerprint = normalizeFingerprint(c.req.param('fingerprint'));
        if (fingerprint === null) throw new ApiError(400, 'not a SHA-256 fingerprint (64 hex digits)');
        if (!(await pairedClients.remove(fingerprint)))
          throw new ApiError(404, 'no paired client has that fingerprint');
        return c.body(null, 204);
      })
      .get('/apps', (c) => {
        const apps = gamestreamApps();
        const body: GameStreamAppsResponse = { enabled: apps !== null, apps: apps ?? [] };
        return c.json(body);
      }),
  openapi: {
    '/gamestream/pair/pin': {
      post: {
        summary: 'The PIN a pairing client shows (Moonlight); the pairing then completes or fails',
        description:
          'Without requestId: the one GameStream request waiting (GET /pairing/pending, or the `pending` event). ' +
          'A wrong PIN is not detected here: the pairing fails a moment later and the client may retry.',
        body: pairPinSchema,
        responses: {
          200: { description: 'the PIN was handed to the waiting request', schema: pairPinAcceptedSchema },
          409: { description: 'no request (or several) waiting' },
        },
      },
    },
    '/gamestream/clients': {
      get: {
        summary: 'Paired clients (GameStream and punktfunk/1 share one store)',
        responses: { 200: { description: 'clients, oldest first', schema: pairedClientsSchema } },
      },
    },
    '/gamestream/clients/{fingerprint}': {
      delete: {
        summary: 'Unpair a client: its certificate no longer opens anything',
        pathParams: { fingerprint: fingerprintSchema },
        responses: { 204: { description: 'unpaired' }, 404: { description: 'not paired' } },
      },
    },
    '/gamestream/apps': {
      get: {
        summary: 'The apps GameStream clients may launch (<config>/apps.json)',
        responses: { 200: { description: 'apps', schema: gamestreamAppsSchema } },
      },
    },
  },
};
