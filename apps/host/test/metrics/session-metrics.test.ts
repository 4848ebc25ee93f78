// Per-session metrics from real streaming workers: a trace replayed through
// the real send path to a loopback port, its frame records and window
// samples relayed by the real session manager to the real metrics and
// recorder, read back with a real scrape of /metrics.
import { FRAME_RECORD_BYTES, GAMESTREAM_STAGES, NATIVE_STAGES, writeFrameRecord } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartSessionOptions } from '../../src/streaming/core/session-manager.js';
import { createStreamingCore, type StreamingCore } from '../../src/streaming/core/streaming-core.js';
import { readTrace } from '../../src/streaming/core/trace.js';
import { TOKEN } from '../api/helpers.js';
import { type ExpositionSample, parseExposition, promtoolCheck, sampleValue } from './exposition.js';
import { METRICS_TOKEN, type MetricsHost, metricsHost } from './scrape.js';

const tracePath = new URL('../../traces/steady-60fps.jsonl', import.meta.url).pathname;
const trace = readTrace(tracePath);
// What the recording calls an unpaired punktfunk/1 client: its name and address.
const SESSION_LABELS = { path: 'native', codec: 'h264', encoder: 'trace', client: 'tester' };

let host: MetricsHost | null = null;
let core: StreamingCore | null = null;
afterEach(async () => {
  await core?.close();
  await host?.cleanup();
  core = null;
  host = null;
});

async function start(perSession = true): Promise<{ host: MetricsHost; core: StreamingCore }> {
  host = await metricsHost({ perSession });
  core = createStreamingCore({
    recorder: host.recorder,
    perf: false,
    metrics: host.metrics.sessions,
    log: () => {},
  });
  return { host, core };
}

function traceSession(virtualClock: boolean): StartSessionOptions {
  return {
    kind: 'native',
    client: 'tester@127.0.0.1',
    windowMs: 500,
    source: { kind: 'trace', tracePath, virtualClock },
    // Nobody listens on the discard port: the datagrams go out and are dropped.
    send: {
      remoteHost: '127.0.0.1',
      remotePort: 9,
      key: new Uint8Array(32),
      salt: new Uint8Array(4),
      shardBytes: 1200,
      fecPercent: 20,
    },
  };
}

async function scrape(h: MetricsHost): Promise<{ body: string; samples: ExpositionSample[] }> {
  const res = await h.scrape('http', METRICS_TOKEN);
  expect(res.status).toBe(200);
  return { body: res.body, samples: parseExposition(res.body) };
}

