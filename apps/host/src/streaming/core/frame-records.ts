// The per-frame timeline on the worker side: while a capture is armed (or, by
// default, for the host metrics: PUNKTFUNK_METRICS) every
// frame writes one 32-byte record (packages/shared/src/timeline.ts) into a
// block preallocated for one aggregation window. The block is handed over
// whole (a transferable ArrayBuffer) at the window boundary, or earlier when
// it fills, and a fresh one is allocated: one allocation per window, none
// per frame, no object per frame.
import { FRAME_RECORD_BYTES, writeFrameFields } from '@punktfunk/shared';
import type { FrameResult } from './frame-result.js';

/** Filled records, as they cross to the main thread (the buffer is transferred). */
export interface FrameRecordsBlock {
  buffer: ArrayBuffer;
  /** Records in the buffer (the rest of it is unused). */
  count: number;
}

/** Records per block: a window's frames and half again (late windows, fps jitter), plus a margin. */
export function blockCapacity(windowMs: number, fps: number): number {
  return Math.ceil(((windowMs * fps) / 1000) * 1.5) + 16;
}

export class FrameRecordWriter {
  private buffer: ArrayBuffer;
  private view: DataView;
  private filled = 0;

  constructor(private readonly capacity: number) {
    this.buffer = new ArrayBuffer(capacity * FRAME_RECORD_BYTES);
    this.view = new DataView(this.buffer);
  }

  get count(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.capacity;
  }

  /** Forgets what was written (the capture was armed or disarmed since). */
  discard(): void {
    this.filled = 0;
  }

  /** Writes one frame's record; the caller hands the block over when it is full. */
  write(frameIndex: number, frame: FrameResult): void {
    // Session index 0: the recorder sets the capture's own on arrival.
    writeFrameFields(this.view, this.filled, frameIndex, 0, frame);
    this.filled++;
  }

  /** The filled block, to be transferred; a fresh block takes its place. Null when nothing was written. */
  take(): FrameRecordsBlock | null {
    if (this.filled === 0) return null;
    const block = { buffer: this.buffer, count: this.filled };
    this.buffer = new ArrayBuffer(this.capacity * FRAME_RECORD_BYTES);
    this.view = new DataView(this.buffer);
    this.filled = 0;
    return block;
  }
}
