// The event lane from real streaming workers: the engine captures, encodes
// and sends over UDP to a receiver in this test; events (keyframes and why,
// bitrate changes, loss bursts, RTT spikes, the client coming and going)
// come back through the sink while a capture is armed, and each sample
// carries the worker thread's own CPU.
import { randomBytes } from 'node:crypto';
import { MediaReceiver } from '@punktfunk/native';
import type { PendingTimelineEvent, WorkerStatsSample } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlBlock } from '../../../src/streaming/core/control-block.js';
import { SessionManager, type StartSessionOptions } from '../../../src/streaming/core/session-manager.js';

const receivers: MediaReceiver[] = [];
afterEach(() => {
  for (const r of receivers.splice(0)) r.close();
});

function setUp() {
  const control = new ControlBlock();
  const samples: WorkerStatsSample[] = [];
  const events: PendingTimelineEvent[] = [];
  const manager = new SessionManager({
    control,
    perf: false,
    sink: {
      addSample: (s) => samples.push(s),
      noteSession: () => {},
      addEvent: (e) => events.push(e),
    },
    log: () => {},
  });
  return { control, manager, samples, events };
}

function engineSession(): { options: StartSessionOptions; receiver: MediaReceiver } {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt });
  receivers.push(receiver);
  const options: StartSessionOptions = {
    kind: 'native',
    client: 'test',
    windowMs: 300,
    source: {
      kind: 'engine',
      codec: 'h264',
      backend: 'software',
      width: 320,
      height: 240,
      fps: 30,
      bitrateKbps: 2000,
    },
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

async function receiveFor(receiver: MediaReceiver, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    receiver.poll(5);
    await new Promise((r) => setImmediate(r));
  }
}

const ofType = (events: PendingTimelineEvent[], type: string) => events.filter((e) => e.type === type);

describe('the event lane of a real session', () => {
  it('keyframes carry their reason, a bitrate change and the client reports become events', async () => {
    const { control, manager, samples, events } = setUp();
    control.setArmed(true);
    const { options, receiver } = engineSession();
    const session = manager.start(options);
    await session.started;
    await receiveFor(receiver, 700);
    session.requestIdr();
    await receiveFor(receiver, 500);
    session.setTargetBitrateKbps(600);
    // Steady round trips, then one twice as long and 40 ms more: a spike; 33 lost packets in the window: a burst.
    for (let i = 0; i < 8; i++) session.feedback({ type: 'rtt', rttUs: 10_000 });
    session.feedback({ type: 'rtt', rttUs: 50_000 });
    session.feedback({ type: 'loss', packetsLost: 30, fecRecovered: 2 });
    session.feedback({ type: 'loss', packetsLost: 3, fecRecovered: 0 }); // the same window: the same burst
    await receiveFor(receiver, 800);
    const end = await session.stop();
    expect(end.error).toBeNull();

    const keyframes = ofType(events, 'keyframe').map((e) => e.details.reason);
    expect(keyframes.slice(0, 2)).toEqual(['start', 'client-request']);
    const firstKeyframe = ofType(events, 'keyframe')[0];
    expect(firstKeyframe?.details.frameIndex).toBe(0);
    expect(firstKeyframe?.sessionId).toBe(session.sessionId);

    const bitrate = ofType(events, 'bitrate');
    expect(bitrate).toHaveLength(1);
    expect(bitrate[0]?.details).toMatchObject({ fromKbps: 2000, toKbps: 600, cause: 'client' });
    expect(bitrate[0]?.summary).toBe('bitrate 2000 → 600 kb/s (client)');

    expect(ofType(events, 'loss-burst').map((e) => e.details.packetsLost)).toEqual([33]);
    expect(ofType(events, 'rtt-spike').map((e) => e.details)).toEqual([{ rttUs: 50_000, medianUs: 10_000 }]);

    expect(ofType(events, 'client-connect')).toHaveLength(1);
    expect(ofType(events, 'client-disconnect')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('client-disconnect');

    // The worker thread's CPU: measured from the second window on.
    expect(samples.length).toBeGreaterThanOrEqual(3);
    const cpu = samples.slice(1).map((s) => s.workerCpuPct);
    for (const pct of cpu) {
      expect(pct).not.toBeNull();
      expect(pct).toBeGreaterThanOrEqual(0);
    }
  });

  it('nothing goes on the lane while disarmed', async () => {
    const { manager, events } = setUp();
    const { options, receiver } = engineSession();
    const session = manager.start(options);
    await session.started;
    await receiveFor(receiver, 400);
    session.requestIdr();
    session.setTargetBitrateKbps(600);
    session.feedback({ type: 'loss', packetsLost: 30, fecRecovered: 2 });
    await receiveFor(receiver, 700);
    await session.stop();
    // Only the main thread's connect/disconnect reach the sink; the recorder drops those when idle.
    expect(events.map((e) => e.type)).toEqual(['client-connect', 'client-disconnect']);
  });
});
