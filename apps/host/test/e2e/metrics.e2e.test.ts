// /metrics of the real host process after a real GameStream session: the
// project's Moonlight-style client pairs (a counted pairing attempt),
// launches, streams with injected loss and quits. The per-frame histograms
// of the GameStream worker count every frame the host sent, stage by stage,
// labelled with the paired client's name and no address; the session's
// start and end are counted; promtool accepts the exposition.
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { GAMESTREAM_STAGES } from '@punktfunk/shared';
import { enterPin, HOST_TOKEN, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, promtoolCheck, sampleValue } from '../metrics/exposition.js';

const SCRAPE_TOKEN = 'e2e-scrape-token-0123456789';
let host: RunningHost;
let client: GameStreamClient;

beforeAll(async () => {
  host = await startHost(newConfigDir(), { PUNKTFUNK_METRICS_TOKEN: SCRAPE_TOKEN });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  const paired = await client.pair('2468', async () => void (await enterPin(host, '2468')));
  expect(paired.paired).toBe(true);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

async function scrape(token: string | null) {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const res = await fetch(new URL('/metrics', host.apiBase), { headers });
  return { status: res.status, body: await res.text() };
}

describe('/metrics of the real host', () => {
  it('counts every GameStream frame per stage, the session and the pairing; promtool passes', async () => {
    expect((await scrape(null)).status).toBe(401);
    const keys = newLaunchKeys();
    expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      width: 1280,
      height: 720,
      fps: 60,
      bitrateKbps: 6000,
      videoEncryption: true,
      audioEncryption: false,
      videoDropRate: 0.05,
      seed: 15,
      onVideoFrame: () => {},
    });
    await new Promise((r) => setTimeout(r, 3500));
    const live = parseExposition((await scrape(SCRAPE_TOKEN)).body);
    expect(sampleValue(live, 'punktfunk_sessions_active', { path: 'gamestream' })).toBe(1);
    expect((await client.https('/cancel')).statusCode).toBe(200);
    await session.ended;
    // The worker's last records arrive with its end: wait for the session to be counted as ended.
    let samples = live;
    for (let i = 0; i < 100; i++) {
      samples = parseExposition((await scrape(SCRAPE_TOKEN)).body);
      if (sampleValue(samples, 'punktfunk_sessions_active', { path: 'gamestream' }) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const latency = samples.filter((s) => s.name === 'punktfunk_host_latency_seconds_count');
    expect(latency).toHaveLength(1);
    const labels = latency[0]?.labels ?? {};
    expect(labels).toMatchObject({ path: 'gamestream', codec: 'h264', encoder: 'libx264' });
    // The paired client's label, as recordings name it: its name and short fingerprint.
    expect(labels.client).toMatch(/^gs-test \(([0-9a-f]{2}:){7}[0-9a-f]{2}\)$/);
    const frames = sampleValue(samples, 'punktfunk_session_frames_total', labels) as number;
    // 3.5 s at 60 fps, fewer on a loaded machine; the exact check is that the histogram counted each one.
    expect(frames).toBeGreaterThan(40);
    expect(latency[0]?.value).toBe(frames);
    for (const stage of GAMESTREAM_STAGES) {
      expect(sampleValue(samples, 'punktfunk_stage_seconds_count', { ...labels, stage })).toBe(frames);
    }
    expect(sampleValue(samples, 'punktfunk_sessions_started_total', { path: 'gamestream' })).toBe(1);
    expect(
      sampleValue(samples, 'punktfunk_sessions_ended_total', { path: 'gamestream', reason: 'client' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'punktfunk_pairing_attempts_total', { path: 'gamestream', outcome: 'paired' }),
    ).toBe(1);
    // The client's loss reports reached the counter.
    expect(sampleValue(samples, 'punktfunk_session_packets_lost_total', labels)).toBeGreaterThan(0);
    const lint = promtoolCheck((await scrape(HOST_TOKEN)).body);
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });
});
