// CI replays traces through the real send path with a real recorder armed:
// the saved `<id>.frames.bin` must match the trace frame for frame (indices,
// stage µs, bytes, keyframe and repeated flags, count).
import { readFile } from 'node:fs/promises';
import { monotonicUs } from '@punktfunk/native';
import { HOST_US_NOT_MEASURED, parseFramesFile, readFrameRecord } from '@punktfunk/shared';
import { sessionInfo } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayTrace } from '../../../src/streaming/core/replay.js';
import { readTrace } from '../../../src/streaming/core/trace.js';
import { type Harness, harness } from '../../recorder/fixtures.js';

const trace = (name: string) => readTrace(new URL(`../../../traces/${name}.jsonl`, import.meta.url).pathname);

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Replays `name` with h.recorder armed as the replay arms it (on the replay's own clock). */
async function recordReplay(name: string, extra: { armAtFrame?: number; disarmAtFrame?: number } = {}) {
  h.recorder.noteSession(sessionInfo({ sessionId: 'replay' }));
  let stoppedByReplay: Promise<unknown> | null = null;
  const result = replayTrace(trace(name), {
    virtualClock: true,
    monotonicUs,
    ...extra,
    onArmedChange: (armed, nowUs) => {
      h.clock.monoUs = nowUs;
      if (armed) h.recorder.start();
      else stoppedByReplay = h.recorder.stop();
    },
    onFrames: (records, count) => h.recorder.addFrames('replay', records, count),
  });
  const meta = (await (stoppedByReplay ?? h.recorder.stop())) as Awaited<ReturnType<typeof h.recorder.stop>>;
  if (!meta) throw new Error('nothing saved');
  const file = parseFramesFile(await readFile(`${h.dir}/${meta.id}.frames.bin`));
  return { result, meta, file };
}

describe('trace replay into a real recorder: the sidecar matches the trace', () => {
  for (const name of ['encode-spikes', 'keyframe-storm']) {
    it(`${name}: every frame, index, stage, byte count and flag`, async () => {
      const frames = trace(name).frames;
      const { result, meta, file } = await recordReplay(name);
      expect(result.frames).toBe(frames.length);
      expect(meta.timeline).toEqual({ frames: frames.length, truncated: false });
      expect(file.header.recordCount).toBe(frames.length);
      let previousStartUs = -1;
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        const r = readFrameRecord(file.records, i);
        expect(r, `frame ${i}`).toMatchObject({
          frameIndex: i,
          encodedBytes: f.bytes,
          keyframe: f.keyframe,
          repeated: f.repeated,
          sessionIndex: 0,
          stageClipped: false,
          stagesUs: [f.captureUs, f.submitUs, f.encodeUs, f.sendUs],
          hostUs: f.captureUs + f.submitUs + f.encodeUs + f.sendUs,
        });
        expect(r.captureStartUs).toBeGreaterThan(previousStartUs);
        previousStartUs = r.captureStartUs;
      }
      // Armed at the first frame: the first record starts at 0 µs since arming.
      expect(readFrameRecord(file.records, 0).captureStartUs).toBe(0);
      expect(file.records.getUint32(16, true)).not.toBe(HOST_US_NOT_MEASURED);
    });
  }

  it('armed mid-stream, then disarmed: the frames of the windows posted while armed, nothing from before', async () => {
    const { result, file } = await recordReplay('encode-spikes', { armAtFrame: 100, disarmAtFrame: 400 });
    // Like the samples, the partial window cut by the disarm is not handed over:
    // the timeline holds exactly the frames the capture's samples counted.
    const measured = result.samples.reduce((n, s) => n + s.measuredFrames, 0);
    expect(file.header.recordCount).toBe(measured);
    expect(measured).toBeGreaterThan(200);
    for (let i = 0; i < measured; i++) expect(readFrameRecord(file.records, i).frameIndex).toBe(100 + i);
  });
});
