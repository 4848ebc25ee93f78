// A process saving captures with frame timelines is SIGKILLed at seeded
// random moments (mid-write often: sidecars are up to 3 MB). After each kill
// every `<id>.json` and `<id>.frames.bin` in the directory is complete or
// absent (temp files aside), and the store opens (removing orphans and temp
// files) and lists every capture with a readable timeline.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFramesFile } from '@punktfunk/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, openRecorder } from './fixtures.js';

const child = fileURLToPath(new URL('./save-frames-loop.mjs', import.meta.url));
const SEED = 0x5eed14;
const MAX_KILLS = 40;
/** The whole test stops killing after this long, whatever MAX_KILLS says. */
const BUDGET_MS = 20_000;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.cleanup();
});

/** mulberry32: the kill moments are random but the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Starts the child and SIGKILLs it `delayMs` after it is ready; resolves with the ids it reported saved. */
function runAndKill(seed: number, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, h.dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: string[] = [];
    let stderr = '';
    let out = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => proc.kill('SIGKILL'), delayMs);
        else if (line.startsWith('saved ')) saved.push(line.split(' ')[1] as string);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(saved);
      else reject(new Error(`child exited by itself (${code}): ${stderr}`));
    });
  });
}

/** Every final-named file is whole: a JSON that parses, a sidecar that parses and matches its JSON. */
async function expectCompleteOrAbsent(): Promise<void> {
  const names = await readdir(h.dir);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const capture = JSON.parse(await readFile(join(h.dir, name), 'utf8'));
    expect(capture.meta.sampleCount).toBe(capture.samples.length);
    const sidecar = name.replace(/\.json$/, '.frames.bin');
    // Written before the JSON: a JSON naming a timeline always has it.
    if (capture.meta.timeline) expect(names, `${sidecar} of ${name}`).toContain(sidecar);
  }
  for (const name of names.filter((n) => n.endsWith('.frames.bin'))) {
    const { header } = parseFramesFile(await readFile(join(h.dir, name)));
    expect(header.recordCount).toBeGreaterThan(0);
  }
}

describe('crash safety of the frame timeline', () => {
  it('SIGKILLs at seeded random moments: every JSON and sidecar complete or absent; the store opens and lists', async () => {
    const next = random(SEED);
    const started = Date.now();
    const reported = new Set<string>();
    let kills = 0;
    let leftTemp = 0;
    let leftOrphan = 0;
    while (kills < MAX_KILLS && Date.now() - started < BUDGET_MS) {
      const saved = await runAndKill(kills + 1, Math.floor(next() * 400));
      kills++;
      for (const id of saved) reported.add(id);
      const names = await readdir(h.dir);
      if (names.some((n) => n.endsWith('.tmp'))) leftTemp++;
      if (
        names.some((n) => n.endsWith('.frames.bin') && !names.includes(n.replace(/\.frames\.bin$/, '.json')))
      )
        leftOrphan++;
      await expectCompleteOrAbsent();
    }
    const recorder = await openRecorder(h.dir, h.clock, h.log);
    const listing = await recorder.listing();
    expect(listing.skipped).toEqual([]);
    const names = await readdir(h.dir);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const id of reported) expect(listing.recordings.map((m) => m.id)).toContain(id);
    for (const meta of listing.recordings) {
      if (meta.timeline) {
        const { frames } = await recorder.loadFrames(meta.id);
        expect(frames.header.recordCount).toBe(meta.timeline.frames);
      } else expect(names).not.toContain(`${meta.id}.frames.bin`);
    }
    // Orphans went at open: every sidecar has its JSON.
    for (const name of names.filter((n) => n.endsWith('.frames.bin'))) {
      expect(names).toContain(name.replace(/\.frames\.bin$/, '.json'));
    }
    expect(h.log.warnings).toEqual([]);
    console.info(
      `frame timeline crash safety: ${kills} kills in ${Date.now() - started} ms, ${reported.size} captures saved, ` +
        `${leftTemp} kills left a temp file, ${leftOrphan} an orphan sidecar`,
    );
  }, 60_000);
});
