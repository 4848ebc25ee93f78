// What every API resource gets: the host's shared objects, and the Hono
// environment (the Node request, for the TLS client certificate).
import type { HttpBindings } from '@hono/node-server';
import type { DesktopStatus, GameStreamAppInfo, SessionInfo } from '@punktfunk/shared';
import type { Hono } from 'hono';
import type { PairedClient } from '../identity/paired-clients.js';
import type { MetricsEndpointOptions } from '../metrics/route.js';
import type { PendingPairings } from '../pairing/pending-pairings.js';
import type { StatsRecorder } from '../recorder/index.js';
import type { EventTickets } from './auth.js';
import type { PathSpecs } from './openapi.js';

/** Who is calling: the operator (bearer token) or a paired client (its TLS certificate). */
export type Principal = 'operator' | 'paired-client';

export type ApiEnv = {
  // Absent under app.request() in tests; set by @hono/node-server in the host.
  Bindings: Partial<HttpBindings>;
  Variables: { principal: Principal };
};

/** What only the streaming side knows; it supplies this function. */
export interface StreamingStatus {
  encoderBackend: string | null;
  encoderName: string | null;
  sessions: SessionInfo[];
  desktop: DesktopStatus;
}

export interface ApiLog {
  info(message: string): void;
  error(message: string): void;
}

export interface ApiDeps {
  recorder: StatsRecorder;
  host: { name: string; version: string; uniqueId: string; certFingerprintSha256: string };
  statusProvider: () => StreamingStatus;
  tickets: EventTickets;
  /** Clients waiting for the operator's PIN. */
  pairings: PendingPairings;
  /** Certificates paired through either protocol (GameStream or punktfunk/1). */
  pairedClients: {
    list(): PairedClient[];
    get(fingerprint: string): PairedClient | null;
    /** How logs name the client: its name and short fingerprint. */
    label(fingerprint: string): string;
    rename(fingerprint: string, name: string): Promise<PairedClient | null>;
    remove(fingerprint: string): Promise<boolean>;
  };
  /** Ends a running session as the operator; false when none with that id runs. */
  sessions: { end(sessionId: string): Promise<boolean> };
  /** GameStream's apps; null while GameStream is switched off (PUNKTFUNK_GAMESTREAM=0). */
  gamestreamApps: () => GameStreamAppInfo[] | null;
  /** GET /metrics (Prometheus, docs/fleet.md); absent: no such route. */
  metrics?: MetricsEndpointOptions | null;
  log: ApiLog;
}

/** One API resource: its routes under /api/v1<base>, and their OpenAPI description. */
export interface ApiResource {
  base: string;
  routes(deps: ApiDeps): Hono<ApiEnv>;
  /** Keyed by OpenAPI path under /api/v1, e.g. `/stats/recordings/{id}`. */
  openapi: PathSpecs;
}
