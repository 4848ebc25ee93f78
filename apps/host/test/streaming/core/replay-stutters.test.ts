// CI replays the traces with known spikes through the real send path into a
// real recorder: the saved recording's stutter list (the analysis the console
// and the verdict use, over the saved `<id>.frames.bin` and the saved event
// lane) holds exactly the spike frames, each with its keyframe event beside
// it where the trace put a keyframe, and the verdict names the stutters.
import { readFile } from 'node:fs/promises';
import { monotonicUs } from '@punktfunk/native';
import { analyzeFrames, decodeFrameColumns, frameBudgetUs, parseFramesFile } from '@punktfunk/shared';
import { sessionInfo } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayTrace } from '../../../src/streaming/core/replay.js';
import { readTrace, type Trace } from '../../../src/streaming/core/trace.js';
import { type Harness, harness } from '../../recorder/fixtures.js';

const trace = (name: string) => readTrace(new URL(`../../../traces/${name}.jsonl`, import.meta.url).pathname);

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Frames of the trace whose stages alone exceed two frame budgets: the stalls it was written with. */
function spikeFrames(t: Trace): number[] {
  const limitUs = 2 * frameBudgetUs(t.header.fps);
  return t.frames
    .map((f, i) => ({ i, us: f.captureUs + f.submitUs + f.encodeUs + f.sendUs }))
    .filter((f) => f.us > limitUs)
    .map((f) => f.i);
}

async function recordAndLoad(name: string) {
  h.recorder.noteSession(sessionInfo({ sessionId: 'replay', fps: 60 }));
  let stopped: ReturnType<typeof h.recorder.stop> | null = null;
  replayTrace(trace(name), {
    virtualClock: true,
    monotonicUs,
    onArmedChange: (armed, nowUs) => {
      h.clock.monoUs = nowUs;
      if (armed) h.recorder.start();
      else stopped = h.recorder.stop();
    },
    onFrames: (records, count) => h.recorder.addFrames('replay', records, count),
    onEvents: (events) => {
      for (const event of events) h.recorder.addEvent(event);
    },
  });
  const meta = await (stopped ?? h.recorder.stop());
  if (!meta) throw new Error('nothing saved');
  const capture = await h.recorder.load(meta.id);
  const file = parseFramesFile(await readFile(`${h.dir}/${meta.id}.frames.bin`));
  const analysis = analyzeFrames(decodeFrameColumns(file.records), capture.meta.sessions, capture.events);
  return { capture, analysis };
}

describe('replayed traces with known spikes: the saved recording finds exactly them', () => {
  it('encode-spikes: one episode per 40 ms stall, at the stalled frame, and the verdict says so', async () => {
    const spikes = spikeFrames(trace('encode-spikes'));
    expect(spikes).toEqual([45, 135, 225, 315, 405, 495, 585]);
    const { capture, analysis } = await recordAndLoad('encode-spikes');
    expect(analysis.episodes.map((e) => e.worstFrameIndex)).toEqual(spikes);
    expect(analysis.episodes.every((e) => e.slowFrames === 1 && e.gapFrames === 0)).toBe(true);
    expect(analysis.episodes.every((e) => e.dominantStage === 'submit' && !e.keyframe)).toBe(true);
    expect(capture.meta.verdict?.level).not.toBe('healthy');
    expect(capture.meta.verdict?.reasons.join('; ')).toMatch(/7 stutter episodes/);
  });

  it('keyframe-stalls: exactly the stalls; those at a keyframe have its keyframe event beside them', async () => {
    const stalls = trace('keyframe-stalls');
    const spikes = spikeFrames(stalls);
    expect(spikes.length).toBeGreaterThan(4);
    const { capture, analysis } = await recordAndLoad('keyframe-stalls');
    expect(analysis.episodes.map((e) => e.worstFrameIndex)).toEqual(spikes);
    const keyframeEvents = capture.events.filter((e) => e.type === 'keyframe');
    // The lane holds one keyframe event per keyframe the trace sent.
    expect(keyframeEvents.map((e) => e.details.frameIndex)).toEqual(
      stalls.frames.flatMap((f, i) => (f.keyframe ? [i] : [])),
    );
    for (const episode of analysis.episodes) {
      const index = episode.worstFrameIndex;
      const keyframeAtOrBefore = [index, index - 1].find((i) => stalls.frames[i]?.keyframe);
      expect(episode.keyframe, `episode at frame ${index}`).toBe(keyframeAtOrBefore !== undefined);
      const beside = episode.events.filter((e) => e.type === 'keyframe').map((e) => e.details.frameIndex);
      if (keyframeAtOrBefore !== undefined) expect(beside).toContain(keyframeAtOrBefore);
    }
    expect(analysis.episodes.filter((e) => e.keyframe).length).toBeGreaterThan(0);
    expect(analysis.episodes.filter((e) => !e.keyframe).length).toBeGreaterThan(0);
  });

  it('steady-60fps and keyframe-storm: no stutter at all', async () => {
    for (const name of ['steady-60fps', 'keyframe-storm']) {
      const { analysis } = await recordAndLoad(name);
      expect(analysis.episodes, name).toEqual([]);
    }
  });
});