/** Scrapes until `ready` holds (a window's sample has arrived, say). */
async function scrapeUntil(
  h: MetricsHost,
  ready: (samples: ExpositionSample[]) => boolean,
): Promise<ExpositionSample[]> {
  for (;;) {
    const { samples } = await scrape(h);
    if (ready(samples)) return samples;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('per-session metrics', () => {
  it('every frame of a session in the histograms, with the recording client name and no address', async () => {
    const { host, core } = await start();
    const session = core.sessions.start(traceSession(true));
    const end = await session.ended;
    expect(end.error).toBeNull();
    expect(end.frames).toBe(trace.frames.length);
    const { body, samples } = await scrape(host);
    const count = (name: string, extra = {}) =>
      sampleValue(samples, `${name}_count`, { ...SESSION_LABELS, ...extra });
    expect(count('punktfunk_host_latency_seconds')).toBe(end.frames);
    for (const stage of NATIVE_STAGES) expect(count('punktfunk_stage_seconds', { stage })).toBe(end.frames);
    const encodeSum = sampleValue(samples, 'punktfunk_stage_seconds_sum', {
      ...SESSION_LABELS,
      stage: 'encode',
    });
    expect(encodeSum).toBeCloseTo(trace.frames.reduce((s, f) => s + f.encodeUs, 0) / 1e6, 6);
    // The +Inf bucket holds every frame; the buckets are docs/fleet.md's.
    const buckets = samples.filter((s) => s.name === 'punktfunk_host_latency_seconds_bucket');
    expect(buckets.map((b) => b.labels.le)).toEqual([
      '0.001',
      '0.002',
      '0.003',
      '0.004167',
      '0.005',
      '0.006944',
      '0.008333',
      '0.011111',
      '0.016667',
      '0.025',
      '0.033333',
      '0.05',
      '0.1',
      '0.25',
      '+Inf',
    ]);
    expect(buckets.at(-1)?.value).toBe(end.frames);
    expect(sampleValue(samples, 'punktfunk_session_frames_total', SESSION_LABELS)).toBe(end.frames);
    for (const s of samples.filter(
      (x) => x.name.startsWith('punktfunk_session_') || x.name.includes('_seconds'),
    )) {
      if (s.labels.client !== undefined) expect(s.labels).toMatchObject(SESSION_LABELS);
    }
    expect(body).not.toMatch(/\b127\.0\.0\.1\b/);
    // Host-wide: started, ended (the trace ended on its own), none active; the gauges went with the session.
    expect(sampleValue(samples, 'punktfunk_sessions_started_total', { path: 'native' })).toBe(1);
    expect(
      sampleValue(samples, 'punktfunk_sessions_ended_total', { path: 'native', reason: 'stopped' }),
    ).toBe(1);
    expect(sampleValue(samples, 'punktfunk_sessions_active', { path: 'native' })).toBe(0);
    expect(sampleValue(samples, 'punktfunk_session_fps', SESSION_LABELS)).toBeUndefined();
    const lint = promtoolCheck((await host.scrape('http', TOKEN)).body);
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });

  it('gauges while streaming; an armed capture gets only its own frames, the metrics every frame', async () => {
    const { host, core } = await start();
    const session = core.sessions.start(traceSession(false));
    await session.started;
    const live = await scrapeUntil(
      host,
      (s) => sampleValue(s, 'punktfunk_session_fps', SESSION_LABELS) !== undefined,
    );
    expect(sampleValue(live, 'punktfunk_sessions_active', { path: 'native' })).toBe(1);
    expect(sampleValue(live, 'punktfunk_session_fps', SESSION_LABELS)).toBeGreaterThan(0);
    expect(sampleValue(live, 'punktfunk_session_wire_bits_per_second', SESSION_LABELS)).toBeGreaterThan(0);
    // A replay has no encoder target and no client reports: not measured, so no series.
    expect(sampleValue(live, 'punktfunk_session_target_bits_per_second', SESSION_LABELS)).toBeUndefined();
    expect(sampleValue(live, 'punktfunk_session_rtt_seconds', SESSION_LABELS)).toBeUndefined();
    host.recorder.start();
    // Two windows armed.
    const armedAt = Date.now();
    await scrapeUntil(host, () => Date.now() - armedAt > 1100);
    const captured = (host.recorder.framesView()?.byteLength ?? 0) / FRAME_RECORD_BYTES;
    const end = await session.stop('the operator ended the session');
    await host.recorder.stop();
    const { samples } = await scrape(host);
    expect(captured).toBeGreaterThan(0);
    expect(captured).toBeLessThan(end.frames);
    expect(sampleValue(samples, 'punktfunk_host_latency_seconds_count', SESSION_LABELS)).toBe(end.frames);
    expect(
      sampleValue(samples, 'punktfunk_sessions_ended_total', { path: 'native', reason: 'operator' }),
    ).toBe(1);
    expect(sampleValue(samples, 'punktfunk_session_fps', SESSION_LABELS)).toBeUndefined();
    expect(sampleValue(samples, 'punktfunk_session_frames_total', SESSION_LABELS)).toBe(end.frames);
  });

  it('PUNKTFUNK_METRICS=0: no per-session series, sessions still counted', async () => {
    const { host, core } = await start(false);
    const end = await core.sessions.start(traceSession(true)).ended;
    expect(end.frames).toBe(trace.frames.length);
    const { body, samples } = await scrape(host);
    expect(body).not.toContain('punktfunk_host_latency_seconds');
    expect(body).not.toContain('punktfunk_session_');
    expect(sampleValue(samples, 'punktfunk_sessions_started_total', { path: 'native' })).toBe(1);
    expect(
      sampleValue(samples, 'punktfunk_sessions_ended_total', { path: 'native', reason: 'stopped' }),
    ).toBe(1);
  });
});

// The GameStream worker itself runs in the GameStream e2e tests (they need
// the test client); here its records go through the same SessionMetrics.
it('GameStream sessions label their stages with the GameStream stage names', async () => {
  const { host } = await start();
  const sink = host.metrics.sessions;
  sink.sessionStarted({
    sessionId: 'gs1',
    kind: 'gamestream',
    client: 'Living room (a1:b2:c3:d4:e5:f6:07:18)',
    width: 1280,
    height: 720,
    fps: 60,
    codec: 'hevc',
    encoderName: 'hevc_nvenc',
    encoderBackend: 'nvenc',
    bitrateKbps: 20000,
    startedUnixMs: 0,
    settings: {},
  });
  const records = new DataView(new ArrayBuffer(3 * FRAME_RECORD_BYTES));
  for (let i = 0; i < 3; i++) {
    writeFrameRecord(records, i, {
      captureStartUs: i * 16_667,
      frameIndex: i,
      encodedBytes: 1000,
      hostUs: 4000 + i,
      sessionIndex: 0,
      keyframe: i === 0,
      repeated: false,
      stageClipped: false,
      stagesUs: [500, 3000, 100, 400],
    });
  }
  sink.framesMeasured('gs1', records, 3);
  const { samples } = await scrape(host);
  const labels = {
    path: 'gamestream',
    codec: 'hevc',
    encoder: 'hevc_nvenc',
    client: 'Living room (a1:b2:c3:d4:e5:f6:07:18)',
  };
  GAMESTREAM_STAGES.forEach((stage, slot) => {
    expect(sampleValue(samples, 'punktfunk_stage_seconds_count', { ...labels, stage })).toBe(3);
    expect(sampleValue(samples, 'punktfunk_stage_seconds_sum', { ...labels, stage })).toBeCloseTo(
      (3 * [500, 3000, 100, 400][slot]!) / 1e6,
      9,
    );
  });
  expect(sampleValue(samples, 'punktfunk_host_latency_seconds_sum', labels)).toBeCloseTo(0.012003, 9);
  expect(sampleValue(samples, 'punktfunk_sessions_active', { path: 'gamestream' })).toBe(1);
});
