// Frame times of one session, counted rather than kept: percentiles exact to
// the µs without sorting 648,000 values, and the histogram in the same pass.
// Frame times are whole µs already (the host time is a u32, the stages are
// whole µs), so counting per µs loses nothing.

/** Width of a histogram bin. */
export const HISTOGRAM_BIN_US = 500;
/** The histogram covers 0 .. this many frame budgets; longer frames land in its overflow bin. */
export const HISTOGRAM_RANGE_BUDGETS = 4;
/**
 * Frame times up to this are counted per µs (1 MB of counters per session at
 * most); longer ones are kept as values and sorted when a percentile needs them.
 */
const EXACT_LIMIT_US = 262_144;

/** Frame times of one session in HISTOGRAM_BIN_US bins. */
export interface FrameTimeHistogram {
  binUs: number;
  /** Frames per bin: counts[k] holds frame times in [k × binUs, (k + 1) × binUs). */
  counts: number[];
  /** Where the overflow bin starts: counts.length × binUs (HISTOGRAM_RANGE_BUDGETS frame budgets, rounded up to a bin). */
  overflowFromUs: number;
  /** Frames at or above overflowFromUs. */
  overflow: number;
}

export class FrameTimeCounter {
  count = 0;
  sumUs = 0;
  maxUs = 0;
  private readonly exact: Uint32Array;
  private readonly above: number[] = [];
  private readonly bins: Uint32Array;
  private overflow = 0;
  private aboveSorted = false;

  constructor(budgetUs: number) {
    this.exact = new Uint32Array(Math.min(Math.ceil(HISTOGRAM_RANGE_BUDGETS * budgetUs) + 1, EXACT_LIMIT_US));
    this.bins = new Uint32Array(
      Math.max(1, Math.ceil((HISTOGRAM_RANGE_BUDGETS * budgetUs) / HISTOGRAM_BIN_US)),
    );
  }

  add(frameTimeUs: number): void {
    const us = frameTimeUs > 0 ? Math.round(frameTimeUs) : 0;
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
    if (us < this.exact.length) this.exact[us] = (this.exact[us] as number) + 1;
    else {
      this.above.push(us);
      this.aboveSorted = false;
    }
    const bin = Math.floor(us / HISTOGRAM_BIN_US);
    if (bin < this.bins.length) this.bins[bin] = (this.bins[bin] as number) + 1;
    else this.overflow++;
  }

  /**
   * Nearest rank: the smallest frame time with at least `fraction` of the
   * frames at or below it (0.5: the median). Null without frames.
   */
  percentileUs(fraction: number): number | null {
    return this.rankUs(Math.ceil(fraction * this.count));
  }

  /**
   * The shortest frame time among the worst `fraction` of frames (at least
   * one frame): 0.001 gives the threshold of the worst 0.1 %, with 1,000
   * frames the longest one. Null without frames.
   */
  worstThresholdUs(fraction: number): number | null {
    return this.rankUs(this.count - Math.max(1, Math.ceil(fraction * this.count)) + 1);
  }

  /** The frame time of rank `rank` (1 = shortest) in sorted order; null without frames. */
  private rankUs(rank: number): number | null {
    if (this.count === 0) return null;
    const wanted = Math.min(this.count, Math.max(1, rank));
    let seen = 0;
    for (let us = 0; us < this.exact.length; us++) {
      seen += this.exact[us] as number;
      if (seen >= wanted) return us;
    }
    // Only the long frames remain: sort them once (they are few unless the session is broken).
    if (!this.aboveSorted) {
      this.above.sort((a, b) => a - b);
      this.aboveSorted = true;
    }
    return this.above[wanted - seen - 1] as number;
  }

  histogram(): FrameTimeHistogram {
    return {
      binUs: HISTOGRAM_BIN_US,
      counts: Array.from(this.bins),
      overflowFromUs: this.bins.length * HISTOGRAM_BIN_US,
      overflow: this.overflow,
    };
  }
}
