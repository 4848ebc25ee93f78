// What one pass of a pipeline (capture → ... → send) reports to the loop.

export interface FrameResult {
  /** When the frame's capture began, on the loop's clock (µs). */
  captureStartUs: number;
  /** Per-stage durations in µs, in the path's stage order. */
  stagesUs: readonly number[];
  /** Capture start → last packet handed to the kernel; null if not measurable. */
  hostUs: number | null;
  /** The source reported no change since the previous frame. */
  repeated: boolean;
  /** Bytes of every datagram sent for this frame (payload, headers, parity, padding, tags). */
  wireBytes: number;
  /** Datagrams the kernel refused. */
  refused: number;
  fecUs: number | null;
  sealUs: number | null;
  socketUs: number | null;
}
