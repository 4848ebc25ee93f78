// The per-frame timeline on the worker side: while a capture is armed, every
// frame writes one 32-byte record (packages/shared/src/timeline.ts) into a
// block preallocated for one aggregation window. The block is handed over
// whole (a transferable ArrayBuffer) at the window boundary, or earlier when
// it fills, and a fresh one is allocated: one allocation per window, none
// per frame, no object per frame.
import {
  encodeStageUs,
  FRAME_FIELD,
  FRAME_FLAG_KEYFRAME,
  FRAME_FLAG_REPEATED,
  FRAME_FLAG_STAGE_CLIPPED,
  FRAME_RECORD_BYTES,
  FRAME_STAGE_SLOTS,
  HOST_US_NOT_MEASURED,
  STAGE_US_MAX,
} from '@punktfunk/shared';
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
    const view = this.view;
    const at = this.filled * FRAME_RECORD_BYTES;
    view.setFloat64(at + FRAME_FIELD.captureStartUs, frame.captureStartUs, true);
    view.setUint32(at + FRAME_FIELD.frameIndex, frameIndex >>> 0, true);
    view.setUint32(at + FRAME_FIELD.encodedBytes, Math.min(frame.encodedBytes, 0xffff_ffff) >>> 0, true);
    const hostUs = frame.hostUs;
    view.setUint32(
      at + FRAME_FIELD.hostUs,
      hostUs === null ? HOST_US_NOT_MEASURED : Math.min(Math.max(0, Math.round(hostUs)), 0xffff_fffe),
      true,
    );
    view.setUint16(at + FRAME_FIELD.sessionIndex, 0, true);
    let flags = (frame.keyframe ? FRAME_FLAG_KEYFRAME : 0) | (frame.repeated ? FRAME_FLAG_REPEATED : 0);
    const stages = frame.stagesUs;
    for (let slot = 0; slot < FRAME_STAGE_SLOTS; slot++) {
      const us = stages[slot] ?? 0;
      if (us > STAGE_US_MAX) flags |= FRAME_FLAG_STAGE_CLIPPED;
      view.setUint16(at + FRAME_FIELD.stages + slot * 2, encodeStageUs(us), true);
    }
    view.setUint16(at + FRAME_FIELD.flags, flags, true);
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
