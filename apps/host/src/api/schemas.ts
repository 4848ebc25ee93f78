// Request and response schemas of the API beyond the capture model (which is
// in recorder/capture-schema.ts). Requests are validated with these; the
// OpenAPI document is generated from them.
import type {
  ApiErrorBody,
  EventsTicketResponse,
  HealthResponse,
  HostStatusResponse,
  RecordingPatchRequest,
  RecordingsListResponse,
} from '@punktfunk/shared';
import { z } from 'zod';
import {
  CAPTURE_ID_PATTERN_SOURCE,
  isValidCaptureId,
  MAX_CAPTURE_ID_LENGTH,
} from '../recorder/capture-id.js';
import { captureMetaSchema, type Same, sessionInfoSchema } from '../recorder/capture-schema.js';

export const errorSchema = z.object({ error: z.string() });

export const captureIdSchema = z
  .string()
  .min(1)
  .max(MAX_CAPTURE_ID_LENGTH)
  .regex(new RegExp(CAPTURE_ID_PATTERN_SOURCE))
  .refine(isValidCaptureId, 'not a recording id');

export const healthSchema = z.object({ status: z.literal('ok'), uptimeMs: z.number() });

export const hostStatusSchema = z.object({
  hostName: z.string(),
  hostVersion: z.string(),
  uniqueId: z.string(),
  certFingerprintSha256: z.string(),
  encoderBackend: z.string().nullable(),
  encoderName: z.string().nullable(),
  sessions: z.array(sessionInfoSchema),
  uptimeMs: z.number(),
});

export const recordingsListSchema = z.object({ recordings: z.array(captureMetaSchema) });

// Names show in a table row; notes are free text, with line breaks.
const NAME_MAX_CHARS = 200;
const NOTE_MAX_CHARS = 10_000;
export const recordingPatchSchema = z
  .strictObject({
    name: z
      .string()
      .max(NAME_MAX_CHARS)
      .regex(/^\P{Cc}*$/u, 'name must not contain control characters')
      .nullable()
      .optional(),
    note: z
      .string()
      .max(NOTE_MAX_CHARS)
      .regex(
        /^(?:[\n\r\t]|\P{Cc})*$/u,
        'note must not contain control characters other than line breaks and tabs',
      )
      .nullable()
      .optional(),
  })
  .refine((body) => body.name !== undefined || body.note !== undefined, 'send name and/or note');

export const ticketSchema = z.object({ ticket: z.string(), expiresInMs: z.number() });

const schemasMatchTypes: [
  Same<z.output<typeof errorSchema>, ApiErrorBody>,
  Same<z.output<typeof healthSchema>, HealthResponse>,
  Same<z.output<typeof hostStatusSchema>, HostStatusResponse>,
  Same<z.output<typeof recordingsListSchema>, RecordingsListResponse>,
  Same<z.output<typeof recordingPatchSchema>, RecordingPatchRequest>,
  Same<z.output<typeof ticketSchema>, EventsTicketResponse>,
] = [true, true, true, true, true, true];
void schemasMatchTypes;
