// What issue 14 promises an operator, end to end against the real host: arm a
// capture, stream with the project's GameStream client, let "the game" take
// every core for 3 s (busy processes), then lose 5 % of the video datagrams
// for 3 s. The saved recording must show a stutter episode while the CPU
// telemetry is up, a loss-burst event while the datagrams were lost, a frame
// timeline that agrees with the samples, and a verdict that is not "healthy".
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { type GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import {
  analyzeFrames,
  type Capture,
  decodeFrameColumns,
  type HostTelemetrySample,
  parseFramesFile,
} from '@punktfunk/shared';
import { type RunningHost, startPairedGameStreamHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOG_MS = 3000;
const LOSS_MS = 3000;
const LOSS_RATE = 0.05;
let host: RunningHost;
let client: GameStreamClient;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Busy loops on every core, each ending by itself after `ms`: a game taking
 * the CPU. Ordinary busy processes hardly touch the stream: the scheduler
 * favours a thread that sleeps between frames (measured: 16 hogs at nice 0 on
 * 2 cores, worst frame 27 ms; 4 at nice -20, a stutter in some runs only).
 * What really stutters a stream is a process that will not yield (a game's
 * loading burst at real-time priority, a driver thread), so each hog runs
 * under SCHED_FIFO (chrt; the suites run as root). The kernel's real-time
 * throttling (95 % of each second) leaves the rest of the machine a little.
 */
function hogCpu(ms: number): Promise<void> {
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < availableParallelism(); i++) {
    const code = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x++;`;
    hogs.push(spawn('chrt', ['--fifo', '1', process.execPath, '-e', code], { stdio: 'ignore' }));
  }
  return Promise.all(
    hogs.map((hog) => new Promise<void>((resolve) => hog.once('exit', () => resolve()))),
  ).then(() => undefined);
}

beforeAll(async () => {
  ({ host, client } = await startPairedGameStreamHost('2468'));
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

interface Phases {
  armedUnixMs: number;
  hog: { fromMs: number; toMs: number };
  loss: { fromMs: number; toMs: number };
}

/** Streams 1280x720@60 through a CPU hog and a loss burst; returns when each phase ran (ms since arming). */
async function streamThroughTrouble(): Promise<Phases> {
  const armed = await host.api('/stats/capture/start', { method: 'POST' });
  expect(armed.status).toBe(200);
  const armedUnixMs = ((await armed.json()) as { startedUnixMs: number }).startedUnixMs;
  const keys = newLaunchKeys();
  const reply = await client.launch({ mode: '1280x720x60', ...keys.launchParams });
  expect(leaf(reply, 'gamesession')).toBe('1');
  const session = await startStreamSession({
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: 1280,
    height: 720,
    fps: 60,
    bitrateKbps: 8000,
    seed: 14,
  });
  const sinceArm = () => Date.now() - armedUnixMs;
  await sleep(3000);
  const hog = { fromMs: sinceArm(), toMs: 0 };
  await hogCpu(HOG_MS);
  hog.toMs = sinceArm();
  await sleep(2500);
  const loss = { fromMs: sinceArm(), toMs: 0 };
  session.video.setDropRate(LOSS_RATE);
  await sleep(LOSS_MS);
  session.video.setDropRate(0);
  loss.toMs = sinceArm();
  await sleep(2500);
  expect((await client.https('/cancel')).statusCode).toBe(200);
  await session.ended;
  return { armedUnixMs, hog, loss };
}

async function savedRecording(): Promise<{ capture: Capture; frames: Uint8Array }> {
  const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
  expect(stopped.status).toBe(200);
  const { id } = (await stopped.json()) as { id: string };
  const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
  const framesReply = await host.api(`/stats/recordings/${encodeURIComponent(id)}/frames`);
  expect(framesReply.status).toBe(200);
  return { capture, frames: new Uint8Array(await framesReply.arrayBuffer()) };
}

const within = (tMs: number, range: { fromMs: number; toMs: number }, slackMs: number) =>
  tMs >= range.fromMs - slackMs && tMs <= range.toMs + slackMs;

function busyTelemetry(telemetry: HostTelemetrySample[], hog: Phases['hog']): HostTelemetrySample[] {
  return telemetry.filter((t) => within(t.tMs, hog, 500) && t.machineCpuPct !== null);
}

describe('a recording finds the stutter and says why', () => {
  it('shows a stutter episode beside the CPU rise, a loss-burst event beside the injected loss, and a verdict', async () => {
    const phases = await streamThroughTrouble();
    const { capture, frames } = await savedRecording();
    expect(capture.meta.startedUnixMs).toBe(phases.armedUnixMs);

    // Telemetry: the hog filled the cores (machine CPU in % of one core), and was measured, not assumed.
    const cores = availableParallelism();
    const busy = busyTelemetry(capture.telemetry, phases.hog);
    expect(busy.length).toBeGreaterThan(0);
    expect(Math.max(...busy.map((t) => t.machineCpuPct ?? 0))).toBeGreaterThan(cores * 100 * 0.85);

    // Every frame is on the timeline, and a stutter episode sits inside the hog.
    const { header, records } = parseFramesFile(frames);
    expect(header.recordCount).toBe(capture.meta.timeline?.frames);
    const columns = decodeFrameColumns(records);
    const measured = capture.samples.reduce((n, s) => n + s.measuredFrames, 0);
    expect(columns.count).toBeGreaterThanOrEqual(measured);
    const analysis = analyzeFrames(columns, capture.meta.sessions, capture.events);
    const duringHog = analysis.episodes.filter((e) => within(e.startUs / 1000, phases.hog, 1000));
    expect(duringHog.length).toBeGreaterThan(0);

    // The loss burst is on the event lane, while the datagrams were dropped.
    const bursts = capture.events.filter((e) => e.type === 'loss-burst');
    expect(bursts.some((e) => within(e.tMs, phases.loss, 2500))).toBe(true);
    expect(capture.events.some((e) => e.type === 'keyframe' && e.details.reason === 'start')).toBe(true);

    // The verdict names what went wrong.
    expect(capture.meta.verdict?.level).not.toBe('healthy');
    expect(capture.meta.verdict?.reasons.join('; ')).toMatch(/stutter episode/);
    // A host on 'auto' without NVENC falls back to software at open: on the lane, no reason of the verdict.
    expect(capture.meta.verdict?.reasons.join('; ')).not.toMatch(/fell back/);
  }, 120_000);
});
