// The OTLP push for real: the official OpenTelemetry SDK posts OTLP/HTTP
// (JSON) to a collector stand-in, a node HTTP server on loopback, after a
// real trace session streamed through a worker. The same names arrive, and
// the latency histogram's count is the session's frames.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingCore } from '../../src/streaming/core/streaming-core.js';
import { metricsHost } from './scrape.js';

interface OtlpMetric {
  name: string;
  histogram?: {
    dataPoints: {
      count: number | string;
      attributes: { key: string; value: { stringValue?: string } }[];
      explicitBounds: number[];
    }[];
  };
  sum?: { dataPoints: { asInt?: number | string; asDouble?: number }[] };
  gauge?: { dataPoints: unknown[] };
}

const posts: {
  path: string;
  type: string;
  body: { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] };
}[] = [];
const collector = createServer(async (req: IncomingMessage, res) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  posts.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(text) });
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/metrics`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('OTLP push', () => {
  it('pushes the /metrics names, the latency histogram counting every frame', async () => {
    // The interval is long: the push the test reads is the one close() makes.
    const host = await metricsHost({ otlpEndpoint: endpoint, otlpIntervalMs: 3_600_000 });
    const core = createStreamingCore({
      recorder: host.recorder,
      perf: false,
      metrics: host.metrics.sessions,
      log: () => {},
    });
    const tracePath = new URL('../../traces/steady-60fps.jsonl', import.meta.url).pathname;
    const session = core.sessions.start({
      kind: 'native',
      client: 'tester@127.0.0.1',
      windowMs: 500,
      source: { kind: 'trace', tracePath, virtualClock: true },
      send: {
        remoteHost: '127.0.0.1',
        remotePort: 9,
        key: new Uint8Array(32),
        salt: new Uint8Array(4),
        shardBytes: 1200,
        fecPercent: 20,
      },
    });
    const end = await session.ended;
    await core.close();
    await host.cleanup(); // closes the metrics: a last push
    expect(posts.length).toBeGreaterThan(0);
    const last = posts.at(-1);
    expect(last?.path).toBe('/v1/metrics');
    expect(last?.type).toMatch(/application\/json/);
    const metrics = new Map<string, OtlpMetric>();
    for (const rm of last?.body.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics) for (const m of sm.metrics) metrics.set(m.name, m);
    for (const name of [
      'punktfunk_host_latency_seconds',
      'punktfunk_stage_seconds',
      'punktfunk_session_frames_total',
      'punktfunk_sessions_started_total',
      'punktfunk_sessions_ended_total',
      'punktfunk_sessions_active',
      'punktfunk_capture_armed',
      'punktfunk_host_info',
    ]) {
      expect(metrics.has(name), name).toBe(true);
    }
    const latency = metrics.get('punktfunk_host_latency_seconds')?.histogram?.dataPoints ?? [];
    expect(latency).toHaveLength(1);
    expect(Number(latency[0]?.count)).toBe(end.frames);
    expect(latency[0]?.explicitBounds).toEqual([
      0.001, 0.002, 0.003, 0.004167, 0.005, 0.006944, 0.008333, 0.011111, 0.016667, 0.025, 0.033333, 0.05,
      0.1, 0.25,
    ]);
    const client = latency[0]?.attributes.find((a) => a.key === 'client')?.value.stringValue;
    expect(client).toBe('tester');
    expect(metrics.get('punktfunk_stage_seconds')?.histogram?.dataPoints).toHaveLength(4);
    expect(
      Number(
        metrics.get('punktfunk_session_frames_total')?.sum?.dataPoints[0]?.asDouble ??
          metrics.get('punktfunk_session_frames_total')?.sum?.dataPoints[0]?.asInt,
      ),
    ).toBe(end.frames);
  });
});
