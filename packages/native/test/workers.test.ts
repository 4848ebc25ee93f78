import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FrameCapture, liveHandles, openCodecContexts, VideoEncoder } from '../src/index.js';

interface WorkerReport {
  counters: [number | null, number, number][];
  openWhileRunning: number;
}

function runWorker(data: object): Promise<{ report: WorkerReport; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/encode-worker.mjs', import.meta.url), { workerData: data });
    let report: WorkerReport | undefined;
    worker.on('message', (m: WorkerReport) => (report = m));
    worker.on('error', reject);
    worker.on('exit', (exitCode) =>
      report
        ? resolve({ report, exitCode })
        : reject(new Error(`worker exited ${exitCode} without a report`)),
    );
  });
}

describe('the addon in several worker_threads', () => {
  it('two workers encode at once, each gets its own stream back, and both exit cleanly', async () => {
    const baseline = openCodecContexts();
    const [a, b] = await Promise.all([
      runWorker({ width: 640, height: 360, frames: 90, closeExplicitly: true }),
      runWorker({ width: 320, height: 240, frames: 90, closeExplicitly: false }),
    ]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    expect(a.report.counters).toEqual([...Array(90).keys()].map((i) => [i, 640, 360]));
    expect(b.report.counters).toEqual([...Array(90).keys()].map((i) => [i, 320, 240]));
    // While both ran, each held an encoder and a decoder.
    expect(Math.max(a.report.openWhileRunning, b.report.openWhileRunning)).toBeGreaterThanOrEqual(
      baseline + 2,
    );
    // After exit nothing is left open, including in the worker that never called close().
    expect(openCodecContexts()).toBe(baseline);
  });

  it('create/destroy in a loop leaks no encoder contexts', () => {
    const baseline = openCodecContexts();
    const handlesBefore = liveHandles();
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 150; i++) {
      const encoder = new VideoEncoder(
        {
          codec: 'h264',
          backend: 'software',
          width: 320,
          height: 240,
          fps: 30,
          bitrateKbps: 1000,
          threads: 1,
        },
        null,
      );
      const capture = new FrameCapture({ width: 320, height: 240, pixelFormat: encoder.info.pixelFormat });
      capture.capture();
      encoder.submit(capture);
      encoder.collect();
      expect(openCodecContexts()).toBe(baseline + 1);
      capture.close();
      encoder.close();
    }
    expect(openCodecContexts()).toBe(baseline);
    expect(liveHandles()).toBe(handlesBefore);
    // x264 allocates several MB per encoder: 150 leaked ones would be obvious.
    const growthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(growthMb).toBeLessThan(100);
  });

  it("a worker's synchronous loop holds no encoded packet once its Buffer is dropped", async () => {
    // A streaming worker's frame loop never lets its event loop turn: a packet
    // freed only by a finalizer Node defers to the event loop would pile up
    // for the whole session (RSS growing at the video bitrate).
    const report = await new Promise<{ packets: number; heldAfterLoop: number }>((resolve, reject) => {
      const worker = new Worker(new URL('./fixtures/packet-loop-worker.mjs', import.meta.url), {
        workerData: { frames: 120 },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(report.packets).toBeGreaterThan(100);
    expect(report.heldAfterLoop).toBe(0);
  });

  it('terminating a worker while its native calls throw never takes the process down', async () => {
    // Without care, napi_throw fails in a terminating worker and node-addon-api
    // aborts the whole process; here the host must survive every time.
    for (let i = 0; i < 25; i++) {
      const worker = new Worker(new URL('./fixtures/throwing-worker.mjs', import.meta.url));
      await new Promise((resolve) => worker.once('message', resolve));
      await new Promise((resolve) => setTimeout(resolve, i % 5));
      const exitCode = await worker.terminate();
      expect(exitCode).toBe(1);
    }
  });
});
