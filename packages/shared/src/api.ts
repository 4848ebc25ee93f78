// Shapes of the management API (/api/v1) as the console and other clients see
// them. The host validates requests against zod schemas built to match these.
import type { CaptureMeta, CaptureStatus, SessionInfo, StatsSample } from './stats.js';
import type { HostTelemetrySample, TimelineEvent } from './timeline.js';

export const API_BASE_PATH = '/api/v1';

/** Every error response: a status code and this body. */
export interface ApiErrorBody {
  error: string;
}

/** GET /api/v1/live, open without credentials: nothing but that the process answers. */
export interface LivenessResponse {
  status: 'ok';
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
  /**
   * The host's addresses other machines can reach it at (non-loopback, IPv4
   * first, no link-local): what a client on the LAN types in.
   */
  lanAddresses: string[];
  /** What the streams show: the capture backend last opened (or about to be), and its input. */
  desktop: DesktopStatus;
}

/** The desktop the host captures, as the last session start opened it. */
export interface DesktopStatus {
  /** PUNKTFUNK_CAPTURE as configured: auto, x11, synthetic, portal, mutter, wlr, pipewire. */
  configured: string;
  /** The backend the last session opened (x11, synthetic, mutter, portal, wlr, pipewire); null before the first. */
  backend: string | null;
  /** e.g. "mutter Meta-0 1280x720 (PipeWire node 36)"; null before the first session. */
  description: string | null;
  /** The captured screen's size; null when not known (before the first session, synthetic). */
  size: { width: number; height: number } | null;
  /** Where the stream's mouse and keyboard go (x11, mutter, wlr), or null with none. */
  inputInjector: string | null;
  /** A desktop portal is showing its approval dialog and the session start waits for it. */
  waitingForApproval: boolean;
}

export interface RecordingsListResponse {
  /** Metadata only, newest first. */
  recordings: CaptureMeta[];
  /**
   * `*.json` files in the captures directory that are not listed, by name:
   * reason is e.g. "not a regular file" (a symbolic link, FIFO, device),
   * "larger than 67108864 bytes", "does not parse as a whole JSON document".
   */
  skipped: { file: string; reason: string }[];
}

/** PATCH /stats/recordings/:id. `null` or '' clears a field; an absent field is left alone. */
export interface RecordingPatchRequest {
  name?: string | null;
  note?: string | null;
}

/** POST /stats/capture/marker: an operator's marker on the armed capture's event lane. */
export interface CaptureMarkerRequest {
  /** 1–120 characters, no control or bidirectional formatting characters. */
  label: string;
}

/** The most characters a marker's label may have. */
export const MARKER_LABEL_MAX_CHARS = 120;

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
export type CaptureEvent =
  | { event: 'status'; data: CaptureStatus }
  | { event: 'sample'; data: StatsSample }
  /** `timeline-event`: an event on the lane (keyframe, bitrate change, loss burst, marker, ...). */
  | { event: 'timeline-event'; data: TimelineEvent }
  /** `telemetry`: host CPU, load and memory over the last telemetry window. */
  | { event: 'telemetry'; data: HostTelemetrySample };

/** Which protocol a pairing request or a paired client came through. */
export type PairingKind = 'gamestream' | 'native';

/** A client waiting for the operator to enter the PIN it shows (GET /pairing/pending). */
export interface PendingPairing {
  requestId: string;
  kind: PairingKind;
  clientName: string;
  /** Where the request came from (IP address). */
  address: string;
  /** SHA-256 of the client's certificate, lowercase hex. */
  fingerprint: string;
  requestedUnixMs: number;
}

export interface PendingPairingsResponse {
  requests: PendingPairing[];
}

/**
 * POST /pairing/:requestId/pin, for a request of either protocol. `:requestId`
 * is a request's id, or a kind (`gamestream`, `native`): the one request of
 * that kind waiting.
 */
export interface PairPinRequest {
  pin: string;
}

/** The PIN was handed to the waiting request; whether it was right comes later, as its outcome. */
export interface PairPinAcceptedResponse {
  requestId: string;
  accepted: true;
}

/** POST /pairing/:requestId/refuse. */
export interface PairingRefusedResponse {
  requestId: string;
  refused: true;
}

/** How a pairing request ended, as far as the host knows. */
export interface PairingOutcome {
  requestId: string;
  outcome: 'paired' | 'failed';
  detail: string;
}

/** One request as it changes (the `pairing` event): waiting, then paired, failed or cancelled. */
export interface PairingUpdate extends PendingPairing {
  state: 'waiting' | 'paired' | 'failed' | 'cancelled';
  detail: string;
}

/**
 * Server-sent events on GET /pairing/events:
 * `pending` (PendingPairingsResponse) on connect,
 * `pairing` (PairingUpdate) when a request starts waiting and when it ends.
 */
export type PairingEvent =
  | { event: 'pending'; data: PendingPairingsResponse }
  | { event: 'pairing'; data: PairingUpdate };

export interface PairedClientInfo {
  /** SHA-256 of the client's certificate, lowercase hex: the key to rename and unpair with. */
  fingerprint: string;
  /** Its first 8 bytes, colon-separated (`a1:b2:c3:d4:e5:f6:07:18`): what tells two clients of one name apart. */
  shortFingerprint: string;
  /** The name the client paired with, or the operator's since. */
  name: string;
  pairedUnixMs: number;
}

/** PATCH /clients/:fingerprint: the operator renames a paired client. */
export interface PairedClientPatchRequest {
  name: string;
}

/** GET /clients: the clients paired through either protocol (one store). */
export interface PairedClientsResponse {
  clients: PairedClientInfo[];
}

export interface GameStreamAppInfo {
  id: number;
  title: string;
}

export interface GameStreamAppsResponse {
  /** false when GameStream is switched off (PUNKTFUNK_GAMESTREAM=0); apps is then empty. */
  enabled: boolean;
  apps: GameStreamAppInfo[];
}
