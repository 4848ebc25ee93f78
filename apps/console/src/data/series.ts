// Samples → chart points. x is seconds since the capture was armed; a gap
// point (y null) goes between sessions and where windows are missing, so lines
// break there instead of bridging; a figure that was not measured is null too.
import type { StatsSample } from '@punktfunk/shared';

export interface Point {
  x: number;
  y: number | null;
  /** Set on the gap markers the timeline inserts (not a sample). */
  gap?: true;
}

export interface TimelineRow {
  x: number;
  sample: StatsSample | null;
}

// A window normally follows the previous one after about its own length;
// more than this many window lengths of silence is a real gap.
const GAP_FACTOR = 2.5;

export function timeline(samples: readonly StatsSample[]): TimelineRow[] {
  const sorted = [...samples].sort((a, b) => a.tMs - b.tMs);
  const rows: TimelineRow[] = [];
  let prev: StatsSample | null = null;
  for (const s of sorted) {
    if (prev) {
      const silentMs = s.tMs - prev.tMs;
      const expectedMs = Math.max(s.windowMs, prev.windowMs, 1);
      if (s.sessionId !== prev.sessionId || silentMs > GAP_FACTOR * expectedMs) {
        rows.push({ x: (prev.tMs + s.tMs) / 2000, sample: null });
      }
    }
    rows.push({ x: s.tMs / 1000, sample: s });
    prev = s;
  }
  return rows;
}

export function series(rows: readonly TimelineRow[], pick: (s: StatsSample) => number | null): Point[] {
  const points: Point[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.sample === null) points[i] = { x: row.x, y: null, gap: true };
    else {
      const v = pick(row.sample);
      points[i] = { x: row.x, y: v === null || !Number.isFinite(v) ? null : v };
    }
  }
  return points;
}

/** True when some sample measured the figure (a path that cannot see it leaves it null throughout). */
export function measured(samples: readonly StatsSample[], pick: (s: StatsSample) => number | null): boolean {
  return samples.some((s) => pick(s) !== null);
}

export const usToMs = (us: number | null | undefined): number | null =>
  us === null || us === undefined ? null : us / 1000;

export function stageUs(s: StatsSample, name: string, which: 'p50' | 'p99'): number | null {
  const st = s.stages.find((x) => x.name === name);
  if (!st) return null;
  return which === 'p50' ? st.p50Us : st.p99Us;
}

/** The last `windowMs` of samples (the live view keeps about ten minutes). */
export function lastWindow(samples: readonly StatsSample[], windowMs: number): StatsSample[] {
  if (samples.length === 0) return [];
  const end = samples[samples.length - 1]!.tMs;
  let i = samples.length;
  while (i > 0 && samples[i - 1]!.tMs >= end - windowMs) i--;
  return samples.slice(i);
}
