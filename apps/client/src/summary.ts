// What the client reports at the end of a run.
export interface ClientSummary {
  host: string;
  sessionId: string | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  encoderName: string | null;
  seconds: number;
  framesReceived: number;
  framesDecoded: number;
  decodeErrors: number;
  /** Decoded frames whose drawn counter did not match the frame index sent. */
  counterMismatches: number;
  /** Decoded frames with no readable counter: the host streams a desktop, not its test pattern. */
  framesWithoutCounter: number;
  framesLost: number;
  /** Frames after a lost one, not shown until the IDR the client asked for arrived. */
  framesSkippedUntilIdr: number;
  fecRecovered: number;
  datagramsReceived: number;
  datagramsDroppedOnPurpose: number;
  authFailures: number;
  fps: number;
  e2eP50Ms: number | null;
  e2eP99Ms: number | null;
  decodeP50Ms: number | null;
  bytesReceived: number;
  stopReason: string;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function formatSummary(s: ClientSummary): string {
  const ms = (v: number | null) => (v === null ? 'n/m' : `${v.toFixed(2)} ms`);
  return [
    `punktfunk client: ${s.host} session ${s.sessionId ?? '-'} ${s.width ?? '?'}x${s.height ?? '?'} ${s.codec ?? '?'} via ${s.encoderName ?? '?'}`,
    `  ${s.seconds.toFixed(1)} s: ${s.framesReceived} frames received, ${s.framesDecoded} decoded (${s.fps.toFixed(1)} fps), ${s.decodeErrors} decode errors, ${s.counterMismatches} counter mismatches, ${s.framesWithoutCounter} without a counter (a desktop)`,
    `  lost ${s.framesLost} frames (${s.framesSkippedUntilIdr} skipped until the next IDR); FEC recovered ${s.fecRecovered}; datagrams ${s.datagramsReceived} (${s.datagramsDroppedOnPurpose} dropped on purpose, ${s.authFailures} failed authentication)`,
    `  end-to-end (capture → decoded) p50 ${ms(s.e2eP50Ms)}, p99 ${ms(s.e2eP99Ms)}; decode p50 ${ms(s.decodeP50Ms)}`,
    `  ended: ${s.stopReason}`,
  ].join('\n');
}
