// What issue 15 promises a fleet operator, end to end: a real Prometheus
// (Debian's package, a child process) scrapes a real host's /metrics over
// its TLS listener with the read-only scrape token, while the project's
// GameStream client streams a session with a stats capture armed. Then
// Prometheus' HTTP API must show: the host latency p99 consistent with the
// recording's window p99s, the counters risen, the token-less scrape refused
// (down, 401), and every query of deploy/grafana/punktfunk.json answering.
// No skips: without prometheus/promtool the suite fails and says how to install them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { type Capture, decodeFrameColumns, parseFramesFile } from '@punktfunk/shared';
import { newConfigDir, type RunningHost, startPairedGameStreamHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries, loadDashboard, substitute } from '../fleet/dashboard-queries.js';
import { bucketOf, HOST_LATENCY_BUCKETS_S, rankQuantile } from '../fleet/histogram-buckets.js';
import {
  pollUntil,
  prometheusTool,
  type RunningPrometheus,
  startPrometheus,
} from '../fleet/prometheus-server.js';

const SCRAPE_TOKEN = 'fleet-scrape-token-0123456789abcdef';
const GOOD_JOB = 'punktfunk';
const TOKENLESS_JOB = 'punktfunk-no-token';
const STREAM_MS = { clean: 4000, lossy: 3000, after: 5000 };
let host: RunningHost;
let client: GameStreamClient;
let prometheus: RunningPrometheus;
/** The host's TLS listener as Prometheus labels it (instance) in the good job. */
let goodInstance: string;

/** Two jobs on the host's TLS listener; the token-less one by another name, so its instance differs. */
function scrapeConfig(tlsPort: number, tokenFile: string): string {
  return `
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ${GOOD_JOB}
    scheme: https
    metrics_path: /metrics
    authorization: { type: Bearer, credentials_file: ${tokenFile} }
    tls_config: { insecure_skip_verify: true }
    static_configs: [{ targets: ['127.0.0.1:${tlsPort}'] }]
  - job_name: ${TOKENLESS_JOB}
    scheme: https
    metrics_path: /metrics
    tls_config: { insecure_skip_verify: true }
    static_configs: [{ targets: ['localhost:${tlsPort}'] }]
`;
}

beforeAll(async () => {
  // Fail at once, not after a host started, where the package is missing.
  prometheusTool('prometheus');
  prometheusTool('promtool');
  ({ host, client } = await startPairedGameStreamHost('1515', { PUNKTFUNK_METRICS_TOKEN: SCRAPE_TOKEN }));
  const tls = /management API on \S+ and https:\/\/[^/\s]+:(\d+)\//.exec(host.output());
  if (!tls) throw new Error(`host did not print its TLS listener:\n${host.output()}`);
  const tlsPort = Number(tls[1]);
  goodInstance = `127.0.0.1:${tlsPort}`;
  const tokenFile = join(newConfigDir(), 'metrics-token');
  writeFileSync(tokenFile, `${SCRAPE_TOKEN}\n`, { mode: 0o600 });
  prometheus = await startPrometheus(scrapeConfig(tlsPort, tokenFile));
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await host?.stop();
});

/** A value of an instant query summed over its series; null when it has none. */
async function scalar(expr: string, timeUnixS?: number): Promise<number | null> {
  const result = await prometheus.query(expr, timeUnixS);
  if (result.length === 0) return null;
  return result.reduce((sum, series) => sum + Number(series.value[1]), 0);
}

interface StreamedSession {
  startUnixS: number;
  /** When the client asked to stop (the stream ran until then). */
  stopUnixS: number;
  capture: Capture;
  framesFile: Uint8Array;
}
let streamed: StreamedSession | undefined;

/** Arms a capture, streams 1280x720@60 for 12 s (3 s of it losing 3 % of the video), stops; the saved recording. */
async function streamArmedSession(): Promise<StreamedSession> {
  expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
  const keys = newLaunchKeys();
  const reply = await client.launch({ mode: '1280x720x60', ...keys.launchParams });
  expect(leaf(reply, 'gamesession')).toBe('1');
  const startUnixS = Date.now() / 1000;
  const session = await startStreamSession({
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: 1280,
    height: 720,
    fps: 60,
    bitrateKbps: 8000,
    seed: 15,
  });
  await sleep(STREAM_MS.clean);
  // Some loss, so the loss panel and counters have something to show.
  session.video.setDropRate(0.03);
  await sleep(STREAM_MS.lossy);
  session.video.setDropRate(0);
  await sleep(STREAM_MS.after);
  const stopUnixS = Date.now() / 1000;
  expect((await client.https('/cancel')).statusCode).toBe(200);
  await session.ended;
  const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
  expect(stopped.status).toBe(200);
  const { id } = (await stopped.json()) as { id: string };
  const path = `/stats/recordings/${encodeURIComponent(id)}`;
  const capture = (await (await host.api(path)).json()) as Capture;
  const framesFile = new Uint8Array(await (await host.api(`${path}/frames`)).arrayBuffer());
  return { startUnixS, stopUnixS, capture, framesFile };
}

