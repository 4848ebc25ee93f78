// Min/max decimation: a frame-time chart of 648,000 frames is drawn as one
// vertical bar per pixel column and session, from the shortest to the longest
// frame time falling in it, so every spike stays visible at any zoom and the
// drawing costs one pass over the frames plus one rect per column.

export interface ColumnExtremes {
  /** Per pixel column: NaN where no frame of the session falls in it. */
  minMs: Float32Array;
  maxMs: Float32Array;
}

export interface DecimationInput {
  tS: Float64Array;
  frameMs: Float32Array;
  sessionIndex: Uint16Array;
}

/**
 * The extremes per column for each session in `sessions`, over the frames
 * with xMinS ≤ t < xMaxS, plus how many frames fell in the range.
 */
export function decimateFrameTimes(
  input: DecimationInput,
  sessions: readonly number[],
  xMinS: number,
  xMaxS: number,
  columns: number,
): { bySession: Map<number, ColumnExtremes>; framesInRange: number } {
  const bySession = new Map<number, ColumnExtremes>();
  for (const s of sessions) {
    bySession.set(s, {
      minMs: new Float32Array(columns).fill(Number.NaN),
      maxMs: new Float32Array(columns).fill(Number.NaN),
    });
  }
  const perColumn = columns / Math.max(xMaxS - xMinS, 1e-9);
  let framesInRange = 0;
  const { tS, frameMs, sessionIndex } = input;
  for (let i = 0; i < tS.length; i++) {
    const t = tS[i]!;
    if (t < xMinS || t > xMaxS) continue;
    const ms = frameMs[i]!;
    if (Number.isNaN(ms)) continue;
    const lane = bySession.get(sessionIndex[i]!);
    if (!lane) continue;
    framesInRange++;
    const col = Math.min(columns - 1, Math.floor((t - xMinS) * perColumn));
    const min = lane.minMs[col]!;
    // NaN compares false: the first frame of a column sets both.
    if (!(min <= ms)) lane.minMs[col] = ms;
    if (!(lane.maxMs[col]! >= ms)) lane.maxMs[col] = ms;
  }
  return { bySession, framesInRange };
}

/**
 * The frame nearest to a point, in pixels: among frames within `reachPx`
 * columns, the closest in both directions; otherwise the nearest in time.
 * -1 when no frame is in the range.
 */
export function nearestFrame(
  input: DecimationInput,
  toPx: (tS: number, ms: number) => { x: number; y: number },
  xMinS: number,
  xMaxS: number,
  cursor: { x: number; y: number },
  reachPx = 4,
  /** The sessions drawn (by index); a hidden session's frame is never named. */
  shown: ((sessionIndex: number) => boolean) | null = null,
): number {
  let best = -1;
  let bestDist = Number.POSITIVE_INFINITY;
  for (let i = 0; i < input.tS.length; i++) {
    const t = input.tS[i]!;
    const ms = input.frameMs[i]!;
    if (t < xMinS || t > xMaxS || Number.isNaN(ms)) continue;
    if (shown && !shown(input.sessionIndex[i]!)) continue;
    const p = toPx(t, ms);
    const dx = Math.abs(p.x - cursor.x);
    // Far in x counts far more than far in y, so outside the reach the nearest in time wins.
    const dist = dx <= reachPx ? Math.hypot(dx, p.y - cursor.y) : 1e6 + dx;
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  }
  return best;
}
