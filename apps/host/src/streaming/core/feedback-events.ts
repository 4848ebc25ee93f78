// What in the client's reports is an event on the lane (docs/streaming.md):
// - a loss burst: an aggregation window (1 s GameStream, 2 s native) whose
//   loss reports (GameStream FEC tallies, a native client's loss messages)
//   add up to at least LOSS_BURST_MIN_PACKETS lost packets; consecutive such
//   windows are one burst, one event at its first window. A window, not a
//   report: a client reports every few frames, and 5 % loss at 8 Mb/s is a
//   few packets per report but 20-30 a second. The reports carry no packet
//   totals, so a count, not a rate.
// - an RTT spike: a round trip at least twice the running median of the last
//   RTT_HISTORY reports and at least RTT_SPIKE_MIN_EXTRA_US above it, once
//   RTT_MIN_HISTORY reports are in; one event per spike (it ends when the
//   round trip falls back under the threshold).
import type { PendingTimelineEvent, TimelineEventType } from '@punktfunk/shared';

export const LOSS_BURST_MIN_PACKETS = 10;
export const RTT_SPIKE_FACTOR = 2;
export const RTT_SPIKE_MIN_EXTRA_US = 20_000;
const RTT_HISTORY = 31;
const RTT_MIN_HISTORY = 5;

/** An event found in a report, not yet stamped (the loop stamps it when it drains the reports). */
export interface DetectedEvent {
  type: TimelineEventType;
  summary: string;
  details: PendingTimelineEvent['details'];
}

export class FeedbackEventDetector {
  private readonly rttUs: number[] = [];
  private inSpike = false;
  private windowLost = 0;
  private windowRecovered = 0;
  private inBurst = false;
  detected: DetectedEvent[] = [];

  noteLoss(packetsLost: number, fecRecovered: number): void {
    this.windowLost += packetsLost;
    this.windowRecovered += fecRecovered;
  }

  /** Ends the loss window (called at the aggregation boundary, by take()). */
  private closeLossWindow(): void {
    const packetsLost = this.windowLost;
    const fecRecovered = this.windowRecovered;
    this.windowLost = 0;
    this.windowRecovered = 0;
    const bursting = packetsLost >= LOSS_BURST_MIN_PACKETS;
    if (bursting && !this.inBurst) {
      this.detected.push({
        type: 'loss-burst',
        summary: `loss burst: ${packetsLost} packets lost in a window (${fecRecovered} frames repaired by FEC)`,
        details: { packetsLost, fecRecovered },
      });
    }
    this.inBurst = bursting;
  }

  noteRtt(rttUs: number): void {
    const medianUs = this.rttUs.length >= RTT_MIN_HISTORY ? median(this.rttUs) : null;
    this.rttUs.push(rttUs);
    if (this.rttUs.length > RTT_HISTORY) this.rttUs.shift();
    if (medianUs === null) return;
    const spiking = rttUs >= RTT_SPIKE_FACTOR * medianUs && rttUs >= medianUs + RTT_SPIKE_MIN_EXTRA_US;
    if (spiking && !this.inSpike) {
      this.detected.push({
        type: 'rtt-spike',
        summary: `RTT spike: ${(rttUs / 1000).toFixed(1)} ms (median ${(medianUs / 1000).toFixed(1)} ms)`,
        details: { rttUs, medianUs },
      });
    }
    this.inSpike = spiking;
  }

  /** What was found since the last call (the last window); null when nothing. */
  take(): DetectedEvent[] | null {
    this.closeLossWindow();
    if (this.detected.length === 0) return null;
    const found = this.detected;
    this.detected = [];
    return found;
  }
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
