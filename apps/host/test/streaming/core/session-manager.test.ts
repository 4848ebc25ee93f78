// Real streaming workers: the engine captures, encodes and sends over UDP to a
// receiver in this test; samples come back through the sink only while armed.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaReceiver, monotonicUs } from '@punktfunk/native';
import {
  type FrameRecord,
  readFrameRecord,
  type SessionInfo,
  type WorkerStatsSample,
} from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { replayTrace } from '../../../src/streaming/core/replay.js';
import {
  SessionManager,
  type SessionMetricsSink,
  type StartSessionOptions,
} from '../../../src/streaming/core/session-manager.js';
import { readTrace } from '../../../src/streaming/core/trace.js';

const receivers: MediaReceiver[] = [];
afterEach(() => {
  for (const r of receivers.splice(0)) r.close();
});

/** What a metrics sink saw: every frame record and window sample, and the session's end. */
function metricsSink() {
  const seen = { frameIndices: [] as number[], windows: 0, started: 0, ended: [] as (string | null)[] };
  const sink: SessionMetricsSink = {
    perFrame: true,
    sessionStarted: () => seen.started++,
    framesMeasured: (_id, records, count) => {
      for (let i = 0; i < count; i++) seen.frameIndices.push(readFrameRecord(records, i).frameIndex);
    },
    windowMeasured: () => seen.windows++,
    sessionEnded: (_id, _kind, end) => seen.ended.push(end.reason),
  };
  return { sink, seen };
}

function setUp(metrics: SessionMetricsSink | null = null) {
  const control = new ControlBlock();
  const samples: WorkerStatsSample[] = [];
  const sessions: SessionInfo[] = [];
  const logs: string[] = [];
  const frames: FrameRecord[] = [];
  const manager = new SessionManager({
    control,
    perf: false,
    metrics,
    sink: {
      addSample: (s) => samples.push(s),
      noteSession: (i) => sessions.push(i),
      addFrames: (_sessionId, records, count) => {
        for (let i = 0; i < count; i++) frames.push(readFrameRecord(records, i));
      },
    },
    log: (l) => logs.push(l),
  });
  return { control, manager, samples, sessions, logs, frames };
}

function engineSession(width = 640, height = 360): { options: StartSessionOptions; receiver: MediaReceiver } {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt });
  receivers.push(receiver);
  const options: StartSessionOptions = {
    kind: 'native',
    client: 'test',
    windowMs: 500,
    source: { kind: 'engine', codec: 'h264', backend: 'software', width, height, fps: 30, bitrateKbps: 2000 },
    send: {
      remoteHost: '127.0.0.1',
      remotePort: receiver.localPort,
      key,
      salt,
      shardBytes: 1200,
      fecPercent: 20,
    },
  };
  return { options, receiver };
}

/** Drains a receiver for `ms`, counting frames, without blocking the event loop for long. */
async function receiveFor(receiver: MediaReceiver, ms: number): Promise<number> {
  let frames = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    frames += receiver.poll(5).frames.length;
    await new Promise((r) => setImmediate(r));
  }
  return frames;
}

