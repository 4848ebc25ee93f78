// Whether the encoder holds the stream's frame rate, judged in the worker
// from every frame's encode time (whether or not a capture is armed): the
// median of a window of WINDOW_FRAMES frames above the frame budget (1 / fps)
// for SLOW_WINDOWS windows in a row means it cannot. One verdict per stream;
// the main thread says so and offers another codec for that mode next time.

/** Frames per window: half a second at 60 fps, and a slow encoder is judged in frames, not after minutes. */
export const WINDOW_FRAMES = 30;
/** Consecutive over-budget windows that make the verdict (1.5 s of frames at 60 fps). */
export const SLOW_WINDOWS = 3;

export interface EncoderPaceVerdict {
  encodeP50Us: number;
  budgetUs: number;
  /** Frames the verdict rests on. */
  frames: number;
}

export class EncoderPaceWatch {
  readonly budgetUs: number;
  private readonly encodeUs: number[] = [];
  private overBudgetRun = 0;
  private decided = false;

  constructor(fps: number) {
    this.budgetUs = 1_000_000 / fps;
  }

  /** One frame's encode time; the verdict once, when the run of slow windows is complete. */
  addFrame(encodeUs: number): EncoderPaceVerdict | null {
    if (this.decided) return null;
    this.encodeUs.push(encodeUs);
    if (this.encodeUs.length < WINDOW_FRAMES) return null;
    const sorted = this.encodeUs.sort((a, b) => a - b);
    const p50Us = sorted[Math.floor(sorted.length / 2)] as number;
    this.encodeUs.length = 0;
    this.overBudgetRun = p50Us > this.budgetUs ? this.overBudgetRun + 1 : 0;
    if (this.overBudgetRun < SLOW_WINDOWS) return null;
    this.decided = true;
    return { encodeP50Us: p50Us, budgetUs: this.budgetUs, frames: SLOW_WINDOWS * WINDOW_FRAMES };
  }
}
