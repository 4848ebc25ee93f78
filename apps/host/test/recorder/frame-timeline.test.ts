// The recorder's frame timeline: records from the workers' blocks are kept
// only while armed, stamped with µs since arming and the session's index,
// capped, saved as `<id>.frames.bin` beside the JSON, deleted with it, and a
// missing or damaged sidecar never makes the capture unreadable.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FRAME_RECORD_BYTES,
  type FrameRecord,
  parseFramesFile,
  readFrameRecord,
  writeFrameRecord,
} from '@punktfunk/shared';
import { sessionInfo } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, harness, openRecorder } from './fixtures.js';

let h: Harness;
beforeEach(async () => {
  h = await harness({ maxFrames: 10 });
});
afterEach(async () => {
  await h.cleanup();
});

/** A worker block: `count` frames of 16.667 ms from `startMonoUs` (engine clock), indices from `firstIndex`. */
function block(startMonoUs: number, count: number, firstIndex = 0): DataView {
  const view = new DataView(new ArrayBuffer((count + 3) * FRAME_RECORD_BYTES));
  for (let i = 0; i < count; i++) {
    const frame: FrameRecord = {
      captureStartUs: startMonoUs + i * 16_667,
      frameIndex: firstIndex + i,
      encodedBytes: 20_000 + i,
      hostUs: i === 1 ? null : 5000 + i,
      sessionIndex: 0,
      keyframe: i === 0,
      repeated: i === 2,
      stageClipped: false,
      stagesUs: [700, 4000 + i, 30, 150],
    };
    writeFrameRecord(view, i, frame);
  }
  return view;
}

async function sidecar(id: string) {
  return parseFramesFile(await readFile(join(h.dir, `${id}.frames.bin`)));
}