describe('Prometheus scraping a real host', () => {
  it('keeps the target with the scrape token up, and the one without it down with 401', async () => {
    const targets = await pollUntil(
      'both targets scraped',
      async () => {
        const all = await prometheus.targets();
        const good = all.find((t) => t.scrapePool === GOOD_JOB);
        const bad = all.find((t) => t.scrapePool === TOKENLESS_JOB);
        return good?.health === 'up' && bad?.health === 'down' ? { good, bad } : undefined;
      },
      async () => JSON.stringify(await prometheus.targets()),
    );
    expect(targets.good.labels.instance).toBe(goodInstance);
    expect(targets.good.lastError).toBe('');
    expect(targets.bad.lastError).toMatch(/401/);
    expect(await scalar(`up{job="${TOKENLESS_JOB}"}`)).toBe(0);
    expect(await scalar(`up{job="${GOOD_JOB}"}`)).toBe(1);
  });

  it('sees the streamed session: counters risen, host latency p99 consistent with the recording', async () => {
    const startedBefore = (await scalar(`sum(punktfunk_sessions_started_total{job="${GOOD_JOB}"})`)) ?? 0;
    streamed = await streamArmedSession();
    const job = `job="${GOOD_JOB}"`;
    // The session's end reached Prometheus (generous: a loaded machine may miss scrapes).
    await pollUntil(
      'the session end scraped',
      async () => {
        const ended = await scalar(`sum(punktfunk_sessions_ended_total{${job}})`);
        return ended !== null && ended >= 1 ? ended : undefined;
      },
      async () => JSON.stringify(await prometheus.query(`punktfunk_sessions_ended_total{${job}}`)),
    );
    // Per-session series may be gone once the session ended: last_over_time keeps their last scrape.
    const last = (metric: string) => `sum(last_over_time(${metric}{${job}}[10m]))`;
    expect(await scalar(`sum(punktfunk_sessions_started_total{${job}})`)).toBe(startedBefore + 1);
    expect(await scalar(`sum(punktfunk_sessions_started_total{${job},path="gamestream"})`)).toBe(1);
    expect(
      await scalar(`sum(punktfunk_pairing_attempts_total{${job},outcome="paired"})`),
    ).toBeGreaterThanOrEqual(1);
    const framesSent = await scalar(last('punktfunk_session_frames_total'));
    expect(framesSent).toBeGreaterThan(0);
    // docs/fleet.md: frames sent equals the histograms' _count.
    expect(await scalar(last('punktfunk_host_latency_seconds_count'))).toBe(framesSent);
    expect(
      await scalar(`sum(punktfunk_sessions_ended_total{${job},path="gamestream",reason="client"})`),
    ).toBe(1);
    expect(await scalar(last('punktfunk_session_packets_lost_total'))).toBeGreaterThan(0);
    console.info(
      `fleet e2e: frames sent ${framesSent}, ended by`,
      await prometheus.query(`punktfunk_sessions_ended_total{${job}}`),
    );
    await checkHostLatencyP99(streamed);
  }, 180_000);

  it('answers every query of deploy/grafana/punktfunk.json with data', async () => {
    expect(streamed, 'the streaming test above ran first').toBeDefined();
    await checkDashboardQueries(streamed as StreamedSession);
  }, 180_000);
});

/**
 * The p99 Prometheus estimates from the host latency histogram against the
 * recording. The histogram's cumulative buckets hold every frame since the
 * host started, which here is the one streamed session (an increase() over
 * the session would miss the frames before its series' first scrape), and
 * the capture was armed around the whole session, so both saw the same frames.
 *
 * Tolerance, and why: histogram_quantile takes the bucket whose cumulative
 * count first reaches 0.99 × count and interpolates linearly inside it, so
 * its estimate lies within that bucket's bounds and no closer. Two checks:
 * - against the recording's per-frame host latencies (the sidecar): the
 *   estimate lies in the bucket holding their exact p99 (by rank, the same
 *   rank Prometheus looks for), given both counted the same frames;
 * - against the recording's window p99s, as the issue states it: the p99
 *   over all frames lies between the smallest and the largest window p99
 *   (each window has at most 1 % of its frames above its own p99, so all
 *   together at most 1 % above the largest, and at least 1 % at or above the
 *   smallest), so the estimate lies between the lower bound of the bucket
 *   holding the smallest window p99 and the upper bound of the one holding
 *   the largest.
 */
