// The verdict a capture gets on stop: through the real recorder (samples
// only: the recorder keeps no frame timeline yet) and, with frame columns,
// through verdictOnStop as the recorder calls it.
import {
  type Capture,
  type CaptureMeta,
  type FrameColumns,
  NO_SESSION_REASON,
  NO_TIMELINE_REASON,
  type WorkerStatsSample,
} from '@punktfunk/shared';
import { sessionInfo, statsSample, workerStatsSample } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verdictOnStop } from '../../src/recorder/verdict-on-stop.js';
import { type Harness, harness, testLog } from './fixtures.js';
import { traceColumns } from './trace-frame-columns.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Arms, feeds `windows` 2 s windows of session s1 (with `overrides`), stops. */
async function captureOf(windows: number, overrides: Partial<WorkerStatsSample> = {}): Promise<CaptureMeta> {
  h.recorder.noteSession(sessionInfo());
  h.recorder.start();
  for (let w = 1; w <= windows; w++) {
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + w * 2_000_000, overrides));
  }
  h.clock.monoUs += windows * 2_000_000;
  return (await h.recorder.stop()) as CaptureMeta;
}

describe('the verdict on stop (samples only)', () => {
  it('a clean capture is healthy and says it had no frame timeline; the saved file keeps the verdict', async () => {
    const meta = await captureOf(5);
    expect(meta.verdict).toEqual({
      level: 'healthy',
      reasons: [NO_TIMELINE_REASON],
      sessions: [{ sessionId: 's1', level: 'healthy', reasons: [] }],
    });
    expect((await h.recorder.load(meta.id)).meta.verdict).toEqual(meta.verdict);
    expect((await h.recorder.list())[0]?.verdict).toEqual(meta.verdict);
  });

  it('fps below 90 % of the target degrades, below 50 % fails', async () => {
    const degraded = await captureOf(5, { fps: 50, measuredFrames: 100 });
    expect(degraded.verdict?.level).toBe('degraded');
    expect(degraded.verdict?.reasons).toEqual(['fps 50 of 60', NO_TIMELINE_REASON]);
    const failed = await captureOf(5, { fps: 25, measuredFrames: 50 });
    expect(failed.verdict?.sessions[0]).toEqual({
      sessionId: 's1',
      level: 'failed',
      reasons: ['fps 25 of 60'],
    });
  });

  it('repeated frames count as delivered', async () => {
    const meta = await captureOf(5, { fps: 20, repeatFps: 40 });
    expect(meta.verdict?.level).toBe('healthy');
  });

  it('frames dropped and unrecoverable are frames lost: 6 % fails', async () => {
    const meta = await captureOf(5, { measuredFrames: 120, framesDropped: 4, unrecoverableFrames: 4 });
    // 40 lost of 600 measured + 40 lost.
    expect(meta.verdict?.sessions[0]).toEqual({
      sessionId: 's1',
      level: 'failed',
      reasons: ['6.3 % of frames lost (40)'],
    });
  });

  it('packets lost against the packets sent (wire rate / packet size) degrade at 1 %', async () => {
    // 11.5 Mb/s for 2 s in 1,200-byte packets: about 2,396 packets a window.
    const meta = await captureOf(5, { packetsLost: 50 });
    expect(meta.verdict?.level).toBe('degraded');
    expect(meta.verdict?.sessions[0]?.reasons).toEqual(['2.0 % of packets lost (250 of about 11979)']);
  });

  it('a session without frames fails, and the reasons name the session when there are several', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'idle' }));
    const meta = await captureOf(5);
    expect(meta.verdict?.level).toBe('failed');
    expect(meta.verdict?.reasons).toEqual(['idle: no frames', NO_TIMELINE_REASON]);
    expect(meta.verdict?.sessions.map((s) => s.level)).toEqual(['failed', 'healthy']);
  });

  it('a capture in which no session ran fails', async () => {
    h.recorder.start();
    const meta = await h.recorder.stop();
    expect(meta?.verdict).toEqual({
      level: 'failed',
      reasons: [NO_SESSION_REASON, NO_TIMELINE_REASON],
      sessions: [],
    });
  });

  it('shutdown saves the verdict too', async () => {
    h.recorder.noteSession(sessionInfo());
    h.recorder.start();
    h.recorder.addSample(workerStatsSample(h.clock.monoUs + 2_000_000, { fps: 25 }));
    await h.recorder.shutdown();
    const [meta] = await h.recorder.list();
    expect(meta?.verdict?.level).toBe('failed');
  });

  it('live captures have no verdict yet', () => {
    h.recorder.noteSession(sessionInfo());
    h.recorder.start();
    expect(h.recorder.live()?.meta.verdict).toBeNull();
  });
});

function captureWith(sessionIds: string[]): Capture {
  const sessions = sessionIds.map((sessionId) => sessionInfo({ sessionId }));
  const samples = sessionIds.flatMap((sessionId) =>
    [2_000, 4_000, 6_000, 8_000, 10_000].map((tMs) => statsSample(tMs, { sessionId })),
  );
  const meta = { sessions } as CaptureMeta;
  return { meta, samples, events: [], telemetry: [] };
}

describe('the verdict on stop with a frame timeline', () => {
  it('encode-spikes: 7 stutter episodes in 10 s fail the session', () => {
    const log = testLog();
    const verdict = verdictOnStop(captureWith(['s1']), () => traceColumns('encode-spikes'), log);
    expect(verdict.level).toBe('failed');
    expect(verdict.reasons).toEqual(['7 stutter episodes (41.6/min); worst frame 41.1 ms (submit)']);
    expect(log.errors).toEqual([]);
  });

  it('steady-60fps is healthy, and the reasons no longer mention a missing timeline', () => {
    const verdict = verdictOnStop(captureWith(['s1']), () => traceColumns('steady-60fps'), testLog());
    expect(verdict).toEqual({
      level: 'healthy',
      reasons: [],
      sessions: [{ sessionId: 's1', level: 'healthy', reasons: [] }],
    });
  });

  it('a timeline that cannot be analysed leaves the verdict to the samples and says why', () => {
    const log = testLog();
    const broken: FrameColumns = traceColumns('steady-60fps', 3);
    const verdict = verdictOnStop(captureWith(['s1']), () => broken, log);
    expect(verdict.level).toBe('healthy');
    expect(verdict.reasons).toEqual([
      'frame timeline not analysed (frame record 0 names session 3, but the capture lists 1): verdict from the samples only',
    ]);
    expect(log.errors).toHaveLength(1);
  });
});
