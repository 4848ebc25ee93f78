// Whether the encoder holds the stream's frame rate, judged in the worker
// from every frame's encode time (whether or not a capture is armed): the
// median of a window of one second's frames above the frame budget (1 / fps)
// for SLOW_WINDOWS windows in a row means it cannot. One verdict per stream;
// the main thread says so and offers another codec for that mode next time.

/** Consecutive over-budget windows (of one second's frames each) that make the verdict. */
export const SLOW_WINDOWS = 3;

export interface EncoderPaceVerdict {
  encodeP50Us: number;
  budgetUs: number;
  windows: number;
}

export class EncoderPaceWatch {
  readonly budgetUs: number;
  private readonly windowFrames: number;
  private readonly encodeUs: number[] = [];
  private overBudgetRun = 0;
  private decided = false;

  constructor(fps: number) {
    this.budgetUs = 1_000_000 / fps;
    this.windowFrames = Math.max(1, Math.round(fps));
  }

  /** One frame's encode time; the verdict once, when the run of slow windows is complete. */
  addFrame(encodeUs: number): EncoderPaceVerdict | null {
    if (this.decided) return null;
    this.encodeUs.push(encodeUs);
    if (this.encodeUs.length < this.windowFrames) return null;
    const sorted = this.encodeUs.sort((a, b) => a - b);
    const p50Us = sorted[Math.floor(sorted.length / 2)] as number;
    this.encodeUs.length = 0;
    this.overBudgetRun = p50Us > this.budgetUs ? this.overBudgetRun + 1 : 0;
    if (this.overBudgetRun < SLOW_WINDOWS) return null;
    this.decided = true;
    return { encodeP50Us: p50Us, budgetUs: this.budgetUs, windows: SLOW_WINDOWS };
  }
}
