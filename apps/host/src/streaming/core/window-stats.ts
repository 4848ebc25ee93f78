// Per-window accumulation of per-frame figures. Recording a frame writes a
// few numbers into preallocated typed arrays; percentiles are computed only
// at the aggregation boundary (about every 1-2 s), never per frame.

/** A growable column of numbers (µs), reused across windows without reallocation. */
export class Column {
  private values: Float64Array;
  private count = 0;

  constructor(initialCapacity = 512) {
    this.values = new Float64Array(initialCapacity);
  }

  push(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  get length(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  sum(): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) total += this.values[i] as number;
    return total;
  }

  /** Nearest-rank percentiles of the window (sorts a copy). */
  percentiles(ps: readonly number[]): number[] {
    if (this.count === 0) return ps.map(() => 0);
    const sorted = this.values.slice(0, this.count).sort();
    return ps.map((p) => sorted[Math.max(0, Math.ceil((p / 100) * this.count) - 1)] as number);
  }
}

/** Nearest-rank p50/p99, rounded to whole µs. */
export function p50p99(column: Column): { p50Us: number; p99Us: number } {
  const [p50, p99] = column.percentiles([50, 99]);
  return { p50Us: Math.round(p50 as number), p99Us: Math.round(p99 as number) };
}
