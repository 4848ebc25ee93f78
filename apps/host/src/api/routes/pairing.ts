// /api/v1/pairing: clients of either protocol waiting to pair, and the
// operator's PIN (or refusal) for them. Operator only.
import type { PairingKind, PairingRefusedResponse, PairPinAcceptedResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { PendingPairings } from '../../pairing/pending-pairings.js';
import { PAIRING_EVENTS_PATH } from '../auth.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import {
  pairingRefusedSchema,
  pairingRequestIdSchema,
  pairPinAcceptedSchema,
  pairPinSchema,
  pendingPairingsSchema,
  ticketSchema,
} from '../schemas.js';
import { relayEvents } from '../sse.js';
import { jsonBody } from '../validate.js';

const PAIRING_KINDS: readonly string[] = ['gamestream', 'native'] satisfies PairingKind[];

function requestIdParam(raw: string): string {
  const parsed = pairingRequestIdSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid pairing request id');
  return parsed.data;
}

/**
 * Hands the PIN to a request named by its id, or by its kind: GameStream
 * pairs one client at a time, so `gamestream` means the one waiting.
 */
function submitPin(pairings: PendingPairings, idOrKind: string, pin: string): string {
  if (!PAIRING_KINDS.includes(idOrKind)) {
    if (!pairings.submitPin(idOrKind, pin)) {
      throw new ApiError(404, `no pairing request ${idOrKind} is waiting for a PIN`);
    }
    return idOrKind;
  }
  const waiting = pairings.list().filter((r) => r.kind === idOrKind);
  const target = waiting[0];
  if (!target) throw new ApiError(409, 'no pairing request is waiting for a PIN');
  if (waiting.length > 1) throw new ApiError(409, 'several requests are waiting; name one by its id');
  if (!pairings.submitPin(target.requestId, pin)) {
    throw new ApiError(409, 'the pairing request ended before the PIN arrived');
  }
  return target.requestId;
}

export const pairingResource: ApiResource = {
  base: '/pairing',
  routes: ({ pairings, tickets }) =>
    new Hono<ApiEnv>()
      .get('/pending', (c) => c.json({ requests: pairings.list() }))
      .post('/:requestId/pin', async (c) => {
        const idOrKind = requestIdParam(c.req.param('requestId'));
        const { pin } = await jsonBody(c, pairPinSchema);
        const body: PairPinAcceptedResponse = {
          requestId: submitPin(pairings, idOrKind, pin),
          accepted: true,
        };
        return c.json(body);
      })
      .post('/:requestId/refuse', (c) => {
        const requestId = requestIdParam(c.req.param('requestId'));
        if (!pairings.refuse(requestId)) {
          throw new ApiError(404, `no pairing request ${requestId} is waiting for a PIN`);
        }
        const body: PairingRefusedResponse = { requestId, refused: true };
        return c.json(body);
      })
      .post('/events/ticket', (c) => c.json(tickets.issue(PAIRING_EVENTS_PATH)))
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
        responses: { 200: { description: 'requests', schema: pendingPairingsSchema } },
      },
    },
    '/pairing/{requestId}/pin': {
      post: {
        summary: "The PIN the client shows; the pairing then completes or fails on the client's side",
        description:
          'For a request of either protocol. `requestId` is its id (GET /pairing/pending, or the `pending` event), ' +
          'or `gamestream` / `native`: the one request of that kind waiting (409 when none or several wait). ' +
          'A wrong PIN is not detected here: the request ends `failed` a moment later and the client may retry.',
        pathParams: { requestId: pairingRequestIdSchema },
        body: pairPinSchema,
        responses: {
          200: { description: 'PIN handed to the waiting pairing', schema: pairPinAcceptedSchema },
          404: { description: 'no request with that id is waiting' },
          409: { description: 'named by kind: no request (or several) of that kind waiting' },
        },
      },
    },
    '/pairing/{requestId}/refuse': {
      post: {
        summary: 'Refuse a waiting pairing request; the client is told and nothing is stored',
        pathParams: { requestId: pairingRequestIdSchema },
        responses: {
          200: { description: 'refused', schema: pairingRefusedSchema },
          404: { description: 'no such request waiting' },
        },
      },
    },
    '/pairing/events/ticket': {
      post: {
        summary: 'A single-use ticket (30 s) for the pairing event stream (it opens no other stream)',
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
