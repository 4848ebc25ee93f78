// The native punktfunk/1 path's pipelines: capture → submit → encode → send.
// EnginePipeline drives the real capture and encoder; TracePipeline replays a
// trace's frame sizes (and, on a virtual clock, its stage costs) through the
// same send path.
import type { FrameCapture, FrameSendReport, VideoEncoder } from '@punktfunk/native';
import { NATIVE_STAGES } from '@punktfunk/shared';
import type { FrameClock } from '../core/frame-clock.js';
import type { FramePipeline } from '../core/frame-loop.js';
import { type FrameResult, NOTHING_SENT, sentFigures } from '../core/frame-result.js';
import type { Trace, TraceRecorder } from '../core/trace.js';

/** What the loop needs of the send path's per-frame report (the addon's MediaSender). */
export type SendReport = Pick<
  FrameSendReport,
  'wireBytes' | 'fecUs' | 'sealUs' | 'socketUs' | 'sendUs' | 'refused' | 'lastPacketMonoUs'
>;

export interface FrameSender {
  sendFrame(data: Uint8Array, frameIndex: number, keyframe: boolean, captureStartUs: number): SendReport;
}

export class EnginePipeline implements FramePipeline {
  readonly stageNames = NATIVE_STAGES;
  // Engine sources say when a frame repeats (X11 through XDamage; the pattern never does).
  readonly repeatsKnown = true;

  constructor(
    private readonly capture: FrameCapture,
    private readonly encoder: VideoEncoder,
    private readonly sender: FrameSender,
    private readonly traceOut: TraceRecorder | null = null,
  ) {}

  runFrame(frameIndex: number, forceIdr: boolean): FrameResult {
    const grabbed = this.capture.capture();
    const submitUs = this.encoder.submit(this.capture, forceIdr);
    const encoded = this.encoder.collect();
    let send: SendReport | null = null;
    if (encoded.data)
      send = this.sender.sendFrame(encoded.data, frameIndex, encoded.keyframe, grabbed.startUs);
    const stagesUs = [grabbed.captureUs, submitUs, encoded.encodeUs, send?.sendUs ?? 0];
    this.traceOut?.add({
      captureUs: grabbed.captureUs,
      submitUs,
      encodeUs: encoded.encodeUs,
      sendUs: send?.sendUs ?? 0,
      bytes: Math.max(1, encoded.data?.length ?? 0),
      keyframe: encoded.keyframe,
      repeated: grabbed.repeated,
    });
    return {
      captureStartUs: grabbed.startUs,
      stagesUs,
      hostUs: send ? send.lastPacketMonoUs - grabbed.startUs : null,
      repeated: grabbed.repeated,
      encodedBytes: encoded.data?.length ?? 0,
      keyframe: encoded.data ? encoded.keyframe : false,
      ...(send ? sentFigures(send) : NOTHING_SENT),
    };
  }

  setBitrateKbps(kbps: number): void {
    this.encoder.setBitrateKbps(kbps);
  }

  bitrateKbps(): number {
    return this.encoder.bitrateKbps;
  }

  captureSize(): { width: number; height: number } {
    return { width: this.capture.sourceWidth, height: this.capture.sourceHeight };
  }
}

export class TracePipeline implements FramePipeline {
  readonly stageNames = NATIVE_STAGES;
  readonly repeatsKnown = true;
  private readonly payload: Buffer;
  private targetKbps: number | null = null;

  constructor(
    private readonly trace: Trace,
    private readonly sender: FrameSender,
    private readonly clock: FrameClock,
    private readonly monotonicUs: () => number,
  ) {
    const largest = trace.frames.reduce((m, f) => Math.max(m, f.bytes), 0);
    // Stand-in bitstream bytes: the send path's cost does not depend on content.
    this.payload = Buffer.alloc(largest, 0x5a);
  }

  runFrame(frameIndex: number): FrameResult | null {
    const frame = this.trace.frames[frameIndex];
    if (!frame) return null;
    if (frame.targetBitrateKbps !== null) this.targetKbps = frame.targetBitrateKbps;
    const startUs = this.clock.nowUs();
    this.clock.advance(frame.captureUs + frame.submitUs + frame.encodeUs);
    const realStartUs = this.monotonicUs();
    const send = this.sender.sendFrame(
      this.payload.subarray(0, frame.bytes),
      frameIndex,
      frame.keyframe,
      startUs,
    );
    // On a virtual clock the trace's costs are the truth (exactly predictable
    // samples); on a real clock the real send cost is.
    const sendUs = this.clock.virtual ? frame.sendUs : send.sendUs;
    this.clock.advance(frame.sendUs);
    const stagesUs = [frame.captureUs, frame.submitUs, frame.encodeUs, sendUs];
    const hostUs = this.clock.virtual
      ? frame.captureUs + frame.submitUs + frame.encodeUs + frame.sendUs
      : send.lastPacketMonoUs - realStartUs + frame.captureUs + frame.submitUs + frame.encodeUs;
    return {
      captureStartUs: startUs,
      stagesUs,
      hostUs,
      repeated: frame.repeated,
      encodedBytes: frame.bytes,
      keyframe: frame.keyframe,
      ...sentFigures(send),
    };
  }

  setBitrateKbps(): void {}

  bitrateKbps(): number | null {
    return this.targetKbps;
  }
}
