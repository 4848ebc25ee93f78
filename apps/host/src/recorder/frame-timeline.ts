// The armed capture's frame timeline in the recorder: records from the
// workers' blocks are appended into preallocated chunks (no object per
// frame), their capture start rewritten to µs since arming and their session
// index set. Capped at maxFrames (MAX_CAPTURE_FRAMES, 20 MB): past it the
// timeline is truncated and keeps its start.
import {
  encodeFramesHeader,
  FRAME_FIELD,
  FRAME_RECORD_BYTES,
  FRAMES_HEADER_BYTES,
  type TimelineInfo,
} from '@punktfunk/shared';

/** 16,384 records (512 KB) per chunk: a 3 h capture is 40 chunks, a short one costs one. */
const CHUNK_RECORDS = 16_384;
const WORDS_PER_RECORD = FRAME_RECORD_BYTES / 4;

export class FrameTimeline {
  private readonly chunks: DataView[] = [];
  private frames = 0;
  private cut = false;

  constructor(
    /** The engine clock at arming (µs): records that started before it are dropped. */
    readonly armedMonoUs: number,
    private readonly maxFrames: number,
  ) {}

  get count(): number {
    return this.frames;
  }

  get truncated(): boolean {
    return this.cut;
  }

  /** What the capture's metadata says of it: null when no frame was recorded. */
  info(): TimelineInfo | null {
    return this.frames === 0 ? null : { frames: this.frames, truncated: this.cut };
  }

  /** Appends `count` records of a worker block (engine clock) as records of session `sessionIndex`. */
  append(records: DataView, count: number, sessionIndex: number): void {
    const n = Math.min(count, Math.floor(records.byteLength / FRAME_RECORD_BYTES));
    for (let i = 0, from = 0; i < n; i++, from += FRAME_RECORD_BYTES) {
      const startUs = records.getFloat64(from + FRAME_FIELD.captureStartUs, true);
      // Measured (at least partly) before arming; NaN never passes either.
      if (!(startUs >= this.armedMonoUs)) continue;
      if (this.frames >= this.maxFrames) {
        this.cut = true;
        return;
      }
      const chunk = this.chunkFor(this.frames);
      const to = (this.frames % CHUNK_RECORDS) * FRAME_RECORD_BYTES;
      for (let w = 0; w < WORDS_PER_RECORD; w++) {
        chunk.setUint32(to + w * 4, records.getUint32(from + w * 4, true), true);
      }
      chunk.setFloat64(to + FRAME_FIELD.captureStartUs, startUs - this.armedMonoUs, true);
      chunk.setUint16(to + FRAME_FIELD.sessionIndex, sessionIndex, true);
      this.frames++;
    }
  }

  /** The records so far in one contiguous view (a copy): what the stutter analysis reads. */
  view(): DataView {
    const bytes = this.fileBytes();
    return new DataView(bytes.buffer, FRAMES_HEADER_BYTES, this.frames * FRAME_RECORD_BYTES);
  }

  /** The whole `<id>.frames.bin` (header and records); null when no frame was recorded. */
  toFile(): Uint8Array | null {
    return this.frames === 0 ? null : this.fileBytes();
  }

  private fileBytes(): Uint8Array {
    const bytes = new Uint8Array(FRAMES_HEADER_BYTES + this.frames * FRAME_RECORD_BYTES);
    bytes.set(
      encodeFramesHeader({ recordCount: this.frames, truncated: this.cut, armedMonoUs: this.armedMonoUs }),
    );
    let left = this.frames * FRAME_RECORD_BYTES;
    let at = FRAMES_HEADER_BYTES;
    for (const chunk of this.chunks) {
      const take = Math.min(left, chunk.byteLength);
      bytes.set(new Uint8Array(chunk.buffer, 0, take), at);
      at += take;
      left -= take;
    }
    return bytes;
  }

  private chunkFor(recordIndex: number): DataView {
    const index = Math.floor(recordIndex / CHUNK_RECORDS);
    let chunk = this.chunks[index];
    if (!chunk) {
      chunk = new DataView(new ArrayBuffer(CHUNK_RECORDS * FRAME_RECORD_BYTES));
      this.chunks.push(chunk);
    }
    return chunk;
  }
}
