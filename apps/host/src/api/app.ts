// The management API as one Hono app: every resource registered here, behind
// one auth middleware and one body limit, with one error envelope
// {"error": "..."}. The console hook serves everything outside /api/; the
// Host check (plain HTTP) guards both.
import { API_BASE_PATH } from '@punktfunk/shared';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { metricsEndpoint } from '../metrics/route.js';
import { type AuthOptions, authenticate } from './auth.js';
import { type ConsoleHandler, consolePlaceholder } from './console.js';
import type { ApiDeps, ApiEnv, ApiResource } from './context.js';
import { clientWentAway, toApiError } from './errors.js';
import { checkHost } from './host-check.js';
import { captureResource } from './routes/capture.js';
import { clientsResource } from './routes/clients.js';
import { gamestreamResource } from './routes/gamestream.js';
import { healthResource } from './routes/health.js';
import { liveResource } from './routes/live.js';
import { openapiResource } from './routes/openapi.js';
import { pairingResource } from './routes/pairing.js';
import { recordingsResource } from './routes/recordings.js';
import { sessionsResource } from './routes/sessions.js';
import { statusResource } from './routes/status.js';
import { TokenBackoff } from './token-backoff.js';
import { limitBody } from './validate.js';

/** Every API resource, in one place. */
export const API_RESOURCES: readonly ApiResource[] = [
  liveResource,
  healthResource,
  statusResource,
  sessionsResource,
  captureResource,
  recordingsResource,
  pairingResource,
  clientsResource,
  gamestreamResource,
  openapiResource(() => API_RESOURCES),
];

export interface CreateApiOptions extends ApiDeps {
  auth: Omit<AuthOptions, 'tickets'>;
  /** Serves the web console (paths outside /api/); default: a placeholder page. */
  console?: ConsoleHandler;
  /** Host names the plain-HTTP listener answers to besides loopback (PUNKTFUNK_MGMT_HOSTS). */
  allowedHosts?: readonly string[];
}

export function createApi(options: CreateApiOptions): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  // One table of wrong tokens per address for the API and /metrics.
  const backoff = options.auth.backoff ?? new TokenBackoff();
  // First, so no route (nor a 404 for an unknown one) answers before auth.
  api.use('*', authenticate({ ...options.auth, backoff, tickets: options.tickets }));
  api.use('*', limitBody());
  api.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  for (const resource of API_RESOURCES) api.route(resource.base, resource.routes(options));

  const app = new Hono<ApiEnv>();
  app.use('*', checkHost(options.allowedHosts ?? []));
  app.use('*', secureHeaders());
  app.route(API_BASE_PATH, api);
  if (options.metrics) app.use('*', metricsEndpoint(options.metrics, options.auth.token, backoff));
  const serveConsole = options.console ?? consolePlaceholder;
  app.use('*', (c, next) => (c.req.path.startsWith(`${API_BASE_PATH}/`) ? next() : serveConsole(c, next)));
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (clientWentAway(c)) {
      options.log.info(`${c.req.method} ${c.req.path}: the client closed the connection mid-request`);
      // Nobody reads it; 499 is nginx's "client closed request", for any proxy log.
      return c.body(null, 499 as ContentfulStatusCode);
    }
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      options.log.error(`${c.req.method} ${c.req.path} failed: ${(error as Error).stack ?? String(error)}`);
    }
    return c.json({ error: apiError.message }, apiError.status, apiError.headers);
  });
  return app;
}
