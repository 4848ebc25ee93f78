// /api/v1/stats/capture: arm, stop and watch the capture. Operator only.
import { MAX_CAPTURE_EVENTS } from '@punktfunk/shared';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import {
  captureMetaSchema,
  captureSchema,
  captureStatusSchema,
  timelineEventSchema,
} from '../../recorder/capture-schema.js';
import { CAPTURE_EVENTS_PATH } from '../auth.js';
import type { ApiEnv, ApiResource } from '../context.js';
import { ApiError } from '../errors.js';
import { markerRequestSchema, ticketSchema } from '../schemas.js';
import { relayEvents } from '../sse.js';
import { jsonBody } from '../validate.js';

export const captureResource: ApiResource = {
  base: '/stats/capture',
  routes: ({ recorder, tickets }) =>
    new Hono<ApiEnv>()
      .post('/start', (c) => c.json(recorder.start()))
      .post('/stop', async (c) => {
        const meta = await recorder.stop();
        return meta ? c.json(meta) : c.body(null, 204);
      })
      .get('/status', (c) => c.json(recorder.status()))
      .get('/live', (c) => {
        const live = recorder.live();
        if (!live) throw new ApiError(404, 'no capture is armed');
        return c.json(live);
      })
      .post('/marker', async (c) => {
        const { label } = await jsonBody(c, markerRequestSchema);
        if (!recorder.isArmed())
          throw new ApiError(409, 'no capture is armed: start one before placing a marker');
        const event = recorder.addEvent({
          monoUs: recorder.nowMonoUs(),
          sessionId: null,
          type: 'marker',
          summary: `marker: ${label}`,
          details: { label },
        });
        if (!event) {
          throw new ApiError(
            409,
            `the armed capture holds its maximum of ${MAX_CAPTURE_EVENTS} events; the marker was not added`,
          );
        }
        return c.json(event);
      })
      .post('/events/ticket', (c) => c.json(tickets.issue(CAPTURE_EVENTS_PATH)))
      .get('/events', (c) =>
        streamSSE(c, (stream) =>
          relayEvents(stream, c.req.raw.signal, (send) => {
            const sendStatus = () => send('status', recorder.status());
            const offArmed = recorder.onArmedChange(sendStatus);
            const offSample = recorder.onSample((sample) => send('sample', sample));
            const offEvent = recorder.onEvent((event) => send('timeline-event', event));
            const offTelemetry = recorder.onTelemetry((sample) => send('telemetry', sample));
            sendStatus();
            return () => {
              offArmed();
              offSample();
              offEvent();
              offTelemetry();
            };
          }),
        ),
      ),
  openapi: {
    '/stats/capture/start': {
      post: {
        summary: 'Arm a capture (idempotent: when armed already, changes nothing)',
        responses: { 200: { description: 'the capture status', schema: captureStatusSchema } },
      },
    },
    '/stats/capture/stop': {
      post: {
        summary: 'Disarm, then save the capture',
        description: 'When idle, retries saves that failed earlier (kept in memory).',
        responses: {
          200: { description: 'the saved capture', schema: captureMetaSchema },
          204: { description: 'nothing was armed' },
        },
      },
    },
    '/stats/capture/status': {
      get: {
        summary: 'Armed or idle, sample count, elapsed time on the host clock',
        responses: { 200: { description: 'status', schema: captureStatusSchema } },
      },
    },
    '/stats/capture/live': {
      get: {
        summary: 'The armed capture so far',
        responses: { 200: { description: 'metadata (provisional id) and samples', schema: captureSchema } },
      },
    },
    '/stats/capture/marker': {
      post: {
        summary: 'Put an operator\'s marker on the armed capture\'s event lane (e.g. "started the game")',
        description:
          'The label is 1–120 characters with no control or bidirectional formatting characters. ' +
          'The marker is stamped with the host clock when the request arrives.',
        body: markerRequestSchema,
        responses: {
          200: { description: 'the marker as put on the lane', schema: timelineEventSchema },
          400: { description: 'malformed body or label' },
          409: { description: 'no capture is armed' },
        },
      },
    },
    '/stats/capture/events/ticket': {
      post: {
        summary:
          'A single-use ticket (30 s) for opening this event stream with EventSource (it opens no other stream)',
        responses: { 200: { description: 'ticket', schema: ticketSchema } },
      },
    },
    '/stats/capture/events': {
      get: {
        summary:
          'Server-sent events: `status` on connect and on arm/disarm, `sample` per appended sample, ' +
          '`timeline-event` per event on the lane, `telemetry` per host telemetry window',
        description:
          'Bearer header, or ?ticket= from POST /stats/capture/events/ticket (the token never goes in a URL).',
        query: { ticket: z.string() },
        responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
      },
    },
  },
};