describe('frame timeline in the recorder', () => {
  it('ignores records when idle and those that started before arming; stamps µs since arming and the session index', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    h.recorder.addFrames('a', block(h.clock.monoUs, 3), 3); // idle: ignored
    h.recorder.start();
    const armedUs = h.clock.monoUs;
    h.recorder.addFrames('a', block(armedUs - 10_000, 3), 3); // the first started before arming
    h.recorder.noteSession(sessionInfo({ sessionId: 'b', kind: 'gamestream' }));
    h.recorder.addFrames('b', block(armedUs + 1000, 2, 50), 2);
    h.recorder.addFrames('ghost', block(armedUs + 1000, 2), 2); // never announced: no index, dropped
    expect(h.recorder.framesView()?.byteLength).toBe(4 * FRAME_RECORD_BYTES);
    h.clock.monoUs += 1_000_000;
    const meta = await h.recorder.stop();
    expect(meta?.timeline).toEqual({ frames: 4, truncated: false });
    const { header, records } = await sidecar(meta!.id);
    expect(header).toEqual({ recordCount: 4, truncated: false, armedMonoUs: armedUs });
    const read = [0, 1, 2, 3].map((i) => readFrameRecord(records, i));
    expect(read.map((r) => [r.sessionIndex, r.frameIndex, r.captureStartUs])).toEqual([
      [0, 1, -10_000 + 16_667],
      [0, 2, -10_000 + 2 * 16_667],
      [1, 50, 1000],
      [1, 51, 1000 + 16_667],
    ]);
    expect(read[0]).toMatchObject({ hostUs: null, encodedBytes: 20_001, stagesUs: [700, 4001, 30, 150] });
    expect(read[1]).toMatchObject({ repeated: true, keyframe: false });
    expect(read[2]).toMatchObject({ keyframe: true, hostUs: 5000 });
    expect(meta?.sessions.map((s) => s.sessionId)).toEqual(['a', 'b']);
  });

  it('keeps the start past the cap and says it is truncated', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    h.recorder.start();
    h.recorder.addFrames('a', block(h.clock.monoUs, 8), 8);
    h.recorder.addFrames('a', block(h.clock.monoUs + 200_000, 8, 8), 8);
    const meta = await h.recorder.stop();
    expect(meta?.timeline).toEqual({ frames: 10, truncated: true });
    const { header, records } = await sidecar(meta!.id);
    expect(header.truncated).toBe(true);
    expect(readFrameRecord(records, 9).frameIndex).toBe(9);
  });

  it('a capture with no frames has timeline null and no sidecar; delete removes both files', async () => {
    h.recorder.start();
    const empty = await h.recorder.stop();
    expect(empty?.timeline).toBeNull();
    await expect(h.recorder.loadFrames(empty!.id)).rejects.toMatchObject({ code: 'NO_TIMELINE' });
    h.clock.unixMs += 60_000;
    h.recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    h.recorder.start();
    h.recorder.addFrames('a', block(h.clock.monoUs, 2), 2);
    const full = await h.recorder.stop();
    expect((await readdir(h.dir)).sort()).toEqual(
      [`${empty!.id}.json`, `${full!.id}.frames.bin`, `${full!.id}.json`].sort(),
    );
    await h.recorder.delete(full!.id);
    expect(await readdir(h.dir)).toEqual([`${empty!.id}.json`]);
  });

  it('a missing or damaged sidecar: the capture still lists and loads, the frames say TIMELINE_DAMAGED', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    h.recorder.start();
    h.recorder.addFrames('a', block(h.clock.monoUs, 3), 3);
    const meta = (await h.recorder.stop())!;
    const path = join(h.dir, `${meta.id}.frames.bin`);
    const good = await readFile(path);
    await writeFile(path, good.subarray(0, good.length - 5));
    await expect(h.recorder.loadFrames(meta.id)).rejects.toMatchObject({
      code: 'TIMELINE_DAMAGED',
      message: expect.stringMatching(/is damaged: .*bytes where 3 records need/),
    });
    await rm(path);
    await expect(h.recorder.loadFrames(meta.id)).rejects.toMatchObject({
      code: 'TIMELINE_DAMAGED',
      message: expect.stringMatching(/is missing/),
    });
    await mkdir(path);
    await expect(h.recorder.loadFrames(meta.id)).rejects.toMatchObject({ code: 'TIMELINE_DAMAGED' });
    expect((await h.recorder.list()).map((m) => m.id)).toEqual([meta.id]);
    expect((await h.recorder.load(meta.id)).meta.timeline).toEqual({ frames: 3, truncated: false });
  });

  it('at open: an orphan sidecar (no JSON beside it) and stale sidecar temp files are removed', async () => {
    h.recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    h.recorder.start();
    h.recorder.addFrames('a', block(h.clock.monoUs, 3), 3);
    const meta = (await h.recorder.stop())!;
    const kept = `${meta.id}.frames.bin`;
    await writeFile(join(h.dir, 'orphan.frames.bin'), 'x');
    await writeFile(join(h.dir, `x.frames.bin.0123456789abcdef.tmp`), 'x');
    await openRecorder(h.dir, h.clock, h.log);
    expect((await readdir(h.dir)).sort()).toEqual([kept, `${meta.id}.json`].sort());
  });

  it('shutdown with a refused captures directory carries the sidecar to the fallback', async () => {
    const fallback = join(h.root, 'config', 'captures-unsaved');
    const recorder = await openRecorder(h.dir, h.clock, h.log, { unsavedDir: fallback });
    recorder.noteSession(sessionInfo({ sessionId: 'a' }));
    recorder.start();
    recorder.addFrames('a', block(h.clock.monoUs, 3), 3);
    await rm(h.dir, { recursive: true });
    await writeFile(h.dir, 'not a directory');
    await recorder.shutdown();
    const names = (await readdir(fallback)).sort();
    expect(names).toHaveLength(2);
    const file = parseFramesFile(await readFile(join(fallback, names.find((n) => n.endsWith('.bin'))!)));
    expect(file.header.recordCount).toBe(3);
  });
});
