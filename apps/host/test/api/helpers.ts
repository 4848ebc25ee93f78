// An API on a temp directory, with a known token and a hand-driven ticket
// clock, called through app.request() (no sockets).
import { join } from 'node:path';
import type { Hono } from 'hono';
import {
  type ApiEnv,
  type ApiServers,
  type CreateApiOptions,
  createApi,
  EventTickets,
  listenApi,
  type StreamingStatus,
} from '../../src/api/index.js';
import { loadListenersConfig } from '../../src/config/index.js';
import { type HostIdentity, loadOrCreateIdentity } from '../../src/identity/host-identity.js';
import { PairedClients } from '../../src/identity/paired-clients.js';
import { PeerFailureLog } from '../../src/net/peer-failures.js';
import { PendingPairings } from '../../src/pairing/pending-pairings.js';
import { type Harness, harness } from '../recorder/fixtures.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const BASE = 'http://127.0.0.1/api/v1';

/** The desktop status of a host that has not opened a desktop yet (synthetic capture). */
export const NO_DESKTOP_YET: StreamingStatus['desktop'] = {
  configured: 'synthetic',
  backend: null,
  description: null,
  size: null,
  inputInjector: null,
  waitingForApproval: false,
};

export interface ApiHarness extends Harness {
  app: Hono<ApiEnv>;
  paired: PairedClients;
  ticketClock: { ms: number };
  streaming: StreamingStatus;
  /** Session ids the streaming side would end (the real one: the e2e tests); `ended` lists those ended. */
  running: Set<string>;
  ended: string[];
  /** A request with the operator's token (unless headers say otherwise). */
  call(path: string, init?: RequestInit): Promise<Response>;
}

export async function apiHarness(overrides: Partial<CreateApiOptions> = {}): Promise<ApiHarness> {
  const h = await harness();
  const paired = await PairedClients.open(join(h.root, 'config', 'paired-clients.json'));
  const ticketClock = { ms: 0 };
  const running = new Set<string>();
  const ended: string[] = [];
  const streaming: StreamingStatus = {
    encoderBackend: 'software',
    encoderName: 'libx264',
    sessions: [],
    desktop: NO_DESKTOP_YET,
  };
  const app = createApi({
    recorder: h.recorder,
    host: { name: 'test-host', version: '0.1.0', uniqueId: 'uid', certFingerprintSha256: 'ab'.repeat(32) },
    statusProvider: () => streaming,
    tickets: new EventTickets(() => ticketClock.ms),
    pairings: new PendingPairings(),
    pairedClients: paired,
    sessions: {
      end: async (sessionId: string) => {
        if (!running.delete(sessionId)) return false;
        ended.push(sessionId);
        return true;
      },
    },
    gamestreamApps: () => [{ id: 1, title: 'Desktop' }],
    auth: { token: TOKEN, pairedClients: paired },
    log: h.log,
    ...overrides,
  });
  const call = async (path: string, init: RequestInit = {}) =>
    app.request(`${BASE}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) },
    });
  return { ...h, app, paired, ticketClock, streaming, running, ended, call };
}

export interface ListeningApi extends ApiHarness {
  servers: ApiServers;
  /** The host certificate the TLS listener serves. */
  identity: HostIdentity;
}

/** The same API on real sockets: plain HTTP and TLS on 127.0.0.1, free ports. */
export async function listeningApi(overrides: Partial<CreateApiOptions> = {}): Promise<ListeningApi> {
  const h = await apiHarness(overrides);
  const identity = await loadOrCreateIdentity(join(h.root, 'config'), 'test-host');
  const servers = await listenApi(h.app, {
    port: 0,
    bind: '127.0.0.1',
    tlsPort: 0,
    tlsBind: '127.0.0.1',
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    guard: {
      limits: loadListenersConfig({}).managementLimits,
      failures: new PeerFailureLog({ intervalMs: 10_000, log: () => {} }),
    },
  });
  return {
    ...h,
    servers,
    identity,
    cleanup: async () => {
      await servers.close();
      await h.cleanup();
    },
  };
}

export const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Reads server-sent events from a response until `count` have arrived. */
export async function readEvents(res: Response, count: number): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}
