// What gs-client reports about a stream: every delivered frame is decoded
// with the addon's decoder, and the host's processing latency is read from
// each frame's header (what Moonlight shows as "host processing latency").
import { VideoDecoder } from '@punktfunk/native';
import type { StreamCounters, StreamEnd } from '../session.js';
import type { ReceivedVideoFrame } from '../video-receiver.js';

export interface StreamReport {
  host: string;
  app: { id: number; title: string };
  mode: { width: number; height: number; fps: number; codec: string; bitrateKbps: number };
  seconds: number;
  video: {
    /** Complete frames the client delivered (after FEC and depacketizing). */
    framesReceived: number;
    framesDecoded: number;
    decodeErrors: number;
    /** Frames that never completed, and complete ones thrown away while waiting for an IDR. */
    framesLost: number;
    framesDropped: number;
    fps: number;
    datagrams: number;
    /** Datagrams thrown away on purpose (--drop-rate). */
    droppedOnPurpose: number;
    recoveredPackets: number;
    unrecoverableBlocks: number;
    idrRequests: number;
    mbps: number;
  };
  /** From the frame headers (0.1 ms units on the wire); null: no frame arrived. */
  hostLatencyMs: { p50: number; p99: number; max: number } | null;
  audio: { packets: number; lostPackets: number; recoveredPackets: number; decodedSamples: number };
  roundTripMs: number;
  end: StreamEnd;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Decodes what arrives and keeps the per-frame host latencies. */
export class FrameCollector {
  readonly hostLatencyTenthsMs: number[] = [];
  framesDecoded = 0;
  decodeErrors = 0;
  private readonly decoder: VideoDecoder;

  constructor(codec: 'h264' | 'hevc' | 'av1') {
    this.decoder = new VideoDecoder({ codec });
  }

  readonly onFrame = (frame: ReceivedVideoFrame): void => {
    this.hostLatencyTenthsMs.push(frame.hostLatencyTenthsMs);
    try {
      this.framesDecoded += this.decoder.decode(frame.data).frames.length;
    } catch {
      this.decodeErrors++;
    }
  };

  hostLatencyMs(): StreamReport['hostLatencyMs'] {
    const ms = this.hostLatencyTenthsMs.map((tenths) => tenths / 10);
    const p50 = percentile(ms, 50);
    const p99 = percentile(ms, 99);
    if (p50 === null || p99 === null) return null;
    return { p50, p99, max: Math.max(...ms) };
  }

  close(): void {
    this.decoder.close();
  }
}

export function videoFigures(
  counters: StreamCounters,
  frames: FrameCollector,
  seconds: number,
): StreamReport['video'] {
  const v = counters.video;
  return {
    framesReceived: v.framesDelivered,
    framesDecoded: frames.framesDecoded,
    decodeErrors: frames.decodeErrors,
    framesLost: v.framesLost,
    framesDropped: v.framesDropped,
    fps: seconds > 0 ? v.framesDelivered / seconds : 0,
    datagrams: v.datagrams,
    droppedOnPurpose: v.injectedDrops,
    recoveredPackets: v.recoveredPackets,
    unrecoverableBlocks: v.unrecoverableBlocks,
    idrRequests: v.idrRequests,
    mbps: seconds > 0 ? (v.bytes * 8) / seconds / 1e6 : 0,
  };
}

export function audioFigures(counters: StreamCounters): StreamReport['audio'] {
  const a = counters.audio;
  return {
    packets: a.delivered,
    lostPackets: a.lostPackets,
    recoveredPackets: a.recoveredPackets,
    decodedSamples: a.decodedSamples,
  };
}

export function formatReport(r: StreamReport): string {
  const v = r.video;
  const a = r.audio;
  const latency = r.hostLatencyMs
    ? `p50 ${r.hostLatencyMs.p50.toFixed(1)} ms, p99 ${r.hostLatencyMs.p99.toFixed(1)} ms, max ${r.hostLatencyMs.max.toFixed(1)} ms`
    : 'n/m (no frame)';
  const end = r.end.terminationCode === null ? '' : ` (termination 0x${r.end.terminationCode.toString(16)})`;
  return [
    `gs-client: ${r.host} "${r.app.title}" (app ${r.app.id}) ${r.mode.width}x${r.mode.height}@${r.mode.fps} ${r.mode.codec} ${r.mode.bitrateKbps} kbps`,
    `  ${r.seconds.toFixed(1)} s: ${v.framesReceived} frames received (${v.fps.toFixed(1)} fps, ${v.mbps.toFixed(2)} Mbit/s), ${v.framesDecoded} decoded, ${v.decodeErrors} decode errors`,
    `  video: ${v.datagrams} datagrams (${v.droppedOnPurpose} dropped on purpose), ${v.recoveredPackets} packets recovered by FEC, ${v.unrecoverableBlocks} blocks unrecoverable; ${v.framesLost} frames lost, ${v.framesDropped} dropped until an IDR, ${v.idrRequests} IDR requests`,
    `  host latency (frame headers): ${latency}`,
    `  audio: ${a.packets} Opus packets, ${a.lostPackets} lost, ${a.recoveredPackets} recovered by FEC, ${a.decodedSamples} samples decoded`,
    `  control round trip ${r.roundTripMs.toFixed(1)} ms; ended: ${r.end.reason}${end}${r.end.graceful ? ', graceful' : ''}`,
  ].join('\n');
}
