// Request and response schemas of the API beyond the capture model (which is
// in recorder/capture-schema.ts). Requests are validated with these; the
// OpenAPI document is generated from them.
import type {
  ApiErrorBody,
  Capture,
  CaptureMarkerRequest,
  DesktopStatus,
  EventsTicketResponse,
  GameStreamAppsResponse,
  HealthResponse,
  HostStatusResponse,
  LivenessResponse,
  PairedClientInfo,
  PairedClientPatchRequest,
  PairedClientsResponse,
  PairingRefusedResponse,
  PairingUpdate,
  PairPinAcceptedResponse,
  PairPinRequest,
  PendingPairingsResponse,
  RecordingPatchRequest,
  RecordingsListResponse,
} from '@punktfunk/shared';
import { MARKER_LABEL_MAX_CHARS, nameProblem } from '@punktfunk/shared';
import { z } from 'zod';
import { CLIENT_NAME_MAX_CHARS, clientNameProblem } from '../identity/paired-clients.js';
import {
  CAPTURE_ID_PATTERN_SOURCE,
  isValidCaptureId,
  MAX_CAPTURE_ID_LENGTH,
} from '../recorder/capture-id.js';
import {
  captureMetaSchema,
  type captureSchema,
  type Same,
  sessionInfoSchema,
} from '../recorder/capture-schema.js';

export const errorSchema = z.object({ error: z.string() });

export const captureIdSchema = z
  .string()
  .min(1)
  .max(MAX_CAPTURE_ID_LENGTH)
  .regex(new RegExp(CAPTURE_ID_PATTERN_SOURCE))
  .refine(isValidCaptureId, 'not a recording id');

export const livenessSchema = z.object({ status: z.literal('ok') });

export const healthSchema = z.object({ status: z.literal('ok'), uptimeMs: z.number() });

export const desktopStatusSchema = z.object({
  configured: z.string(),
  backend: z.string().nullable(),
  description: z.string().nullable(),
  size: z.object({ width: z.number(), height: z.number() }).nullable(),
  inputInjector: z.string().nullable(),
  waitingForApproval: z.boolean(),
});

export const hostStatusSchema = z.object({
  hostName: z.string(),
  hostVersion: z.string(),
  uniqueId: z.string(),
  certFingerprintSha256: z.string(),
  encoderBackend: z.string().nullable(),
  encoderName: z.string().nullable(),
  sessions: z.array(sessionInfoSchema),
  uptimeMs: z.number(),
  lanAddresses: z.array(z.string()),
  desktop: desktopStatusSchema,
});

export const recordingsListSchema = z.object({
  recordings: z.array(captureMetaSchema),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
});

// Names show in a table row; notes are free text, with line breaks.
const NAME_MAX_CHARS = 200;
const NOTE_MAX_CHARS = 10_000;
/** A displayed text field: no bidirectional overrides or controls (nameProblem says which). */
function refuseUnsafe(field: string, allowLineBreaks: boolean) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = nameProblem(value, allowLineBreaks);
    if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
  };
}

/** A one-line displayed text (a name, a host name): no controls, no bidi overrides. */
export function displayNameSchema(field: string, maxChars = NAME_MAX_CHARS) {
  return z
    .string()
    .max(maxChars)
    .regex(/^\P{Cc}*$/u, `${field} must not contain control characters`)
    .superRefine(refuseUnsafe(field, false));
}

export const recordingNoteSchema = z
  .string()
  .max(NOTE_MAX_CHARS)
  .regex(
    /^(?:[\n\r\t]|\P{Cc})*$/u,
    'note must not contain control characters other than line breaks and tabs',
  )
  .superRefine(refuseUnsafe('note', true));

export const recordingPatchSchema = z
  .strictObject({
    name: displayNameSchema('name').nullable().optional(),
    note: recordingNoteSchema.nullable().optional(),
  })
  .refine((body) => body.name !== undefined || body.note !== undefined, 'send name and/or note');