async function checkHostLatencyP99(session: StreamedSession): Promise<void> {
  const job = `job="${GOOD_JOB}"`;
  const buckets = await prometheus.query(
    `sum by (le) (last_over_time(punktfunk_host_latency_seconds_bucket{${job}}[10m]))`,
  );
  const bounds = buckets
    .map((b) => Number(b.metric.le))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  expect(bounds).toEqual([...HOST_LATENCY_BUCKETS_S]);
  const estimateS = await scalar(
    `histogram_quantile(0.99, sum by (le) (last_over_time(punktfunk_host_latency_seconds_bucket{${job}}[10m])))`,
  );
  const windowP99sS = session.capture.samples
    .map((s) => s.hostP99Us)
    .filter((us): us is number => us !== null)
    .map((us) => us / 1e6);
  expect(windowP99sS.length).toBeGreaterThan(3);
  const lowS = bucketOf(Math.min(...windowP99sS), bounds).lowerS;
  const highS = bucketOf(Math.max(...windowP99sS), bounds).upperS;
  const columns = decodeFrameColumns(parseFramesFile(session.framesFile).records);
  const frameHostS = Array.from(columns.hostUs)
    .filter(Number.isFinite)
    .map((us) => us / 1e6);
  const histogramFrames = await scalar(
    `sum(last_over_time(punktfunk_host_latency_seconds_count{${job}}[10m]))`,
  );
  const exactP99S = rankQuantile(frameHostS, 0.99);
  const exactBucket = bucketOf(exactP99S, bounds);
  console.info(
    `fleet e2e: histogram_quantile(0.99) = ${estimateS} s over ${histogramFrames} frames; ` +
      `recording: ${frameHostS.length} frames, p99 of all ${exactP99S} s (bucket ${exactBucket.lowerS}..${exactBucket.upperS}), ` +
      `window p99s ${windowP99sS.map((s) => s.toFixed(4)).join(' ')} s (accepted ${lowS}..${highS})`,
  );
  expect(histogramFrames).toBe(frameHostS.length);
  expect(estimateS).not.toBeNull();
  expect(estimateS as number).toBeGreaterThanOrEqual(exactBucket.lowerS);
  expect(estimateS as number).toBeLessThanOrEqual(exactBucket.upperS);
  expect(estimateS as number).toBeGreaterThanOrEqual(lowS);
  expect(estimateS as number).toBeLessThanOrEqual(highS);
}

/**
 * Every dashboard query, with Grafana's variables filled in as Grafana would
 * for this test's Prometheus (1 s scrapes): instance = the good target,
 * $__rate_interval = 10 s (Grafana's rule gives max(4 × scrape, interval +
 * scrape) = 4 s; 10 s survives the missed scrapes of a loaded machine),
 * $__interval = 1 s, $__range = the whole session and the wait after it.
 * Time-series panels run as range queries over that span (what Grafana
 * sends), table panels' instant queries while the session streamed; each
 * must return a series with at least one finite value.
 */
async function checkDashboardQueries(session: StreamedSession): Promise<void> {
  const fromUnixS = Math.floor(session.startUnixS) - 5;
  const toUnixS = Math.ceil(Date.now() / 1000);
  const values = {
    instance: goodInstance,
    rateInterval: '10s',
    interval: '1s',
    range: `${toUnixS - fromUnixS}s`,
  };
  const empty: string[] = [];
  for (const q of dashboardQueries(loadDashboard())) {
    const expr = substitute(q.expr, values);
    const points = q.instant
      ? (await prometheus.query(expr, session.stopUnixS - 1)).map((s) => s.value[1])
      : (await prometheus.queryRange(expr, fromUnixS, toUnixS, 1)).flatMap((s) => s.values.map((v) => v[1]));
    const finite = points.map(Number).filter(Number.isFinite);
    console.info(`fleet e2e: ${q.panel} ${q.refId}: ${finite.length} points, last ${finite.at(-1)}`);
    if (finite.length === 0) empty.push(`${q.panel} ${q.refId}: ${expr}`);
  }
  expect(empty, 'dashboard queries without data').toEqual([]);
}
