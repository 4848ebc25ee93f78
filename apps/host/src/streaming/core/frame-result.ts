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
  /** The encoder's output for this frame was a keyframe (false when it produced nothing). */
  keyframe: boolean;
  /** Bytes of every datagram sent for this frame (payload, headers, parity, padding, tags). */
  wireBytes: number;
  /** Datagrams the kernel refused. */
  refused: number;
  fecUs: number | null;
  sealUs: number | null;
  socketUs: number | null;
}

/** The part of a FrameResult that comes from the send path's per-frame report. */
export type SentFigures = Pick<FrameResult, 'wireBytes' | 'refused' | 'fecUs' | 'sealUs' | 'socketUs'>;

/** A send report of either path (native MediaSender, GameStream video sender) as the loop counts it. */
export function sentFigures(send: {
  wireBytes: number;
  refused: number;
  fecUs: number;
  sealUs: number;
  socketUs: number;
}): SentFigures {
  return {
    wireBytes: send.wireBytes,
    refused: send.refused,
    fecUs: send.fecUs,
    sealUs: send.sealUs,
    socketUs: send.socketUs,
  };
}

/** A frame the encoder produced nothing for: nothing went out, and the send costs are not measured. */
export const NOTHING_SENT: SentFigures = {
  wireBytes: 0,
  refused: 0,
  fecUs: null,
  sealUs: null,
  socketUs: null,
};
