// `pnpm replay` on a trace with known stalls: besides the windows, it lists
// the stutter episodes the frame timeline shows, exactly at the stalls.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../../dist/tools/replay-cli.js', import.meta.url));
const trace = (name: string) => fileURLToPath(new URL(`../../../traces/${name}.jsonl`, import.meta.url));
const replay = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('pnpm replay', () => {
  it('lists the stutter episodes at the trace’s stalls (JSON and text)', () => {
    const json = JSON.parse(replay(trace('encode-spikes'), '--json')) as {
      stutters: { worstFrameIndex: number; dominantStage: string | null }[];
    };
    expect(json.stutters.map((e) => e.worstFrameIndex)).toEqual([45, 135, 225, 315, 405, 495, 585]);
    expect(json.stutters.every((e) => e.dominantStage === 'submit')).toBe(true);
    const text = replay(trace('keyframe-stalls'));
    expect(text).toMatch(/stutters: \d+ episode\(s\)/);
    expect(text).toMatch(/frame \d+: \d+\.\d\d ms \(mostly submit\), at a keyframe/);
    expect(replay(trace('steady-60fps'))).toMatch(/stutters: none/);
  });
});
