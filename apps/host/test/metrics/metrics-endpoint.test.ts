// GET /metrics on the real management listeners (plain HTTP and TLS): who may
// scrape, what a scrape holds before any session, and promtool's verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN } from '../api/helpers.js';
import { parseExposition, promtoolCheck, sampleValue } from './exposition.js';
import { METRICS_TOKEN, type MetricsHost, metricsHost } from './scrape.js';

let host: MetricsHost;
beforeAll(async () => {
  host = await metricsHost();
});
afterAll(() => host.cleanup());

describe('GET /metrics', () => {
  it.each(['http', 'https'] as const)('over %s: 401 without a token or with a wrong one', async (lane) => {
    const none = await host.scrape(lane);
    expect(none.status).toBe(401);
    expect(none.body).not.toContain('punktfunk_');
    const wrong = await host.scrape(lane, 'not-the-token-at-all-0000');
    expect(wrong.status).toBe(401);
  });

  it.each(['http', 'https'] as const)(
    'over %s: 200 with the operator token and with the scrape token',
    async (lane) => {
      for (const token of [TOKEN, METRICS_TOKEN]) {
        const res = await host.scrape(lane, token);
        expect(res.status).toBe(200);
        expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(res.body).toContain('# TYPE punktfunk_host_latency_seconds histogram');
      }
    },
  );

  it('the scrape token opens /metrics only', async () => {
    for (const path of [
      '/api/v1/status',
      '/api/v1/health',
      '/api/v1/stats/recordings',
      '/api/v1/openapi.json',
    ]) {
      expect((await host.scrape('http', METRICS_TOKEN, path)).status).toBe(401);
      expect((await host.scrape('http', TOKEN, path)).status).toBe(200);
    }
  });

  it('host-wide series before any session: info, capture state, zeroed session counters, process metrics', async () => {
    const body = (await host.scrape('http', METRICS_TOKEN)).body;
    const samples = parseExposition(body);
    expect(
      sampleValue(samples, 'punktfunk_host_info', {
        host: 'test-host',
        version: '0.1.0',
        encoder: 'libx264',
      }),
    ).toBe(1);
    expect(sampleValue(samples, 'punktfunk_capture_armed')).toBe(0);
    for (const path of ['native', 'gamestream']) {
      expect(sampleValue(samples, 'punktfunk_sessions_started_total', { path })).toBe(0);
      expect(sampleValue(samples, 'punktfunk_sessions_active', { path })).toBe(0);
    }
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('scrapes while a capture is armed, and says so', async () => {
    await host.call('/stats/capture/start', { method: 'POST' });
    const armed = await host.scrape('https', METRICS_TOKEN);
    expect(armed.status).toBe(200);
    expect(sampleValue(parseExposition(armed.body), 'punktfunk_capture_armed')).toBe(1);
    await host.call('/stats/capture/stop', { method: 'POST' });
    const idle = await host.scrape('https', METRICS_TOKEN);
    expect(sampleValue(parseExposition(idle.body), 'punktfunk_capture_armed')).toBe(0);
  });

  it('is listed in the OpenAPI document, with the scrape token as a second way in', async () => {
    const doc = (await (await host.call('/openapi.json')).json()) as {
      paths: Record<string, { servers?: { url: string }[]; get?: { security: object[] } }>;
      components: { securitySchemes: Record<string, { scheme?: string }> };
    };
    expect(doc.paths['/metrics']?.servers).toEqual([{ url: '/' }]);
    expect(doc.paths['/metrics']?.get?.security).toEqual([{ bearer: [] }, { metricsToken: [] }]);
    expect(doc.components.securitySchemes.metricsToken?.scheme).toBe('bearer');
  });

  it('passes promtool check metrics', async () => {
    const { status, output } = promtoolCheck((await host.scrape('http', TOKEN)).body);
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
