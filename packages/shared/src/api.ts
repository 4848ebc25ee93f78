// Shapes of the management API (/api/v1) as the console and other clients see
// them. The host validates requests against zod schemas built to match these.
import type { CaptureMeta, CaptureStatus, SessionInfo, StatsSample } from './stats.js';

export const API_BASE_PATH = '/api/v1';

/** Every error response: a status code and this body. */
export interface ApiErrorBody {
  error: string;
}

export interface HealthResponse {
  status: 'ok';
  uptimeMs: number;
}

export interface HostStatusResponse {
  hostName: string;
  hostVersion: string;
  /** Stable across restarts; GameStream reuses it. */
  uniqueId: string;
  /** SHA-256 of the host certificate (DER), lowercase hex. */
  certFingerprintSha256: string;
  encoderBackend: string | null;
  encoderName: string | null;
  /** Sessions streaming now. */
  sessions: SessionInfo[];
  uptimeMs: number;
}

export interface RecordingsListResponse {
  /** Metadata only, newest first. */
  recordings: CaptureMeta[];
}

/** PATCH /stats/recordings/:id. `null` or '' clears a field; an absent field is left alone. */
export interface RecordingPatchRequest {
  name?: string | null;
  note?: string | null;
}

/** A single-use ticket for GET /stats/capture/events?ticket=… (EventSource cannot send headers). */
export interface EventsTicketResponse {
  ticket: string;
  expiresInMs: number;
}

/**
 * Server-sent events on GET /stats/capture/events:
 * `status` (CaptureStatus) on connect and whenever the capture is armed or disarmed,
 * `sample` (StatsSample) for every sample the recorder appends.
 */
export type CaptureEvent = { event: 'status'; data: CaptureStatus } | { event: 'sample'; data: StatsSample };
