// A test host's management API with /metrics on real sockets, and a scrape
// over either lane (plain HTTP, or TLS trusting exactly the host's certificate).
import { request as httpsRequest } from 'node:https';
import type { MetricsConfig } from '../../src/config/index.js';
import { createMetrics, type PunktfunkMetrics } from '../../src/metrics/index.js';
import { PendingPairings } from '../../src/pairing/pending-pairings.js';
import { type ListeningApi, listeningApi } from '../api/helpers.js';

export const METRICS_TOKEN = 'scrape-only-token-0123456789';

export interface MetricsHost extends ListeningApi {
  metrics: PunktfunkMetrics;
  pairings: PendingPairings;
  scrape(
    lane: 'http' | 'https',
    token?: string,
    path?: string,
  ): Promise<{ status: number; body: string; type: string }>;
}

export async function metricsHost(config: Partial<MetricsConfig> = {}): Promise<MetricsHost> {
  const pairings = new PendingPairings();
  let recorder: { isArmed(): boolean } | null = null;
  const metrics = createMetrics({
    config: { perSession: true, token: METRICS_TOKEN, otlpEndpoint: null, otlpIntervalMs: 15_000, ...config },
    info: { host: 'test-host', version: '0.1.0', encoder: 'libx264' },
    captureArmed: () => recorder?.isArmed() ?? false,
    pairings,
  });
  const h = await listeningApi({ pairings, metrics: metrics.endpoint });
  recorder = h.recorder;
  const scrape: MetricsHost['scrape'] = (lane, token, path = '/metrics') =>
    new Promise((resolve, reject) => {
      const url = new URL(path, lane === 'https' ? h.servers.httpsUrl : h.servers.httpUrl);
      const headers = token ? { authorization: `Bearer ${token}` } : undefined;
      if (lane === 'http') {
        fetch(url, { headers }).then(
          async (res) =>
            resolve({
              status: res.status,
              body: await res.text(),
              type: res.headers.get('content-type') ?? '',
            }),
          reject,
        );
        return;
      }
      const req = httpsRequest(
        url,
        { headers, ca: h.identity.certPem, checkServerIdentity: () => undefined, agent: false },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] ?? '' }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  return {
    ...h,
    metrics,
    pairings,
    scrape,
    cleanup: async () => {
      await metrics.close();
      await h.cleanup();
    },
  };
}
