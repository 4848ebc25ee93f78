// Figures only the client can see (loss, FEC recoveries, decode time, when a
// frame was on screen) reach the worker as feedback messages, drained at the
// aggregation boundary. A window with no report of a kind records null
// ("not measured"), never 0.
import { FeedbackEventDetector } from './feedback-events.js';
import { Column, p50p99 } from './window-stats.js';

export type FeedbackMessage =
  | { type: 'loss'; packetsLost: number; fecRecovered: number }
  /** Per frame: index, when it was decoded (host clock, µs), decode time (µs). */
  | { type: 'frame-timing'; frames: [number, number, number][] }
  | { type: 'rtt'; rttUs: number }
  /** What the client asked of the host since the last one: keyframes, and frames it could not recover. */
  | { type: 'client-reports'; idrRequests: number; unrecoverableFrames: number };

export interface FeedbackFigures {
  packetsLost: number | null;
  fecRecovered: number | null;
  rttUs: number | null;
  idrRequests: number | null;
  unrecoverableFrames: number | null;
  clientDecodeP50Us: number | null;
  e2eP50Us: number | null;
  e2eP99Us: number | null;
}

/** Frames remembered for matching client timings to capture starts. */
const CAPTURE_HISTORY = 1024;

export class ClientFeedback {
  private readonly captureStartUs = new Float64Array(CAPTURE_HISTORY);
  private readonly captureFrameIndex = new Int32Array(CAPTURE_HISTORY).fill(-1);
  private readonly decodeUs = new Column(256);
  private readonly e2eUs = new Column(256);
  private packetsLost: number | null = null;
  private fecRecovered: number | null = null;
  private rttUs: number | null = null;
  private idrRequests: number | null = null;
  private unrecoverableFrames: number | null = null;
  /** Loss bursts and RTT spikes in the reports, for the event lane. */
  readonly events = new FeedbackEventDetector();

  noteCaptureStart(frameIndex: number, startUs: number): void {
    const slot = frameIndex % CAPTURE_HISTORY;
    this.captureStartUs[slot] = startUs;
    this.captureFrameIndex[slot] = frameIndex;
  }

  apply(message: FeedbackMessage): void {
    if (message.type === 'loss') {
      this.packetsLost = (this.packetsLost ?? 0) + message.packetsLost;
      this.fecRecovered = (this.fecRecovered ?? 0) + message.fecRecovered;
      this.events.noteLoss(message.packetsLost, message.fecRecovered);
    } else if (message.type === 'rtt') {
      this.rttUs = message.rttUs;
      this.events.noteRtt(message.rttUs);
    } else if (message.type === 'client-reports') {
      this.idrRequests = (this.idrRequests ?? 0) + message.idrRequests;
      this.unrecoverableFrames = (this.unrecoverableFrames ?? 0) + message.unrecoverableFrames;
    } else {
      for (const [frameIndex, decodedHostUs, decodeUs] of message.frames)
        this.addTiming(frameIndex, decodedHostUs, decodeUs);
    }
  }

  private addTiming(frameIndex: number, decodedHostUs: number, decodeUs: number): void {
    this.decodeUs.push(decodeUs);
    const slot = frameIndex % CAPTURE_HISTORY;
    if (this.captureFrameIndex[slot] !== frameIndex) return; // too old to match
    this.e2eUs.push(decodedHostUs - (this.captureStartUs[slot] as number));
  }

  /** The window's figures; resets for the next window (RTT is kept as the latest estimate). */
  takeWindow(): FeedbackFigures {
    const decode = this.decodeUs.length ? p50p99(this.decodeUs) : null;
    const e2e = this.e2eUs.length ? p50p99(this.e2eUs) : null;
    const figures: FeedbackFigures = {
      packetsLost: this.packetsLost,
      fecRecovered: this.fecRecovered,
      rttUs: this.rttUs,
      idrRequests: this.idrRequests,
      unrecoverableFrames: this.unrecoverableFrames,
      clientDecodeP50Us: decode?.p50Us ?? null,
      e2eP50Us: e2e?.p50Us ?? null,
      e2eP99Us: e2e?.p99Us ?? null,
    };
    this.packetsLost = null;
    this.fecRecovered = null;
    this.idrRequests = null;
    this.unrecoverableFrames = null;
    this.decodeUs.clear();
    this.e2eUs.clear();
    return figures;
  }
}
