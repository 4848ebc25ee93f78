// The GameStream path's pipeline: capture → encode → packetize → send.
// "packetize" is the native sender's header, payload-copy, Reed-Solomon and
// AES-GCM work; "send" is what remains of its call (pacing and sendmmsg).
// The host processing latency written into each frame's header (what
// Moonlight shows as "host processing latency") is capture start → encoded
// frame ready to packetize, as Sunshine defines it; the sample's host figure
// runs on to the last datagram handed to the kernel.
import type { FrameCapture, GameStreamFrameReport, VideoEncoder } from '@punktfunk/native';
import { GAMESTREAM_FRAME_TYPES, type GameStreamFrameType } from '@punktfunk/native';
import { GAMESTREAM_STAGES } from '@punktfunk/shared';
import type { FramePipeline } from '../core/frame-loop.js';
import { type FrameResult, NOTHING_SENT, sentFigures } from '../core/frame-result.js';

/** What the pipeline needs of the addon's GameStreamVideoSender. */
export interface GameStreamVideoPort {
  sendFrame(
    data: Uint8Array,
    frameIndex: number,
    frameType: GameStreamFrameType,
    hostLatencyUs: number,
    rtpTimestamp: number,
  ): GameStreamFrameReport;
}

const RTP_CLOCK_HZ = 90_000;

export class GameStreamPipeline implements FramePipeline {
  readonly stageNames = GAMESTREAM_STAGES;
  // Engine sources say when a frame repeats (X11 through XDamage; the pattern never does).
  readonly repeatsKnown = true;
  /** GameStream frame numbers start at 1 and must have no gaps: the client counts a gap as loss. */
  private nextWireFrame = 1;
  private streamStartUs: number | null = null;
  /** Host latency (µs) of the last frame, as written into its header. */
  lastReportedLatencyUs: number | null = null;
  /**
   * Capture start of each frame handed to the encoder, by the encoder's pts
   * (one per submit, from 0): SVT-AV1 hands a frame back a few submits later,
   * and its latency runs from its own capture, not the latest one.
   */
  private readonly captureStartByPts = new Map<number, number>();
  private nextPts = 0;

  constructor(
    private readonly capture: FrameCapture,
    private readonly encoder: VideoEncoder,
    private readonly video: GameStreamVideoPort,
    private readonly monotonicUs: () => number,
    /** Every frame's encode time (submit + collect), e.g. for the EncoderPaceWatch. */
    private readonly onEncoded: (encodeUs: number) => void = () => {},
  ) {}

  runFrame(_frameIndex: number, forceIdr: boolean): FrameResult {
    const grabbed = this.capture.capture();
    this.streamStartUs ??= grabbed.startUs;
    const submitUs = this.encoder.submit(this.capture, forceIdr);
    this.captureStartByPts.set(this.nextPts++, grabbed.startUs);
    const encoded = this.encoder.collect();
    const encodeUs = submitUs + encoded.encodeUs;
    this.onEncoded(encodeUs);
    if (!encoded.data) return this.unsent(grabbed, encodeUs);
    const capturedUs = this.takeCaptureStart(encoded.pts) ?? grabbed.startUs;
    const latencyUs = Math.max(0, this.monotonicUs() - capturedUs);
    this.lastReportedLatencyUs = latencyUs;
    const sent = this.video.sendFrame(
      encoded.data,
      this.nextWireFrame++,
      encoded.keyframe ? GAMESTREAM_FRAME_TYPES.idr : GAMESTREAM_FRAME_TYPES.p,
      latencyUs,
      this.rtpTimestamp(capturedUs),
    );
    const packetizeUs = sent.fecUs + sent.sealUs;
    return {
      captureStartUs: grabbed.startUs,
      stagesUs: [grabbed.captureUs, encodeUs, packetizeUs, Math.max(0, sent.sendUs - packetizeUs)],
      hostUs: sent.lastPacketMonoUs - capturedUs,
      repeated: grabbed.repeated,
      encodedBytes: encoded.data.length,
      keyframe: encoded.keyframe,
      ...sentFigures(sent),
    };
  }

  private unsent(
    grabbed: { startUs: number; captureUs: number; repeated: boolean },
    encodeUs: number,
  ): FrameResult {
    return {
      captureStartUs: grabbed.startUs,
      stagesUs: [grabbed.captureUs, encodeUs, 0, 0],
      hostUs: null,
      repeated: grabbed.repeated,
      encodedBytes: 0,
      keyframe: false,
      ...NOTHING_SENT,
    };
  }

  /** The capture start of the frame with this pts; older entries go (their frames were dropped by a reopen). */
  private takeCaptureStart(pts: number): number | undefined {
    const startUs = this.captureStartByPts.get(pts);
    for (const key of this.captureStartByPts.keys()) {
      if (key > pts) break;
      this.captureStartByPts.delete(key);
    }
    return startUs;
  }

  /** 90 kHz since the stream's first capture, wrapping at 2^32 like RTP. */
  private rtpTimestamp(captureStartUs: number): number {
    const elapsedUs = captureStartUs - (this.streamStartUs ?? captureStartUs);
    return Math.floor((elapsedUs * RTP_CLOCK_HZ) / 1e6) % 2 ** 32;
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
