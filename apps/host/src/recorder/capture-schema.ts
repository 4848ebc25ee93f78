// zod schemas for what the recorder reads back from disk (and the API
// documents). Figures a file does not have load as null ("not measured"), so
// files written before a figure existed still load.
import type {
  CaptureMeta,
  CaptureStatus,
  CaptureVerdict,
  HostTelemetrySample,
  SessionDisplayInfo,
  SessionInfo,
  StatsSample,
  TimelineEvent,
} from '@punktfunk/shared';
import { z } from 'zod';

/** The first member of every capture file; bumped when the layout changes incompatibly. */
export const CAPTURE_FORMAT = 'punktfunk.capture.v1';

// Spelled out (not derived from the shared arrays) so zod infers the literal
// types; the check at the bottom keeps them equal to PathKind and StageName.
const pathKind = z.enum(['native', 'gamestream']);
const stageName = z.enum(['capture', 'submit', 'encode', 'packetize', 'send']);
const figure = z.number().nullable().default(null);

export const stageStatSchema = z.object({
  name: stageName,
  p50Us: z.number(),
  p99Us: z.number(),
});

export const statsSampleSchema = z.object({
  tMs: z.number(),
  sessionId: z.string(),
  kind: pathKind,
  windowMs: z.number(),
  measuredFrames: z.number(),
  stages: z.array(stageStatSchema),
  hostP50Us: figure,
  hostP99Us: figure,
  fps: z.number(),
  repeatFps: figure,
  wireMbps: figure,
  bitrateKbps: figure,
  framesDropped: figure,
  sendRefused: figure,
  packetsLost: figure,
  fecRecovered: figure,
  fecUs: figure,
  sealUs: figure,
  socketUs: figure,
  rttUs: figure,
  idrRequests: figure,
  unrecoverableFrames: figure,
  clientDecodeP50Us: figure,
  e2eP50Us: figure,
  e2eP99Us: figure,
  workerCpuPct: figure,
});

export const sessionDisplayInfoSchema = z.object({
  mode: z.enum(['desktop', 'virtual']),
  backend: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  description: z.string(),
});

export const sessionInfoSchema = z.object({
  sessionId: z.string(),
  kind: pathKind,
  client: z.string().nullable(),
  width: z.number(),
  height: z.number(),
  fps: z.number(),
  codec: z.string(),
  encoderName: z.string(),
  encoderBackend: z.string(),
  bitrateKbps: z.number(),
  startedUnixMs: z.number(),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  // Absent in recordings saved before displays were per session.
  display: sessionDisplayInfoSchema.nullable().optional(),
});

const nullableString = z.string().nullable().default(null);
const nullableNumber = z.number().nullable().default(null);

export const timelineInfoSchema = z.object({
  frames: z.number().int().nonnegative(),
  truncated: z.boolean(),
});

const verdictLevel = z.enum(['healthy', 'degraded', 'failed']);
export const captureVerdictSchema = z.object({
  level: verdictLevel,
  reasons: z.array(z.string()),
  sessions: z.array(z.object({ sessionId: z.string(), level: verdictLevel, reasons: z.array(z.string()) })),
});

export const timelineEventSchema = z.object({
  tMs: z.number(),
  sessionId: z.string().nullable(),
  type: z.enum([
    'keyframe',
    'bitrate',
    'loss-burst',
    'rtt-spike',
    'client-connect',
    'client-disconnect',
    'client-resume',
    'capture-change',
    'display-lost',
    'encoder-fallback',
    'marker',
  ]),
  summary: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const hostTelemetrySchema = z.object({
  tMs: z.number(),
  windowMs: z.number(),
  machineCpuPct: figure,
  cpuCores: figure,
  processCpuPct: figure,
  runQueue: figure,
  loadAvg1: figure,
  memUsedMb: figure,
  memTotalMb: figure,
  processRssMb: figure,
  gpuPct: figure,
  gpuEncoderPct: figure,
});

export const captureOriginSchema = z.object({
  hostName: z.string(),
  hostVersion: z.string(),
  importedUnixMs: z.number(),
  originalId: z.string(),
});

export const captureMetaSchema = z.object({
  id: z.string(),
  name: nullableString,
  note: nullableString,
  startedUnixMs: z.number(),
  durationMs: z.number(),
  kinds: z.array(pathKind),
  kind: pathKind.nullable().default(null),
  width: nullableNumber,
  height: nullableNumber,
  fps: nullableNumber,
  codec: nullableString,
  encoderBackend: nullableString,
  encoderName: nullableString,
  client: nullableString,
  sampleCount: z.number(),
  truncated: z.boolean(),
  hostName: z.string(),
  hostVersion: z.string(),
  sessions: z.array(sessionInfoSchema),
  timeline: timelineInfoSchema.nullable().default(null),
  eventCount: z.number().default(0),
  eventsTruncated: z.boolean().default(false),
  verdict: captureVerdictSchema.nullable().default(null),
  // Files from before imports existed, and every local recording: null.
  origin: captureOriginSchema.nullable().default(null),
});

export const captureSchema = z.object({
  meta: captureMetaSchema,
  samples: z.array(statsSampleSchema),
  events: z.array(timelineEventSchema).default([]),
  telemetry: z.array(hostTelemetrySchema).default([]),
});

/** A capture file: `{format, meta, samples}`. */
export const captureFileSchema = captureSchema.extend({ format: z.literal(CAPTURE_FORMAT) });
/** The head of a capture file: what list() parses. */
export const captureHeadSchema = z.object({ format: z.literal(CAPTURE_FORMAT), meta: captureMetaSchema });

export const captureStatusSchema = z.object({
  armed: z.boolean(),
  sampleCount: z.number(),
  startedUnixMs: z.number().nullable(),
  elapsedMs: z.number().nullable(),
  kinds: z.array(pathKind),
  truncated: z.boolean(),
});

// The schemas must produce exactly the shared types: a change on either side
// that breaks this fails the type-check, not a user's load.
/** True when A and B are the same type; used to pin schemas to the shared types. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTypes: [
  Same<z.output<typeof statsSampleSchema>, StatsSample>,
  Same<z.output<typeof sessionInfoSchema>, SessionInfo>,
  Same<z.output<typeof sessionDisplayInfoSchema>, SessionDisplayInfo>,
  Same<z.output<typeof captureMetaSchema>, CaptureMeta>,
  Same<z.output<typeof captureStatusSchema>, CaptureStatus>,
  Same<z.output<typeof timelineEventSchema>, TimelineEvent>,
  Same<z.output<typeof hostTelemetrySchema>, HostTelemetrySample>,
  Same<z.output<typeof captureVerdictSchema>, CaptureVerdict>,
] = [true, true, true, true, true, true, true, true];
void schemasMatchTypes;
