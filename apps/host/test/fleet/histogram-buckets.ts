// The host latency histogram's bucket boundaries (docs/fleet.md) and what
// they promise about histogram_quantile: Prometheus finds the bucket holding
// the rank it wants and interpolates linearly inside it, so its estimate of a
// quantile always lies within the bounds of the bucket holding the true value.

/** Upper bounds in seconds, from docs/fleet.md (frame budgets of 240 … 30 fps and twice 60). */
export const HOST_LATENCY_BUCKETS_S = [
  0.001, 0.002, 0.003, 0.004167, 0.005, 0.006944, 0.008333, 0.011111, 0.016667, 0.025, 0.033333, 0.05, 0.1,
  0.25,
] as const;

/** The bucket a value in seconds falls into: (lowerS, upperS]; the last is (0.25, +Inf). */
export function bucketOf(
  valueS: number,
  upperBoundsS: readonly number[] = HOST_LATENCY_BUCKETS_S,
): { lowerS: number; upperS: number } {
  let lowerS = 0;
  for (const upperS of upperBoundsS) {
    if (valueS <= upperS) return { lowerS, upperS };
    lowerS = upperS;
  }
  return { lowerS, upperS: Number.POSITIVE_INFINITY };
}

/** The q-quantile of `values` by rank (the smallest value with at least q of them at or below it). */
export function rankQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  const value = sorted[rank - 1];
  if (value === undefined) throw new Error('no values to take a quantile of');
  return value;
}
