// The verdict a capture gets when it stops (meta.verdict). A timeline that
// cannot be analysed must not cost the capture: the verdict then rests on the
// samples and its reasons say why the timeline was left out.
import {
  type Capture,
  type CaptureVerdict,
  captureVerdict,
  type FrameColumns,
  verdictOfCapture,
} from '@punktfunk/shared';

/** The capture's frame timeline as columns, or null when it has none; called once, on stop. */
export type TimelineColumnsSource = () => FrameColumns | null;

export function verdictOnStop(
  capture: Capture,
  timeline: TimelineColumnsSource | null,
  log: { error(message: string): void },
): CaptureVerdict {
  try {
    return verdictOfCapture(capture, timeline?.() ?? null);
  } catch (error) {
    const why = (error as Error).message;
    log.error(`stats capture: frame timeline not analysed (${why}); verdict from the samples only`);
    const { meta, samples, events } = capture;
    return captureVerdict({
      sessions: meta.sessions,
      samples,
      events,
      noTimelineReason: `frame timeline not analysed (${why}): verdict from the samples only`,
    });
  }
}
