// GET /metrics: the Prometheus exposition, outside /api/v1 where scrape
// configs look by default. It opens with the operator's bearer token or
// the read-only scrape token (PUNKTFUNK_METRICS_TOKEN), which opens nothing
// else: a Prometheus server holding it can read figures, never act. Wrong
// tokens back off per address like the API's.
import type { Context, MiddlewareHandler } from 'hono';
import { CHALLENGE, checkBearer, sha256 } from '../api/auth.js';
import type { ApiEnv } from '../api/context.js';
import { ApiError } from '../api/errors.js';
import type { TokenBackoff } from '../api/token-backoff.js';

export const METRICS_PATH = '/metrics';

export interface MetricsScrape {
  contentType: string;
  body: string;
}

export interface MetricsEndpointOptions {
  /** Renders the registry (prom-client's exposition). */
  scrape(): Promise<MetricsScrape>;
  /** PUNKTFUNK_METRICS_TOKEN; null: only the operator's token opens /metrics. */
  token: string | null;
}

/** Answers GET/HEAD /metrics; passes every other request on. */
export function metricsEndpoint(
  options: MetricsEndpointOptions,
  operatorToken: string,
  backoff: TokenBackoff,
): MiddlewareHandler<ApiEnv> {
  const digests = [sha256(operatorToken), ...(options.token ? [sha256(options.token)] : [])];
  return async (c: Context<ApiEnv>, next) => {
    if (c.req.path !== METRICS_PATH) return next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      throw new ApiError(405, 'only GET and HEAD on /metrics', { Allow: 'GET, HEAD' });
    }
    const header = c.req.header('authorization');
    if (header === undefined) {
      throw new ApiError(401, 'missing credentials: send Authorization: Bearer <token>', CHALLENGE);
    }
    checkBearer(c, header, digests, backoff);
    const { contentType, body } = await options.scrape();
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, { 'Content-Type': contentType });
  };
}