/** An operator's marker: a short label, shown on the lane and in tooltips. */
export const markerRequestSchema = z.strictObject({
  label: z
    .string()
    .trim()
    .min(1, 'label must not be empty')
    .max(MARKER_LABEL_MAX_CHARS, `label must be at most ${MARKER_LABEL_MAX_CHARS} characters`)
    .regex(/^\P{Cc}*$/u, 'label must not contain control characters')
    .superRefine(refuseUnsafe('label', false)),
});

export const ticketSchema = z.object({ ticket: z.string(), expiresInMs: z.number() });

const pairingKindSchema = z.enum(['gamestream', 'native']);

/** A request's id (a UUID), or a kind (`gamestream`, `native`): the one request of that kind waiting. */
export const pairingRequestIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'not a pairing request id')
  .describe(
    'a request id from GET /pairing/pending, or `gamestream` / `native`: the one request of that kind waiting',
  );

export const pendingPairingSchema = z.object({
  requestId: z.string(),
  kind: pairingKindSchema,
  clientName: z.string(),
  address: z.string(),
  fingerprint: z.string(),
  requestedUnixMs: z.number(),
});
export const pendingPairingsSchema = z.object({ requests: z.array(pendingPairingSchema) });

export const pairingUpdateSchema = pendingPairingSchema.extend({
  state: z.enum(['waiting', 'paired', 'failed', 'cancelled']),
  detail: z.string(),
});

export const pairPinSchema = z.strictObject({
  pin: z.string().regex(/^[0-9]{4}$/, 'pin must be the 4 digits the client shows'),
});
export const pairPinAcceptedSchema = z.object({ requestId: z.string(), accepted: z.literal(true) });
export const pairingRefusedSchema = z.object({ requestId: z.string(), refused: z.literal(true) });

export const fingerprintSchema = z
  .string()
  .describe('SHA-256 of the client certificate: 64 hex digits, optionally colon-separated');

export const pairedClientSchema = z.object({
  fingerprint: z.string(),
  shortFingerprint: z.string().describe('the first 8 bytes of the fingerprint, colon-separated'),
  name: z.string(),
  pairedUnixMs: z.number(),
});

export const pairedClientsSchema = z.object({ clients: z.array(pairedClientSchema) });

export const pairedClientPatchSchema = z.strictObject({
  name: z
    .string()
    .describe(`1 to ${CLIENT_NAME_MAX_CHARS} characters, no control or bidirectional formatting characters`)
    .superRefine((name, ctx) => {
      const problem = clientNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

export const gamestreamAppsSchema = z.object({
  enabled: z.boolean(),
  apps: z.array(z.object({ id: z.number(), title: z.string() })),
});

const schemasMatchTypes: [
  Same<z.output<typeof errorSchema>, ApiErrorBody>,
  Same<z.output<typeof livenessSchema>, LivenessResponse>,
  Same<z.output<typeof healthSchema>, HealthResponse>,
  Same<z.output<typeof hostStatusSchema>, HostStatusResponse>,
  Same<z.output<typeof desktopStatusSchema>, DesktopStatus>,
  Same<z.output<typeof recordingsListSchema>, RecordingsListResponse>,
  Same<z.output<typeof captureSchema>, Capture>,
  Same<z.output<typeof recordingPatchSchema>, RecordingPatchRequest>,
  Same<z.output<typeof ticketSchema>, EventsTicketResponse>,
  Same<z.output<typeof markerRequestSchema>, CaptureMarkerRequest>,
  Same<z.output<typeof pendingPairingsSchema>, PendingPairingsResponse>,
  Same<z.output<typeof pairingUpdateSchema>, PairingUpdate>,
  Same<z.output<typeof pairPinSchema>, PairPinRequest>,
  Same<z.output<typeof pairPinAcceptedSchema>, PairPinAcceptedResponse>,
  Same<z.output<typeof pairingRefusedSchema>, PairingRefusedResponse>,
  Same<z.output<typeof pairedClientSchema>, PairedClientInfo>,
  Same<z.output<typeof pairedClientsSchema>, PairedClientsResponse>,
  Same<z.output<typeof pairedClientPatchSchema>, PairedClientPatchRequest>,
  Same<z.output<typeof gamestreamAppsSchema>, GameStreamAppsResponse>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
void schemasMatchTypes;
