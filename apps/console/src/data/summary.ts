// Summary figures of a recording, pure functions (unit-tested without a browser).
//
// The host summarises each window's frames as p50 and p99; frame-level
// percentiles of a whole recording cannot be rebuilt from those exactly. So:
// mean, median and p95 are taken over the windows' medians (the typical
// frame, window by window), p99 over the windows' p99s (the tail).
import type { Capture, StatsSample } from '@punktfunk/shared';

/** Linear interpolation between closest ranks (numpy's default); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function present(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export interface LatencySummary {
  /** Stage name, or 'host' for the host total. */
  name: string;
  meanUs: number | null;
  medianUs: number | null;
  p95Us: number | null;
  p99Us: number | null;
}

export function latencySummary(
  name: string,
  p50s: readonly (number | null)[],
  p99s: readonly (number | null)[],
) {
  const mid = present(p50s);
  const tail = present(p99s);
  return {
    name,
    meanUs: mean(mid),
    medianUs: percentile(mid, 50),
    p95Us: percentile(mid, 95),
    p99Us: percentile(tail, 99),
  } satisfies LatencySummary;
}

/**
 * Average fps over time (frames / seconds, so long windows count for more)
 * and the 1 % low: the fps that 99 % of the recording's time ran at or above
 * (windows sorted by fps, the slowest 1 % of the time cut off).
 */
export function fpsSummary(samples: readonly Pick<StatsSample, 'fps' | 'windowMs'>[]): {
  averageFps: number | null;
  onePercentLowFps: number | null;
} {
  const windows = samples.filter((s) => Number.isFinite(s.fps) && s.windowMs > 0);
  if (windows.length === 0) return { averageFps: null, onePercentLowFps: null };
  let frames = 0;
  let timeMs = 0;
  for (const s of windows) {
    frames += s.fps * s.windowMs;
    timeMs += s.windowMs;
  }
  const byFps = [...windows].sort((a, b) => a.fps - b.fps);
  const cutMs = timeMs * 0.01;
  let seenMs = 0;
  let low = byFps[0]!.fps;
  for (const s of byFps) {
    low = s.fps;
    seenMs += s.windowMs;
    if (seenMs >= cutMs) break;
  }
  return { averageFps: frames / timeMs, onePercentLowFps: low };
}

/** A window is over budget when its host p99 exceeds one frame time of its stream. */
export function overBudget(
  samples: readonly Pick<StatsSample, 'hostP99Us' | 'stages' | 'sessionId'>[],
  frameBudgetUs: (sessionId: string) => number | null,
): { count: number; share: number | null; measured: number } {
  let count = 0;
  let measured = 0;
  for (const s of samples) {
    const budget = frameBudgetUs(s.sessionId);
    const total = s.hostP99Us ?? (s.stages.length ? s.stages.reduce((sum, st) => sum + st.p99Us, 0) : null);
    if (budget === null || total === null) continue;
    measured++;
    if (total > budget) count++;
  }
  return { count, share: measured ? count / measured : null, measured };
}

export interface CaptureSummary {
  latency: LatencySummary[];
  averageFps: number | null;
  onePercentLowFps: number | null;
  overBudgetCount: number;
  overBudgetShare: number | null;
  frameBudgetUs: number | null;
  averageWireMbps: number | null;
}

/** Stage names in the order the capture's samples list them. */
export function stageNames(samples: readonly StatsSample[]): string[] {
  const names: string[] = [];
  for (const s of samples) for (const st of s.stages) if (!names.includes(st.name)) names.push(st.name);
  return names;
}

export function frameBudgetFor(capture: Capture): (sessionId: string) => number | null {
  const fpsBySession = new Map(capture.meta.sessions.map((s) => [s.sessionId, s.fps]));
  return (sessionId) => {
    const fps = fpsBySession.get(sessionId) ?? capture.meta.fps;
    return fps ? 1e6 / fps : null;
  };
}

export function summarize(capture: Capture): CaptureSummary {
  const { samples } = capture;
  const latency = stageNames(samples).map((name) => {
    const p50s: (number | null)[] = [];
    const p99s: (number | null)[] = [];
    for (const s of samples) {
      const st = s.stages.find((x) => x.name === name);
      p50s.push(st?.p50Us ?? null);
      p99s.push(st?.p99Us ?? null);
    }
    return latencySummary(name, p50s, p99s);
  });
  latency.push(
    latencySummary(
      'host',
      samples.map((s) => s.hostP50Us),
      samples.map((s) => s.hostP99Us),
    ),
  );
  const budget = overBudget(samples, frameBudgetFor(capture));
  const fps = fpsSummary(samples);
  return {
    latency,
    ...fps,
    overBudgetCount: budget.count,
    overBudgetShare: budget.share,
    frameBudgetUs: capture.meta.fps ? 1e6 / capture.meta.fps : null,
    averageWireMbps: mean(present(samples.map((s) => s.wireMbps))),
  };
}
