// A process saving captures is killed with SIGKILL at many different moments
// (mid-write often enough: it writes multi-MB files back to back). After each
// kill, every *.json must parse, every capture seen before must be unchanged,
// and every capture the child reported saved must be there.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './fixtures.js';

const child = fileURLToPath(new URL('./save-loop.mjs', import.meta.url));
const KILLS = 30;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.cleanup();
});

async function hashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    out.set(
      name,
      createHash('sha256')
        .update(await readFile(join(dir, name)))
        .digest('hex'),
    );
  }
  return out;
}

/** Starts the child, waits for `savesFirst` saves, then kills it `delayMs` later. */
function runAndKill(savesFirst: number, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, h.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: string[] = [];
    let stderr = '';
    let out = '';
    let killTimer: NodeJS.Timeout | undefined;
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('saved ')) saved.push(line.slice(6));
      if (saved.length >= savesFirst && !killTimer) {
        killTimer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(saved);
      else reject(new Error(`child exited by itself (${code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs mid-save: every file parses, nothing earlier lost or changed`, async () => {
    const reported = new Set<string>();
    let killsWithTempFile = 0;
    for (let k = 0; k < KILLS; k++) {
      const before = await hashes(h.dir);
      // A deterministic spread of kill moments over a save cycle: after 1-2 saves, 0-40 ms later.
      const saved = await runAndKill(1 + (k % 2), (k * 11) % 41);
      for (const id of saved) reported.add(`${id}.json`);
      const names = await readdir(h.dir);
      if (names.some((n) => n.endsWith('.tmp'))) killsWithTempFile++;
      const after = await hashes(h.dir);
      for (const [name, hash] of before) expect(after.get(name), `${name} changed or lost`).toBe(hash);
      for (const name of reported) expect(after.has(name), `${name} reported saved but missing`).toBe(true);
      for (const name of after.keys()) {
        const parsed = JSON.parse(await readFile(join(h.dir, name), 'utf8'));
        expect(parsed.meta.sampleCount).toBe(parsed.samples.length);
      }
    }
    const listed = await h.recorder.list();
    expect(listed.length).toBe((await hashes(h.dir)).size);
    expect(h.log.warnings).toEqual([]);
    console.info(`crash safety: ${KILLS} kills, ${killsWithTempFile} left a half-written temp file`);
  });
});