describe('streaming sessions in worker threads', () => {
  it('posts samples with the native stage names only while armed', async () => {
    const { control, manager, samples, sessions } = setUp();
    const { options, receiver } = engineSession();
    const session = manager.start(options);
    const info = await session.started;
    expect(info).toMatchObject({ width: 640, height: 360, fps: 30, encoderName: 'libx264' });
    expect(sessions[0]).toMatchObject({ sessionId: session.sessionId, kind: 'native', client: 'test' });
    expect(await receiveFor(receiver, 1200)).toBeGreaterThan(20);
    expect(samples).toEqual([]); // disarmed: nothing built, nothing posted
    control.setArmed(true);
    await receiveFor(receiver, 1600);
    control.setArmed(false);
    const armedCount = samples.length;
    await receiveFor(receiver, 1200);
    const end = await session.stop();
    expect(end.error).toBeNull();
    expect(end.frames).toBeGreaterThan(90);
    expect(armedCount).toBeGreaterThanOrEqual(2);
    expect(samples.length).toBe(armedCount); // nothing after the disarm
    for (const s of samples) {
      expect(s.stages.map((st) => st.name)).toEqual(['capture', 'submit', 'encode', 'send']);
      expect(s.sessionId).toBe(session.sessionId);
      expect(s.hostP50Us).toBeGreaterThan(0);
      expect(s.wireMbps).toBeGreaterThan(0);
      expect(s.bitrateKbps).toBe(2000);
      // No client feedback reached this session: those figures are not measured.
      expect(s.packetsLost).toBeNull();
      expect(s.e2eP50Us).toBeNull();
    }
  });

  it('hands over a record of every armed frame: contiguous indices, keyframes, bytes, stages', async () => {
    const { control, manager, frames, samples } = setUp();
    const { options, receiver } = engineSession();
    const session = manager.start(options);
    await session.started;
    session.requestIdr();
    await receiveFor(receiver, 600);
    expect(frames).toEqual([]); // disarmed: no record written
    control.setArmed(true);
    session.requestIdr();
    await receiveFor(receiver, 1600);
    control.setArmed(false);
    await receiveFor(receiver, 600);
    const afterDisarm = frames.length;
    await session.stop();
    expect(frames.length).toBe(afterDisarm);
    // Exactly the frames the armed windows measured, none twice, none skipped.
    expect(frames.length).toBe(samples.reduce((n, s) => n + s.measuredFrames, 0));
    const first = frames[0]?.frameIndex ?? 0;
    expect(frames.map((f) => f.frameIndex)).toEqual(frames.map((_, i) => first + i));
    expect(frames.some((f) => f.keyframe)).toBe(true);
    for (const f of frames) {
      expect(f.encodedBytes).toBeGreaterThan(0);
      expect(f.stagesUs[2]).toBeGreaterThanOrEqual(0);
      expect(f.hostUs).toBeGreaterThan(0);
    }
  });

  it('a trace replayed in a worker: every frame reaches the sink, the last partial window too', async () => {
    const { control, manager, frames } = setUp();
    const { options } = engineSession();
    const tracePath = new URL('../../../traces/encode-spikes.jsonl', import.meta.url).pathname;
    const trace = readTrace(tracePath);
    control.setArmed(true);
    // 1.5 s windows: the 10 s trace ends inside its seventh window.
    const session = manager.start({
      ...options,
      windowMs: 1500,
      source: { kind: 'trace', tracePath, virtualClock: true },
    });
    const end = await session.ended;
    expect(end.error).toBeNull();
    expect(frames.map((f) => [f.frameIndex, f.encodedBytes, f.keyframe, f.stagesUs])).toEqual(
      trace.frames.map((f, i) => [i, f.bytes, f.keyframe, [f.captureUs, f.submitUs, f.encodeUs, f.sendUs]]),
    );
  });

  it('a killed worker is reported and the other session goes on', async () => {
    const { manager, logs } = setUp();
    const a = engineSession(320, 240);
    const b = engineSession(320, 240);
    const victim = manager.start(a.options);
    const survivor = manager.start(b.options);
    await Promise.all([victim.started, survivor.started]);
    const end = await victim.kill();
    expect(end.error).toBe('worker was terminated');
    expect(logs.some((l) => l.includes(`session ${victim.sessionId}: streaming worker failed`))).toBe(true);
    expect(manager.list().map((s) => s.sessionId)).toEqual([survivor.sessionId]);
    expect(await receiveFor(b.receiver, 800)).toBeGreaterThan(10);
    expect((await survivor.stop()).error).toBeNull();
  });

  it('a worker that throws at start is reported with its error', async () => {
    const { manager } = setUp();
    const { options } = engineSession();
    const session = manager.start({
      ...options,
      source: { kind: 'trace', tracePath: '/nonexistent/trace.jsonl', virtualClock: true },
    });
    await expect(session.started).rejects.toThrow(/ENOENT/);
    const end = await session.ended;
    expect(end.error).toMatch(/ENOENT.*nonexistent/);
    expect(manager.list()).toEqual([]);
  });

  it('a bitrate change through the control block reaches the encoder and the samples', async () => {
    const { control, manager, samples } = setUp();
    const { options, receiver } = engineSession();
    const session = manager.start(options);
    await session.started;
    control.setArmed(true);
    await receiveFor(receiver, 1200);
    session.setTargetBitrateKbps(500);
    await receiveFor(receiver, 1500);
    await session.stop();
    const targets = samples.map((s) => s.bitrateKbps);
    expect(targets[0]).toBe(2000);
    expect(targets.at(-1)).toBe(500);
    const wire = samples.map((s) => s.wireMbps as number);
    expect(wire.at(-1)).toBeLessThan(wire[0] as number);
  });

  it('a live session can be recorded as a trace and replayed', async () => {
    const { manager } = setUp();
    const { options, receiver } = engineSession();
    const traceOutPath = join(mkdtempSync(join(tmpdir(), 'punktfunk-trace-')), 'session.trace.jsonl');
    const session = manager.start({ ...options, traceOutPath });
    await session.started;
    await receiveFor(receiver, 1500);
    const end = await session.stop();
    const trace = readTrace(traceOutPath);
    expect(trace.header).toMatchObject({ width: 640, height: 360, fps: 30, codec: 'h264' });
    expect(trace.frames.length).toBe(end.frames);
    expect(trace.frames[0]?.keyframe).toBe(true);
    for (const f of trace.frames) {
      expect(f.submitUs).toBeGreaterThan(0);
      expect(f.bytes).toBeGreaterThan(0);
    }
    const replayed = replayTrace(trace, { virtualClock: true, monotonicUs, windowMs: 500 });
    expect(replayed.framesReceived).toBe(trace.frames.length);
    expect(replayed.samples.length).toBeGreaterThan(0);
  });

  it('metrics on: every frame reaches the metrics, and the capture still gets only the armed windows', async () => {
    const { sink, seen } = metricsSink();
    const { control, manager, frames, samples } = setUp(sink);
    const { options } = engineSession();
    const tracePath = new URL('../../../traces/steady-60fps.jsonl', import.meta.url).pathname;
    // The trace on the real clock: 60 fps for real, no encoder to pay for.
    const session = manager.start({ ...options, source: { kind: 'trace', tracePath, virtualClock: false } });
    await session.started;
    await new Promise((r) => setTimeout(r, 700));
    expect(frames).toEqual([]); // disarmed: the recorder gets nothing
    expect(samples).toEqual([]);
    control.setArmed(true);
    await new Promise((r) => setTimeout(r, 1600));
    control.setArmed(false);
    const afterDisarm = { frames: frames.length, samples: samples.length };
    await new Promise((r) => setTimeout(r, 700));
    const end = await session.stop('test over');
    // The capture: exactly the frames of its armed windows, contiguous; nothing after the disarm.
    expect(frames.length).toBe(afterDisarm.frames);
    expect(samples.length).toBe(afterDisarm.samples);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(frames.length).toBe(samples.reduce((n, s) => n + s.measuredFrames, 0));
    const first = frames[0]?.frameIndex ?? 0;
    expect(frames.map((f) => f.frameIndex)).toEqual(frames.map((_, i) => first + i));
    // The metrics: every frame the worker ran, once, and windows armed or not.
    expect(seen.frameIndices).toEqual([...Array(end.frames).keys()]);
    expect(seen.windows).toBeGreaterThan(samples.length);
    expect(seen.started).toBe(1);
    expect(seen.ended).toEqual(['test over']);
  });
});
