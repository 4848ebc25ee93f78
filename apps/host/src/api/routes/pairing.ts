// /api/v1/pairing: clients waiting to pair (native punktfunk/1 now; the
// GameStream path uses the same registry), and the operator's PIN for them.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import { ticketSchema } from '../schemas.js';
import { relayEvents } from '../sse.js';
import { jsonBody } from '../validate.js';

const pinBodySchema = z.object({ pin: z.string().regex(/^[0-9]{4}$/, 'pin must be 4 digits') }).strict();
const requestIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a pairing request id');
const pendingPairingSchema = z.object({
  requestId: z.string(),
  kind: z.enum(['native', 'gamestream']),
  clientName: z.string(),
  address: z.string(),
  fingerprint: z.string(),
  requestedUnixMs: z.number(),
});

export const pairingResource: ApiResource = {
  base: '/pairing',
  routes: ({ pairings, tickets }) =>
    new Hono<ApiEnv>()
      .get('/pending', (c) => c.json({ requests: pairings.list() }))
      .post('/:requestId/pin', async (c) => {
        const parsedId = requestIdSchema.safeParse(c.req.param('requestId'));
        if (!parsedId.success) throw new ApiError(400, 'invalid pairing request id');
        const requestId = parsedId.data;
        const { pin } = await jsonBody(c, pinBodySchema);
        if (!pairings.submitPin(requestId, pin)) {
          throw new ApiError(404, `no pairing request ${requestId} is waiting for a PIN`);
        }
        return c.json({ requestId, accepted: true });
      })
      .post('/:requestId/refuse', (c) => {
        const parsedId = requestIdSchema.safeParse(c.req.param('requestId'));
        if (!parsedId.success) throw new ApiError(400, 'invalid pairing request id');
        if (!pairings.refuse(parsedId.data)) {
          throw new ApiError(404, `no pairing request ${parsedId.data} is waiting for a PIN`);
        }
        return c.json({ requestId: parsedId.data, refused: true });
      })
      .post('/events/ticket', (c) => c.json(tickets.issue()))
      .get('/events', (c) =>
        streamSSE(c, (stream) =>
          relayEvents(stream, c.req.raw.signal, (send) => {
            send('pending', { requests: pairings.list() });
            return pairings.onChange((request) => send('pairing', request));
          }),
        ),
      ),
  openapi: {
    '/pairing/pending': {
      get: {
        summary: 'Pairing requests waiting for a PIN (native and GameStream)',
        responses: {
          200: { description: 'requests', schema: z.object({ requests: z.array(pendingPairingSchema) }) },
        },
      },
    },
    '/pairing/{requestId}/pin': {
      post: {
        summary: "The PIN the client shows; the pairing then completes or fails on the client's side",
        pathParams: { requestId: requestIdSchema },
        body: pinBodySchema,
        responses: {
          200: {
            description: 'PIN handed to the waiting pairing',
            schema: z.object({ requestId: z.string(), accepted: z.boolean() }),
          },
          404: { description: 'no such request waiting' },
        },
      },
    },
    '/pairing/{requestId}/refuse': {
      post: {
        summary: 'Refuse a waiting pairing request; the client is told and nothing is stored',
        pathParams: { requestId: requestIdSchema },
        responses: {
          200: { description: 'refused', schema: z.object({ requestId: z.string(), refused: z.boolean() }) },
          404: { description: 'no such request waiting' },
        },
      },
    },
    '/pairing/events/ticket': {
      post: {
        summary: 'A single-use ticket for the pairing event stream',
        responses: { 200: { description: 'ticket', schema: ticketSchema } },
      },
    },
    '/pairing/events': {
      get: {
        summary:
          'Server-sent events: `pending` (the waiting requests) on connect, `pairing` on every new request and outcome (with `state` and `detail`)',
        query: { ticket: z.string() },
        responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
      },
    },
  },
};
